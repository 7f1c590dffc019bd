// The lifecycle the three send nodes share (nodes/lib/node-red/send-node.ts): a missing or unknown
// connection reported at deploy, and one close sequence whose grace ends requests still in flight.
import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import acsChat = require("../../nodes/acs-chat");
import acsConfig = require("../../nodes/acs-config");
import acsEmail = require("../../nodes/acs-email");
import acsSms = require("../../nodes/acs-sms");
import { CLOSE_GRACE_MS } from "../../nodes/lib/connection/resource";
import { coreNode } from "./acs-events.fixture";
import { EDITOR_DEFAULTS as CHAT_DEFAULTS } from "./acs-chat.fixture";
import { EDITOR_DEFAULTS as EMAIL_DEFAULTS, SENDER } from "./acs-email.fixture";
import { FROM } from "./acs-sms.fixture";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";

const at = { z: "flow", x: 0, y: 0 };
const SENDERS = ["sms", "email", "chat"] as const;

type Status = { fill?: string; shape?: string; text?: string };
interface EventNode {
  on(event: "input", listener: (msg: NodeMessage & { error?: { message: string; source?: { id?: string } } }) => void): void;
  receive(msg: object): void;
}
const node = (id: string) => helper.getNode(id) as unknown as EventNode;

/** The three send nodes on `config`, and a Catch node. */
function senders(config: string): Record<string, unknown>[] {
  return [
    { id: "flow", type: "tab", label: "senders" },
    { id: "sms", type: "acs-sms", ...at, config, from: FROM, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", outputMode: "perRecipient", wires: [["out"]] },
    { id: "email", type: "acs-email", ...at, ...EMAIL_DEFAULTS, config, sender: SENDER, completion: "accepted", wires: [["out"]] },
    { id: "chat", type: "acs-chat", ...at, ...CHAT_DEFAULTS, config, operation: "createUser", wires: [["out"]] },
    { id: "out", type: "helper", ...at },
    { id: "catch", type: "catch", ...at, scope: [...SENDERS], uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", ...at },
  ];
}

const modules = [coreNode("common/25-catch.js"), acsConfig, acsSms, acsEmail, acsChat];

/** Every status node `id` showed since the flow was loaded (read from the spy the helper puts on Node.status). */
function shownStatuses(id: string): Status[] {
  return helper._NodePrototype.status
    .getCalls()
    .filter((call) => (call.thisValue as { id?: string }).id === id)
    .map((call) => call.args[0] as Status);
}

function loggedErrors(): Map<string, string> {
  const errors = new Map<string, string>();
  for (const [entry] of helper.log().args) if (entry.level === 20 && entry.id) errors.set(entry.id, String(entry.msg));
  return errors;
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("send nodes' lifecycle (acs-sms, acs-email, acs-chat)", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  sandboxPerSuite((started) => (sandbox = started));

  for (const [what, config, text] of [
    ["no connection selected", "", "config: no ACS connection selected"],
    ["a connection that is not deployed", "gone", "config: the selected ACS connection is not deployed"],
  ] as const) {
    it(`reports ${what} at deploy: logged, and a red status, before any msg`, async () => {
      await helper.load(modules, senders(config));
      for (const id of SENDERS) {
        assert.ok(loggedErrors().get(id)?.startsWith(text), `${id} logged: ${loggedErrors().get(id)}`);
        const [status] = shownStatuses(id);
        assert.deepEqual({ ...status, text: status?.text?.startsWith(text) }, { fill: "red", shape: "ring", text: true }, `${id} showed ${JSON.stringify(status)}`);
      }
    });
  }

  it("ends requests still in flight when the close grace is over: each msg fails, and the node closes", async () => {
    const { node: config, credentials } = sandboxConfig(sandbox, "acs", { smsPerMinute: "600000", emailPerMinute: "600000", emailPerHour: "6000000" });
    await helper.load(modules, [...senders("acs"), config], credentials);
    const caught = new Map<string, string>();
    node("caught").on("input", (msg) => msg.error?.source?.id && caught.set(msg.error.source.id, msg.error.message));
    // The service answers after far longer than the grace.
    sandbox.control.setLatency({ latencyMs: CLOSE_GRACE_MS * 6 });
    try {
      node("sms").receive({ payload: "Hi", to: "+14255550123" });
      node("email").receive({ payload: "Hi", topic: "Hello", to: "ann@contoso.test" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      // Closed as a redeploy closes them, while the Catch node still runs.
      await Promise.all(["sms", "email"].map((id) => (helper.getNode(id) as unknown as { close(removed: boolean): Promise<void> }).close(true)));
      const closedAfter = Date.now() - started;
      await until(() => caught.size === 2, "both msgs to fail");
      assert.ok(closedAfter < CLOSE_GRACE_MS * 6, `closed after ${closedAfter} ms, not when the service answered`);
      assert.match(caught.get("sms") ?? "", /send SMS failed/);
      assert.match(caught.get("email") ?? "", /email send failed/);
    } finally {
      sandbox.control.setLatency({ latencyMs: 0 });
    }
  });
});
