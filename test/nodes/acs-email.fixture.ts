// Shared set-up for the acs-email suites: a flow of acs-config (sandbox), one acs-email node, a
// helper node on its output and a Catch node scoped to it; a way to send a msg and get back what
// came out (or what the Catch node caught), and to collect a batch's msgs up to its summary.
import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import acsConfig = require("../../nodes/acs-config");
import acsEmail = require("../../nodes/acs-email");
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { helper } from "../helpers/node-red";
import { sandboxConfig, startTestSandbox, type Sandbox } from "../helpers/sandbox";

export type EmailMsg = NodeMessage & {
  acs?: Record<string, unknown>;
  error?: { message: string };
  [key: string]: unknown;
};

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

/** Deploys config + one acs-email node ("email") with the editor defaults, a sender and `props`. */
export async function loadEmailFlow(sandbox: Sandbox, props: Record<string, unknown> = {}, config: Record<string, unknown> = FAST_LIMITS): Promise<void> {
  const { node, credentials } = sandboxConfig(sandbox, "acs", config);
  const flow = [
    { id: "flow", type: "tab", label: "email" },
    node,
    { id: "email", type: "acs-email", z: "flow", x: 0, y: 0, config: "acs", wires: [["out"]], ...EDITOR_DEFAULTS, sender: SENDER, pollInterval: "0.02", ...props },
    { id: "out", type: "helper", z: "flow", x: 0, y: 0 },
    { id: "catch", type: "catch", z: "flow", x: 0, y: 0, scope: ["email"], uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "flow", x: 0, y: 0 },
  ];
  await helper.load([acsConfig, acsEmail], flow, credentials);
}

interface EventNode {
  on(event: string, listener: (msg: EmailMsg) => void): void;
  removeListener(event: string, listener: (msg: EmailMsg) => void): void;
  receive(msg: EmailMsg): void;
}

function testNode(id: string): EventNode {
  return helper.getNode(id) as unknown as EventNode;
}

/**
 * Sends `msg` into the email node; resolves with the msgs it sent on (up to and including the first
 * for which `last` is true), rejects with the error a Catch node got.
 */
export function collect(msg: EmailMsg, last: (m: EmailMsg) => boolean): Promise<EmailMsg[]> {
  const out = testNode("out");
  const caught = testNode("caught");
  const id = `test-${Math.random().toString(36).slice(2)}`;
  const received: EmailMsg[] = [];
  return new Promise((resolve, reject) => {
    const onOut = (m: EmailMsg) => {
      if (m._testId !== id) return;
      received.push(m);
      if (!last(m)) return;
      cleanup();
      resolve(received);
    };
    const onCaught = (m: EmailMsg) => {
      if (m._testId !== id) return;
      cleanup();
      const error = new Error(m.error?.message ?? "caught without an error") as Error & { msg?: EmailMsg };
      error.msg = m;
      reject(error);
    };
    const cleanup = () => {
      out.removeListener("input", onOut);
      caught.removeListener("input", onCaught);
    };
    out.on("input", onOut);
    caught.on("input", onCaught);
    testNode("email").receive({ ...msg, _testId: id });
  });
}

/** Sends one msg and resolves with the msg the node sent on. */
export async function run(msg: EmailMsg): Promise<EmailMsg> {
  const [output] = await collect(msg, () => true);
  return output;
}

/** Sends a batch msg and resolves with every msg up to the summary (the last one). */
export function runBatch(msg: EmailMsg): Promise<EmailMsg[]> {
  return collect(msg, (m) => m.acs?.operation === "batch");
}

/** Runs `msg` and returns what the Catch node got (fails when the msg went through). */
export async function caughtBy(msg: EmailMsg): Promise<{ text: string; msg: EmailMsg }> {
  let output: EmailMsg;
  try {
    output = await run(msg);
  } catch (err) {
    const error = err as Error & { msg?: EmailMsg };
    // Node-RED writes msg.error.message as the failure's toString(): the text alone.
    assert.doesNotMatch(error.message, /^AcsError: /);
    return { text: error.message, msg: error.msg as EmailMsg };
  }
  throw new Error(`expected a failure, got msg.acs ${JSON.stringify(output.acs)}`);
}

export function configNode(): AcsConfigNode {
  return helper.getNode("acs") as unknown as AcsConfigNode;
}
