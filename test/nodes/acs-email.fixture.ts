// Shared set-up for the acs-email suites: the send-node flow (send-node.fixture.ts) with one
// acs-email node as the editor deploys it, a sandbox that knows its domains, and a way to collect a
// batch's msgs up to its summary.
import assert from "node:assert/strict";
import acsEmail = require("../../nodes/acs-email");
import { sandboxPerSuite } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { caughtFrom, collect, configNode, loadSendFlow, runNode, type FlowMsg } from "./send-node.fixture";

export type EmailMsg = FlowMsg;

export const SENDER = "DoNotReply@contoso.test";

/** The field defaults of the node's editor (acs-email.html), as a new node is deployed. */
export const EDITOR_DEFAULTS: Record<string, unknown> = {
  mode: "single",
  recipients: "payload",
  recipientsType: "msg",
  outputEach: false,
  sender: "",
  senderType: "str",
  to: "to",
  toType: "msg",
  cc: "cc",
  ccType: "msg",
  bcc: "bcc",
  bccType: "msg",
  replyTo: "replyTo",
  replyToType: "msg",
  subject: "topic",
  subjectType: "msg",
  bodyFormat: "text",
  body: "payload",
  bodyType: "msg",
  html: "html",
  htmlType: "msg",
  headers: "{}",
  headersType: "json",
  importance: "",
  disableTracking: false,
  completion: "wait",
  pollInterval: "",
  correlationId: "correlationId",
  correlationIdType: "msg",
};

/** Quotas far above what the tests send, so that the node's own pacing never slows a test down. */
export const FAST_LIMITS = { emailPerMinute: "600000", emailPerHour: "10000000", emailMaxInFlight: "8" };

/** A sandbox that links contoso.test, fails *@unreachable.test and counts quotas at a high time scale. */
export function startEmailSandbox(): Promise<Sandbox> {
  return startTestSandbox({
    timeScale: 600,
    customDomains: ["contoso.test"],
    quotas: { email: { custom: null, managed: null } },
    rules: [{ match: "*@unreachable.test", outcome: "failed", channel: "email" }],
  });
}

/**
 * The set-up of an acs-email suite: one email sandbox for the suite, handed to `use`, cleared of
 * records and faults before each test with the custom-domain quota off.
 */
export function emailSandboxPerSuite(use: (sandbox: Sandbox) => unknown): void {
  let sandbox: Sandbox;
  sandboxPerSuite((started) => use((sandbox = started)), startEmailSandbox);
  beforeEach(function () {
    sandbox.control.reset();
    sandbox.control.setFaults({});
    sandbox.control.setQuotas({ email: { custom: null } });
  });
}

/** Deploys config + one acs-email node ("email") with the editor defaults, a sender and `props`. */
export async function loadEmailFlow(sandbox: Sandbox, props: Record<string, unknown> = {}, config: Record<string, unknown> = FAST_LIMITS): Promise<void> {
  await loadSendFlow(sandbox, { module: acsEmail, type: "acs-email", id: "email", nodes: [emailFields(props)], config });
}

/** The fields of an acs-email node as the editor deploys it, sending from SENDER and polling fast; `props` override. */
export function emailFields(props: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...EDITOR_DEFAULTS, sender: SENDER, pollInterval: "0.02", ...props };
}

/** Sends one msg and resolves with the msg the node sent on. */
export function run(msg: EmailMsg): Promise<EmailMsg> {
  return runNode("email", msg);
}

/** Sends a batch msg and resolves with every msg up to the summary (the last one). */
export function runBatch(msg: EmailMsg): Promise<EmailMsg[]> {
  return collect("email", msg, (m) => m.acs?.operation === "batch");
}

/** Runs `msg` and returns what the Catch node got (fails when the msg went through). */
export async function caughtBy(msg: EmailMsg): Promise<{ text: string; msg: EmailMsg }> {
  const error = await caughtFrom("email", msg);
  // Node-RED writes msg.error.message as the failure's toString(): the text alone.
  assert.doesNotMatch(error.message, /^AcsError: /);
  return { text: error.message, msg: error.msg };
}

export { configNode };
