// Shared set-up of the acs-sms suites: a flow of one acs-config node (sandbox mode), one acs-sms node
// and a helper node collecting its output, plus ways to wait for what the node sends and the errors
// its done(err) raises.
import type { EventEmitter } from "node:events";
import type { Node, NodeMessage } from "node-red";
import acsConfig = require("../../nodes/acs-config");
import acsSms = require("../../nodes/acs-sms");
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { helper } from "../helpers/node-red";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";

export const FROM = "+18005550100";

export type AcsMsg = NodeMessage & { acs: Record<string, unknown> & { results?: Record<string, unknown>[] }; [key: string]: unknown };

export interface SmsFlowOptions {
  /** Fields of the acs-sms node. */
  sms?: Record<string, unknown>;
  /** Fields of the acs-config node (e.g. smsPerMinute). */
  config?: Record<string, unknown>;
  /** Replaces the sandbox's endpoint and CA (a proxy in front of it). */
  endpoint?: string;
  ca?: string;
  /** Replaces the sandbox's access key in the config node's credentials. */
  accessKey?: string;
}

export function smsFlow(sandbox: Sandbox, options: SmsFlowOptions = {}): { flow: Record<string, unknown>[]; credentials: Record<string, Record<string, string>> } {
  // By default the node paces a little under the sandbox's toll-free quota (200/min, scaled by its
  // time factor): a request of 100 recipients lands at once, so pacing at exactly the quota can
  // meet the edge of the service's sliding window and be throttled.
  const pace = { smsPerMinute: String(180 * sandbox.timeScale) };
  const config = sandboxConfig(sandbox, "acs", { ...pace, ...options.config });
  if (options.endpoint) config.node.endpoint = options.endpoint;
  if (options.ca) config.credentials.acs.caCert = options.ca;
  if (options.accessKey) config.credentials.acs.accessKey = options.accessKey;
  return { flow: [config.node, smsNode(options.sms), { id: "out", type: "helper" }], credentials: config.credentials };
}

/** An acs-sms node ("sms") sending msg.payload from FROM to msg.to with delivery reports, wired to "out"; `fields` override. */
export function smsNode(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "sms",
    type: "acs-sms",
    config: "acs",
    from: FROM,
    fromType: "str",
    to: "to",
    toType: "msg",
    message: "payload",
    messageType: "msg",
    defaultRegion: "",
    deliveryReport: true,
    correlationId: "correlationId",
    correlationIdType: "msg",
    outputMode: "perRecipient",
    mms: false,
    attachments: "attachments",
    attachmentsType: "msg",
    wires: [["out"]],
    ...fields,
  };
}

export async function loadSmsFlow(sandbox: Sandbox, options: SmsFlowOptions = {}): Promise<{ sms: Node; out: Node }> {
  const { flow, credentials } = smsFlow(sandbox, options);
  await helper.load([acsConfig, acsSms], flow, credentials);
  return { sms: helper.getNode("sms"), out: helper.getNode("out") };
}

/**
 * The same flow with the acs-config node's authentication replaced (e.g. Entra ID): `config` fields
 * override the sandbox-mode ones, `credentials` replace its credentials.
 */
export async function loadSmsFlowWith(
  sandbox: Sandbox,
  auth: { config: Record<string, unknown>; credentials: Record<string, string> },
): Promise<{ sms: Node; out: Node }> {
  const { flow, credentials } = smsFlow(sandbox, { config: auth.config });
  await helper.load([acsConfig, acsSms], flow, { ...credentials, acs: auth.credentials });
  return { sms: helper.getNode("sms"), out: helper.getNode("out") };
}

/** The node as the event emitter it is: the test helper emits `call:error`, `call:warn`, `call:status`... on it. */
export function events(node: Node): EventEmitter {
  return node as unknown as EventEmitter;
}

/** Collects the arguments of every `call:<method>` the node makes (status, warn, error...). */
export function calls<T = unknown>(node: Node, method: string): T[] {
  const seen: T[] = [];
  events(node).on(`call:${method}`, (call: { args: unknown[] }) => seen.push(call.args[0] as T));
  return seen;
}

export function configNode(): AcsConfigNode {
  return helper.getNode("acs") as unknown as AcsConfigNode;
}

/** Resolves with the next `count` messages the node outputs; rejects on the node's first error. */
export function outputs(sms: Node, out: Node, count: number, timeoutMs = 10_000): Promise<AcsMsg[]> {
  return new Promise((resolve, reject) => {
    const received: AcsMsg[] = [];
    const timer = setTimeout(() => finish(new Error(`timed out with ${received.length} of ${count} messages`)), timeoutMs);
    const onInput = (msg: AcsMsg) => {
      received.push(msg);
      if (received.length === count) finish();
    };
    const onError = (call: { args: unknown[] }) => finish(call.args[0] instanceof Error ? call.args[0] : new Error(String(call.args[0])));
    function finish(err?: Error) {
      clearTimeout(timer);
      events(out).removeListener("input", onInput);
      events(sms).removeListener("call:error", onError);
      if (err) reject(err);
      else resolve(received);
    }
    events(out).on("input", onInput);
    events(sms).on("call:error", onError);
  });
}

/** Resolves with the error (and its msg) of the node's next done(err). */
export function nextError(sms: Node, timeoutMs = 10_000): Promise<{ error: Error; msg: AcsMsg }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for an error")), timeoutMs);
    const onError = (call: { args: unknown[] }) => {
      // A msg's failure (done(err)) comes with the msg; what the node logs at deploy does not.
      if (call.args[1] === undefined) return;
      clearTimeout(timer);
      events(sms).off("call:error", onError);
      resolve({ error: call.args[0] as Error, msg: call.args[1] as AcsMsg });
    };
    events(sms).on("call:error", onError);
  });
}

export function send(sms: Node, msg: Record<string, unknown>): void {
  sms.receive(msg as NodeMessage);
}

/** `count` distinct E.164 numbers (+1 425 55x xxxx). */
export function numbers(count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, i) => `+1425555${String(first + i).padStart(4, "0")}`);
}

export const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
