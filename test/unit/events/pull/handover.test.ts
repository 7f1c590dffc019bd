import assert from "node:assert/strict";
import { EventDedupe } from "../../../../nodes/lib/events/dedupe";
import { FlowCompletion } from "../../../../nodes/lib/events/flow-completion";
import type { MessageHooks } from "../../../../nodes/lib/node-red/internals";
import type { EventMessage } from "../../../../nodes/lib/events/message";
import type { ParsedEvent } from "../../../../nodes/lib/events/parse";
import { Handover, type AckMode } from "../../../../nodes/lib/events/pull/handover";
import type { ReceivedEvent } from "../../../../nodes/lib/events/pull/receiver";
import { EventTypeSelection } from "../../../../nodes/lib/events/types";
import { smsReport } from "./fake-client";

/** Node-RED's message hooks, driven by the test: a delivery to a node and that node's done(). */
class TestHooks implements MessageHooks {
  private readonly handlers = new Map<string, (event: never) => void>();
  add(id: string, handler: (event: never) => void): void {
    this.handlers.set(id.split(".")[0], handler);
  }
  remove(): void {
    this.handlers.clear();
  }
  deliver(msgId: string, nodeId = "next"): void {
    this.handlers.get("preDeliver")?.({ msg: { _msgid: msgId }, destination: { id: nodeId, node: { _expectedDoneCount: 1 } } } as never);
  }
  complete(msgId: string, error?: Error, nodeId = "next"): void {
    this.handlers.get("onComplete")?.({ msg: { _msgid: msgId }, node: { id: nodeId }, error } as never);
  }
}

let nextToken = 1;
function delivery(id: string, deliveryCount = 1): ReceivedEvent {
  return { event: smsReport(id), lockToken: `lock-${nextToken++}`, deliveryCount };
}

function setup(ackMode: AckMode, options: { types?: string[]; flowTimeoutMs?: number } = {}) {
  const hooks = new TestHooks();
  const sent: EventMessage[] = [];
  const warnings: string[] = [];
  const dedupe = new EventDedupe();
  /** Nodes being stopped (a deploy): their done() drops the message rather than finishing it. */
  const stopping = new Set<string>();
  let id = 0;
  const handover = new Handover({
    ackMode,
    selection: new EventTypeSelection(options.types),
    dedupe,
    completion: new FlowCompletion(hooks, (nodeId) => !stopping.has(nodeId)),
    flowTimeoutMs: options.flowTimeoutMs ?? 5000,
    releaseDelaySeconds: 10,
    output: {
      message: async (event: ParsedEvent) => ({ _msgid: `m${++id}`, topic: event.type, payload: event.data, event: { id: event.id } as never, acs: {} as never }),
      send: (msg) => {
        sent.push(msg);
        hooks.deliver(msg._msgid);
      },
    },
    emitted: () => undefined,
    unreadable: (_received, reason) => warnings.push(reason),
    flowFailed: (_event, reason) => warnings.push(reason),
  });
  return { handover, hooks, sent, warnings, dedupe, stopping };
}

const open = () => new AbortController().signal;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("pull Handover", () => {
  it("onHandover: acknowledges once the message is handed to the flow", async () => {
    const { handover, sent } = setup("onHandover");
    assert.deepEqual(await handover.handle(delivery("a"), open()), { action: "acknowledge" });
    assert.equal(sent.length, 1);
  });

  it("afterFlow: acknowledges only when the flow has finished with the message", async () => {
    const { handover, hooks, sent } = setup("afterFlow");
    let verdict: unknown;
    void handover.handle(delivery("a"), open()).then((result) => (verdict = result));
    await tick();
    await tick();
    assert.equal(sent.length, 1);
    assert.equal(verdict, undefined, "not settled while the flow runs");
    hooks.complete(sent[0]._msgid);
    await tick();
    assert.deepEqual(verdict, { action: "acknowledge" });
  });

  it("afterFlow: releases with the delay when the flow fails, and the redelivery reaches the flow again", async () => {
    const { handover, hooks, sent, warnings } = setup("afterFlow");
    const first = handover.handle(delivery("a"), open());
    await tick();
    await tick();
    hooks.complete(sent[0]._msgid, new Error("boom"));
    assert.deepEqual(await first, { action: "release", delaySeconds: 10 });
    assert.match(warnings[0], /boom/);
    const again = handover.handle(delivery("a", 2), open());
    await tick();
    await tick();
    assert.equal(sent.length, 2, "the redelivery is emitted again");
    hooks.complete(sent[1]._msgid);
    assert.deepEqual(await again, { action: "acknowledge" });
  });

  it("afterFlow: releases when the flow takes longer than the timeout", async () => {
    const { handover } = setup("afterFlow", { flowTimeoutMs: 20 });
    assert.deepEqual(await handover.handle(delivery("a"), open()), { action: "release", delaySeconds: 10 });
  });

  it("releases at once, without delay, what is still in the flow when the node closes", async () => {
    const { handover, sent } = setup("afterFlow");
    const closing = new AbortController();
    const verdict = handover.handle(delivery("a"), closing.signal);
    await tick();
    await tick();
    closing.abort();
    assert.deepEqual(await verdict, { action: "release", delaySeconds: 0 });
    assert.equal(sent.length, 1);
  });

  it("releases, not acknowledges, an event whose message a node being stopped drops with done()", async () => {
    const { handover, hooks, sent, stopping } = setup("afterFlow");
    const verdict = handover.handle(delivery("a"), open());
    await tick();
    await tick();
    stopping.add("next");
    hooks.complete(sent[0]._msgid);
    assert.deepEqual(await verdict, { action: "release", delaySeconds: 10 });
  });

  it("never hands over, and never acknowledges, an event received once the node is closing", async () => {
    const { handover, sent } = setup("onHandover");
    const closing = new AbortController();
    closing.abort();
    assert.deepEqual(await handover.handle(delivery("a"), closing.signal), { action: "release", delaySeconds: 0 });
    assert.equal(sent.length, 0);
  });

  it("acknowledges, without emitting, a repeat of an event already acknowledged", async () => {
    const { handover, sent } = setup("onHandover");
    await handover.handle(delivery("a"), open());
    assert.deepEqual(await handover.handle(delivery("a", 2), open()), { action: "acknowledge" });
    assert.equal(sent.length, 1);
  });

  it("gives a redelivery of an event still in the flow the first delivery's verdict, emitting it once", async () => {
    const { handover, hooks, sent } = setup("afterFlow");
    const first = handover.handle(delivery("a"), open());
    await tick();
    await tick();
    const second = handover.handle(delivery("a", 2), open());
    await tick();
    assert.equal(sent.length, 1);
    hooks.complete(sent[0]._msgid);
    assert.deepEqual(await Promise.all([first, second]), [{ action: "acknowledge" }, { action: "acknowledge" }]);
  });

  it("rejects an event that is not a valid CloudEvent, and says why", async () => {
    const { handover, sent, warnings } = setup("onHandover");
    const broken = delivery("x");
    broken.event = { ...broken.event, source: undefined as unknown as string };
    assert.deepEqual(await handover.handle(broken, open()), { action: "reject" });
    assert.equal(sent.length, 0);
    assert.match(warnings[0], /event 1 is not a valid event/);
  });

  it("acknowledges, without emitting, an event of a type not selected", async () => {
    const { handover, sent } = setup("onHandover", { types: ["Microsoft.Communication.EmailDeliveryReportReceived"] });
    assert.deepEqual(await handover.handle(delivery("a"), open()), { action: "acknowledge" });
    assert.equal(sent.length, 0);
  });
});
