// The flow the send reliability suites run: acs-sms and acs-email side by side on one sandbox
// connection, both wired to a helper node ("out") and to a Catch node ("caught"), with an
// OutcomeLedger keeping the books on every msg.
import acsConfig = require("../../nodes/acs-config");
import acsEmail = require("../../nodes/acs-email");
import acsSms = require("../../nodes/acs-sms");
import { helper } from "../helpers/node-red";
import type { SandboxOptions } from "../../emulator";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";
import { OutcomeLedger } from "./outcome-ledger";

export const SENDER_NUMBER = "+18005550100";
export const SENDER_ADDRESS = "alerts@contoso.test";

/** A sandbox that takes the sender's domain and puts no quota on either channel unless a test sets one. */
export const UNMETERED_SANDBOX: SandboxOptions = { timeScale: 60, customDomains: ["contoso.test"], quotas: { sms: { tollFree: null }, email: { custom: null } } };

export interface SendFlowOptions {
  /** The flow tab's label. */
  label: string;
  /** Fields of the acs-config node (the nodes' pacing). */
  config: Record<string, unknown>;
  /** Fields of the acs-email node (how it completes). */
  email: Record<string, unknown>;
  /** The send nodes' name (a changed name makes a "modified nodes" deploy restart them). */
  name?: string;
}

export function sendFlow(sandbox: Sandbox, options: SendFlowOptions): { flow: Record<string, unknown>[]; credentials: Record<string, Record<string, string>> } {
  const config = sandboxConfig(sandbox, "acs", options.config);
  const name = options.name ?? "";
  // Flow nodes need a position: without one the runtime takes them for config nodes.
  const at = { z: "flow", x: 100, y: 100 };
  const flow = [
    { id: "flow", type: "tab", label: options.label },
    config.node,
    { id: "sms", type: "acs-sms", name, config: "acs", from: SENDER_NUMBER, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: false, correlationId: "correlationId", correlationIdType: "msg", outputMode: "perRecipient", wires: [["out"]], ...at },
    { id: "email", type: "acs-email", name, config: "acs", mode: "single", sender: SENDER_ADDRESS, senderType: "str", to: "to", toType: "msg", subject: "topic", subjectType: "msg", body: "payload", bodyType: "msg", bodyFormat: "text", headers: "{}", headersType: "json", ...options.email, wires: [["out"]], ...at },
    { id: "out", type: "helper", ...at },
    { id: "catch", type: "catch", scope: null, uncaught: false, wires: [["caught"]], ...at },
    { id: "caught", type: "helper", ...at },
  ];
  return { flow, credentials: config.credentials };
}

/** Deploys the flow and answers a ledger listening to its output and its Catch node. */
export async function loadSendFlow(sandbox: Sandbox, options: SendFlowOptions): Promise<OutcomeLedger> {
  const { flow, credentials } = sendFlow(sandbox, options);
  await helper.load([acsConfig, acsSms, acsEmail], flow, credentials);
  const ledger = new OutcomeLedger(["sms", "email"]);
  ledger.listen(helper.getNode("out"), "outputs");
  ledger.listen(helper.getNode("caught"), "caught");
  return ledger;
}
