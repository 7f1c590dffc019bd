// Hostile input, SMS: one msg to 10,000 numbers (and to 20,000 while the node stops, and to more
// than a msg may carry) against the sandbox. The runtime keeps answering (event-loop delay measured
// while the send runs), the cost stays linear (no msg carries the whole list), and a stop ends it
// within the close grace.
import assert from "node:assert/strict";
import type { Node, NodeMessage } from "node-red";
import { RemoteSandbox } from "../../bench/lib/sandbox";
import { CLOSE_GRACE_MS } from "../../nodes/lib/connection/resource";
import { MAX_RECIPIENTS_PER_MSG, parseRecipients } from "../../nodes/lib/sms/phone-numbers";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { events, loadSmsFlow, nextError, type AcsMsg } from "../nodes/acs-sms.fixture";
import { runtimeHooks } from "./outcome-ledger";
import { LoopWatch, type LoopFigures } from "../../bench/lib/loop-watch";
import { eventually } from "./process-watch";
import { UNMETERED_SANDBOX } from "./send-flow";

/** Distinct E.164 numbers, +1 425 3xx xxxx. */
function manyNumbers(count: number, first = 0): string[] {
  return Array.from({ length: count }, (_, i) => `+1425${String(3_000_000 + first + i).padStart(7, "0")}`);
}

/** Counts the done() and done(err) calls the runtime sees for node `id`. */
function completions(id: string): { done: number; failed: number; errors: string[]; close(): void } {
  const hooks = runtimeHooks();
  const tally = { done: 0, failed: 0, errors: [] as string[], close: () => hooks.remove("onComplete.hostileSms") };
  hooks.add("onComplete.hostileSms", (event) => {
    if (event.node.id !== id) return;
    if (event.error) {
      tally.failed++;
      tally.errors.push(event.error instanceof Error ? event.error.message : String(event.error));
    } else tally.done++;
  });
  return tally;
}

// The goal is 50 ms; `npm run bench -- sms-recipients` reports the longest hold against it. A single
// garbage collection of the runtime's heap can take 20-30 ms on a 2-core machine, so a test bound at
// the goal fails by chance; this one fails on what the per-recipient clones did (seconds per msg).
const HOLD_LIMIT_MS = 250;

/** The loop was never held longer than HOLD_LIMIT_MS (on-CPU time; the wall-clock delay is in the message). */
function assertResponsive(figures: LoopFigures): void {
  assert.ok(figures.busyMaxMs <= HOLD_LIMIT_MS, `the event loop was held for ${figures.busyMaxMs} ms of CPU (${JSON.stringify(figures)})`);
}

function collect(out: Node): AcsMsg[] {
  const received: AcsMsg[] = [];
  events(out).on("input", (msg: AcsMsg) => received.push(msg));
  return received;
}

describe("hostile input: one SMS msg to many numbers", function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let finished: ReturnType<typeof completions>;

  sandboxPerSuite((started) => (sandbox = started), () => startTestSandbox(UNMETERED_SANDBOX));
  beforeEach(() => {
    sandbox.control.reset();
    finished = completions("sms");
  });
  afterEach(() => finished.close());

  it("gives each of 10,000 recipients a msg with its own number, not a copy of the whole list", async () => {
    const { sms, out } = await loadSmsFlow(sandbox, { config: { smsPerMinute: "6000000", smsMaxInFlight: "8" } });
    const received = collect(out);
    const to = manyNumbers(10_000);
    sms.receive({ payload: "Doors open at 7", to } as NodeMessage);
    assert.ok(await eventually(() => received.length === 10_000, 100_000), `${received.length} of 10,000 results`);

    assert.deepEqual(received.map((msg) => msg.to), to);
    assert.deepEqual(received.map((msg) => msg.acs.to), to);
    const largest = Math.max(...received.map((msg) => JSON.stringify(msg).length));
    assert.ok(largest < 2048, `a result msg takes ${largest} characters`);
  });

  it("ends a msg to 20,000 numbers once and closes within the close grace when stopped", async () => {
    // 600 a minute: the first requests go, almost all of the 20,000 still wait when the node stops.
    const { sms } = await loadSmsFlow(sandbox, { config: { smsPerMinute: "600", smsMaxInFlight: "2" } });
    // What the node sends (its output node is gone once the flow stops).
    const received: AcsMsg[] = [];
    events(sms).on("call:send", (call: { args: [AcsMsg[][]] }) => received.push(...call.args[0][0]));
    sms.receive({ payload: "Doors open at 7", to: manyNumbers(20_000) } as NodeMessage);
    assert.ok(await eventually(() => sandbox.control.sentSms().length > 0, 20_000), "nothing was sent");

    const began = Date.now();
    await helper.unload();
    const closeMs = Date.now() - began;
    const sentAtClose = sandbox.control.sentSms().length;

    assert.ok(await eventually(() => finished.done + finished.failed > 0, 20_000), "the msg never ended");
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(closeMs < CLOSE_GRACE_MS, `closing took ${closeMs} ms`);
    assert.equal(finished.done + finished.failed, 1, "the msg ended more than once");
    assert.equal(sandbox.control.sentSms().length, sentAtClose, "SMS went out after the node stopped");
    // Per recipient: the ones sent are queued, the rest say why they were not sent.
    assert.equal(received.length, 20_000);
    const notSent = received.filter((msg) => msg.acs.status === "failed");
    assert.equal(notSent.length, 20_000 - sentAtClose);
    assert.match(String(notSent[0].acs.error), /^not sent: the node was stopped or redeployed/);
  });

  it(`refuses a msg to more than ${MAX_RECIPIENTS_PER_MSG} numbers with an error naming the limit, and keeps running`, async () => {
    const { sms } = await loadSmsFlow(sandbox);
    const refused = nextError(sms);
    const to = manyNumbers(MAX_RECIPIENTS_PER_MSG + 1);
    const watch = new LoopWatch().start();
    sms.receive({ payload: "Doors open at 7", to } as NodeMessage);
    const { error } = await refused;
    const loop = watch.stop();
    assert.match(error.message, /^to: 100001 recipients, over the limit of 100000 recipients per message/);
    assert.equal(sandbox.control.sentSms().length, 0);
    assertResponsive(loop);
  });
});

describe("hostile input: one SMS msg to 10,000 numbers, the sandbox in its own process", function () {
  this.timeout(120_000);
  let remote: RemoteSandbox;
  let finished: ReturnType<typeof completions>;

  before(async () => {
    remote = await RemoteSandbox.start(UNMETERED_SANDBOX);
  });
  after(() => remote.close());
  beforeEach(() => {
    finished = completions("sms");
  });
  afterEach(async () => {
    finished.close();
    await helper.unload();
  });

  // The sandbox runs apart so that the event loop measured is the Node-RED side's alone.
  it("sends it without holding the event loop for long", async () => {
    const { sms, out } = await loadSmsFlow(asSandbox(remote), { config: { smsPerMinute: "6000000", smsMaxInFlight: "8" } });
    const received = collect(out);
    // A running flow's connections are open: one msg to 800 numbers opens the 8 (their TLS
    // handshakes, done once, are not what is measured).
    sms.receive({ payload: "Warming up", to: manyNumbers(800, 10_000) } as NodeMessage);
    assert.ok(await eventually(() => received.length === 800, 60_000), "the first msg was not sent");
    received.length = 0;
    const to = manyNumbers(10_000);
    const watch = new LoopWatch().start();
    sms.receive({ payload: "Doors open at 7", to } as NodeMessage);
    await eventually(() => finished.done + finished.failed > 0, 100_000);
    assert.ok(await eventually(() => received.length === 10_000, 20_000), `${received.length} of 10,000 results`);
    const loop = watch.stop();

    assert.deepEqual({ done: finished.done, failed: finished.failed }, { done: 2, failed: 0 }, finished.errors.join("; "));
    assert.equal((await remote.summary()).sms.records, 10_800);
    assertResponsive(loop);
  });
});

/** What the node fixtures need of a sandbox, from one in another process. */
function asSandbox(remote: RemoteSandbox): Sandbox {
  return { endpoint: remote.endpoint, accessKey: remote.accessKey, ca: remote.ca, timeScale: UNMETERED_SANDBOX.timeScale } as Sandbox;
}

describe("hostile input: parsing 100,000 recipients", function () {
  this.timeout(60_000);

  it("parses 100,000 numbers in slices, never holding the event loop for long", async () => {
    const list = manyNumbers(MAX_RECIPIENTS_PER_MSG).join(", ");
    const watch = new LoopWatch().start();
    const parsed = await parseRecipients(list);
    const loop = watch.stop();
    assert.equal(parsed.length, MAX_RECIPIENTS_PER_MSG);
    assertResponsive(loop);
  });
});
