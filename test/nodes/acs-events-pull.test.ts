// acs-events with the Event Grid namespace source: the sandbox routes every ACS event into its
// namespace topic, and the node pulls it with the SDK's EventGridReceiverClient over HTTPS.
import assert from "node:assert/strict";
import type { EventEmitter } from "node:events";
import type { NodeMessage } from "node-red";
import acsConfig from "../../nodes/acs-config";
import acsSms from "../../nodes/acs-sms";
import { helper, sandboxPerSuite, type NodeModule } from "../helpers/node-red";
import { sandboxConfig, startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { coreNode, type EventMsg } from "./acs-events.fixture";
import { smsNode } from "./acs-sms.fixture";
import { collect, logged, publish, pullEventsModule, pullNode, smsReportEvent, statuses, until } from "./acs-events-pull.fixture";

const WARN = 30;

const SMS_NODE = smsNode({ wires: [["sent"]] });

function receive(id: string, msg: object): void {
  (helper.getNode(id) as unknown as { receive(msg: object): void }).receive(msg);
}

describe("acs-events node: pull from an Event Grid namespace", function () {
  let sandbox: Sandbox;
  let functionNode: NodeModule;
  let delayNode: NodeModule;
  const eventsModule = pullEventsModule();

  // 300 simulated seconds of lock are 5 real seconds at the test sandbox's time scale.
  sandboxPerSuite(
    (started) => (sandbox = started),
    () => startTestSandbox({ namespace: { lockDurationSeconds: 300 } }),
  );
  before(() => {
    functionNode = coreNode("function/10-function.js");
    delayNode = coreNode("function/89-delay.js");
  });
  afterEach(() => sandbox.control.reset());

  /** The pull node (settings overridable) wired to `wires`, plus other nodes, on a sandbox connection. */
  async function load(props: Record<string, unknown> = {}, extra: Record<string, unknown>[] = [], modules: NodeModule[] = [], key?: string) {
    const config = sandboxConfig(sandbox, "acs", { smsPerMinute: "60000" });
    const pull = pullNode(sandbox, props, key);
    await helper.load([acsConfig, acsSms, eventsModule, ...modules], [config.node, pull.node, { id: "out", type: "helper" }, ...extra], { ...config.credentials, ...pull.credentials });
  }

  const drained = () => {
    const snapshot = sandbox.control.namespace();
    return snapshot.depth === 0 && snapshot.locked === 0;
  };

  it("delivers the report of an SMS sent with acs-sms by pull, matched to the send", async () => {
    await load({}, [SMS_NODE, { id: "sent", type: "helper" }]);
    const out = collect<EventMsg>();
    const sent = collect<NodeMessage & { acs: Record<string, unknown> }>("sent");
    const contact = { email: "ada@contoso.test" };
    receive("sms", { payload: "Your order has shipped", to: "+15555550100", correlationId: "order-17", contact });
    await until("the delivery report", () => out.some((msg) => msg.acs.status === "delivered"));
    const msg = out.find((each) => each.acs.status === "delivered") as EventMsg;
    assert.equal(msg.topic, "Microsoft.Communication.SMSDeliveryReportReceived");
    assert.equal(msg.event.schema, "CloudEvents");
    assert.equal(msg.acs.channel, "sms");
    assert.equal(msg.acs.messageId, sent[0].acs.messageId);
    assert.equal(msg.acs.correlationId, "order-17");
    assert.equal(msg.correlationId, "order-17");
    assert.deepEqual(msg.acs.sent?.contact, contact);
    await until("the namespace to be empty (the report acknowledged)", drained);
    assert.deepEqual(sandbox.control.namespace().deadLetters, []);
  });

  it("shows that it receives, with a rate and a count", async () => {
    await load({ ackMode: "onHandover" });
    const seen = statuses();
    const out = collect<EventMsg>();
    await publish(sandbox, [smsReportEvent("s1"), smsReportEvent("s2")]);
    await until("both events", () => out.length === 2);
    await until("the receiving status", () => seen.some((status) => /^receiving .*\/s, 2 events$/.test(status.text ?? "")));
    assert.equal(seen.at(-1)?.fill, "green");
  });

  it("acknowledges on handover in 'onHandover' mode, even while the flow still holds the message", async () => {
    await load({ ackMode: "onHandover", wires: [["slow"]] }, [{ id: "slow", type: "delay", pauseType: "delay", timeout: "60", timeoutUnits: "seconds", wires: [["out"]] }], [delayNode]);
    await publish(sandbox, [smsReportEvent("h1")]);
    await until("the event to be acknowledged", drained);
  });

  it("releases an event whose flow fails, and the event comes back to the flow", async () => {
    const failOnce = {
      id: "fail-once",
      type: "function",
      func: "const tries = (context.get('tries') || 0) + 1; context.set('tries', tries); if (tries === 1) throw new Error('first try fails'); return msg;",
      outputs: 1,
      wires: [["out"]],
    };
    await load({ wires: [["fail-once"]] }, [failOnce], [functionNode]);
    const out = collect<EventMsg>();
    await publish(sandbox, [smsReportEvent("retry-1")]);
    await until("the event's second delivery to pass", () => out.length === 1);
    assert.equal(out[0].event.id, "retry-1");
    assert.ok(logged(WARN).some((line) => /retry-1 released, delivered again in 10 s: .*first try fails/.test(line)));
    await until("the namespace to be empty", drained);
    assert.deepEqual(sandbox.control.namespace().deadLetters, []);
  });

  it("loses nothing when it is closed while the flow holds events: they are released for the next receiver", async () => {
    const slow = { id: "slow", type: "delay", pauseType: "delay", timeout: "60", timeoutUnits: "seconds", wires: [["out"]] };
    await load({ wires: [["slow"]] }, [slow], [delayNode]);
    await publish(sandbox, ["c1", "c2", "c3"].map((id) => smsReportEvent(id)));
    await until("the events to be in the flow", () => sandbox.control.namespace().locked === 3);
    await helper.unload();
    const afterClose = sandbox.control.namespace();
    assert.equal(afterClose.locked, 0, "nothing stays locked");
    assert.equal(afterClose.depth, 3, "all three are waiting again");
    await load();
    const out = collect<EventMsg>();
    await until("the three events", () => out.length === 3);
    assert.deepEqual(out.map((msg) => msg.event.id).sort(), ["c1", "c2", "c3"]);
    await until("the namespace to be empty", drained);
  });

  it("never holds more events than 'max in flow'", async () => {
    const slow = { id: "slow", type: "delay", pauseType: "delay", timeout: "60", timeoutUnits: "seconds", wires: [["out"]] };
    await load({ maxInFlight: 2, wires: [["slow"]] }, [slow], [delayNode]);
    await publish(sandbox, ["b1", "b2", "b3", "b4", "b5"].map((id) => smsReportEvent(id)));
    await until("two events in the flow", () => sandbox.control.namespace().locked === 2);
    // A receive that ignored the limit would lock the rest within a long poll; give it several.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(sandbox.control.namespace().locked, 2);
    assert.equal(sandbox.control.namespace().depth, 3);
  });

  it("rejects an event that is not a valid event to the dead letters, and warns", async () => {
    await load({ ackMode: "onHandover" });
    const out = collect<EventMsg>();
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 40; level++) deep = { inner: deep };
    await publish(sandbox, [{ ...smsReportEvent("deep"), data: deep }, smsReportEvent("fine")]);
    await until("the valid event", () => out.length === 1);
    await until("the dead letter", () => sandbox.control.namespace().deadLetters.length === 1);
    assert.equal(out[0].event.id, "fine");
    assert.match(JSON.stringify(sandbox.control.namespace().deadLetters[0]), /Rejected/);
    assert.ok(logged(WARN).some((line) => /rejected to the dead letters .*nested deeper than 32 levels/.test(line)));
  });

  it("says in its status that the namespace refused a wrong key, keeps trying and does not crash", async () => {
    await load({}, [], [], "d3Jvbmcta2V5LWZvci10ZXN0cw==");
    const seen = statuses();
    await until("two refusals in the status", () => seen.filter((status) => status.fill === "red" && /^key or token refused: 401, retry in \d+ s$/.test(status.text ?? "")).length >= 2);
    assert.ok(logged(WARN).some((line) => /401, retry in \d+ s \(check the access key or the identity: .*not authorized/.test(line)));
    assert.equal(logged(WARN).filter((line) => /401/.test(line)).length, 1, "the fault is logged once, not on every try");
    assert.ok(helper.getNode("events"), "the node is still running");
    assert.ok(!JSON.stringify(seen).includes("d3Jvbmcta2V5"), "the key never shows");
  });

  it("names a wrong setting in its status instead of starting", async () => {
    await load({ maxEvents: 500 });
    const node = helper.getNode("events") as unknown as EventEmitter;
    assert.ok(node);
    assert.ok(helper.log().args.some(([entry]) => entry.level === 20 && /maxEvents: "500" is not a whole number from 1 to 100/.test(String(entry.msg))));
  });
});
