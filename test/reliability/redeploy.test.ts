// Redeploy and stop while 1,000 SMS and 1,000 emails wait in the send queues: every msg ends (done or
// done(err)) exactly once, the redeployed nodes send again, nothing rejects unhandled, and once
// stopped the queues are closed and idle and no timer is left running.
import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import type { SendQueue } from "../../nodes/lib/core/send-queue";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import type { OutcomeLedger } from "./outcome-ledger";
import { eventually, pendingTimers, RejectionSpy } from "./process-watch";
import { loadSendFlow, SENDER_ADDRESS, SENDER_NUMBER, sendFlow, UNMETERED_SANDBOX, type SendFlowOptions } from "./send-flow";

const QUEUED = 1000;

/** Slow pacing (10 a second) keeps almost all of the 1,000 waiting when the flow is stopped. */
const QUEUED_FLOW: SendFlowOptions = {
  label: "queued",
  config: { smsPerMinute: "600", smsMaxInFlight: "2", emailPerMinute: "600", emailPerHour: "600000", emailMaxInFlight: "2" },
  email: { completion: "accepted" },
};

describe("reliability: redeploy and stop with 1,000 messages queued", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let ledger: OutcomeLedger;
  let rejections: RejectionSpy;

  sandboxPerSuite((started) => (sandbox = started), () => startTestSandbox(UNMETERED_SANDBOX));
  beforeEach(() => {
    rejections = new RejectionSpy();
    sandbox.control.reset();
  });
  afterEach(() => {
    ledger.close();
    rejections.close();
  });

  async function load(): Promise<void> {
    ledger = await loadSendFlow(sandbox, QUEUED_FLOW);
  }

  /** Queues QUEUED SMS and QUEUED emails, and resolves once a few of each went out. */
  async function queueMessages(): Promise<void> {
    const sms = helper.getNode("sms");
    const email = helper.getNode("email");
    for (let index = 0; index < QUEUED; index++) {
      ledger.expect(`sms-${index}`);
      ledger.expect(`email-${index}`);
      sms.receive({ trackingKey: `sms-${index}`, payload: "Your table is ready", to: `+1425557${String(index).padStart(4, "0")}` } as NodeMessage);
      email.receive({ trackingKey: `email-${index}`, topic: "Your table", payload: "is ready.", to: `guest${index}@customers.test` } as NodeMessage);
    }
    assert.ok(await eventually(() => ledger.count("outputs", "sms-") >= 3 && ledger.count("outputs", "email-") >= 3, 10_000), "nothing was sent");
  }

  function queues(): SendQueue[] {
    const resource = (helper.getNode("acs") as unknown as AcsConfigNode).resource;
    return [resource.sendQueue("sms", SENDER_NUMBER), resource.sendQueue("email", SENDER_ADDRESS)];
  }

  it("ends each queued msg once, through its output or a Catch node, when the send nodes are redeployed", async () => {
    await load();
    await queueMessages();
    const [smsQueue, emailQueue] = queues();

    // A "modified nodes" deploy: the send nodes restart, the config node and its queues stay.
    const changed = sendFlow(sandbox, { ...QUEUED_FLOW, name: "renamed" });
    await helper.setFlows(changed.flow, "nodes", changed.credentials);
    assert.ok(await eventually(() => ledger.finished === ledger.expected, 15_000), `${ledger.finished} of ${ledger.expected} finished`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    assert.deepEqual(ledger.problems(), []);
    assert.ok(ledger.count("caught") > QUEUED, `only ${ledger.count("caught")} reached the Catch node`);
    assert.deepEqual(ledger.errorSummary().map((line) => line.replace(/^\d+ x /, "")), ["not sent: the node was stopped or redeployed before the message left the queue"]);
    assert.equal(sandbox.control.sentSms().length, ledger.count("outputs", "sms-"), "SMS sent and SMS reported sent differ");
    assert.equal(sandbox.control.sentEmails().length, ledger.count("outputs", "email-"), "emails sent and emails reported sent differ");
    assert.deepEqual([smsQueue.counts, emailQueue.counts], [{ inFlight: 0, queued: 0 }, { inFlight: 0, queued: 0 }]);

    // The redeployed nodes take new msgs on the same queues.
    ledger.expect("sms-again");
    ledger.expect("email-again");
    helper.getNode("sms").receive({ trackingKey: "sms-again", payload: "Again", to: "+14255579999" } as NodeMessage);
    helper.getNode("email").receive({ trackingKey: "email-again", topic: "Again", payload: "Again", to: "again@customers.test" } as NodeMessage);
    assert.ok(await eventually(() => ledger.count("outputs", "sms-again") === 1 && ledger.count("outputs", "email-again") === 1, 10_000), "the redeployed nodes did not send");
    assert.deepEqual(rejections.reasons, []);
  });

  it("ends each queued msg once when the runtime stops, closes the queues and leaves no timer running", async () => {
    // Counted after a turn of the event loop, so that mocha's own timer for this test is included.
    await new Promise((resolve) => setImmediate(resolve));
    const timersBefore = pendingTimers();
    await load();
    await queueMessages();
    const [smsQueue, emailQueue] = queues();

    await helper.unload();
    assert.ok(await eventually(() => ledger.finished === ledger.expected, 15_000), `${ledger.finished} of ${ledger.expected} finished`);
    await new Promise((resolve) => setTimeout(resolve, 100));

    assert.deepEqual(ledger.problems(false), []);
    assert.equal(sandbox.control.sentSms().length, ledger.count("done", "sms-"), "SMS sent and SMS reported sent differ");
    assert.equal(sandbox.control.sentEmails().length, ledger.count("done", "email-"), "emails sent and emails reported sent differ");
    for (const queue of [smsQueue, emailQueue]) {
      assert.deepEqual(queue.counts, { inFlight: 0, queued: 0 });
      await assert.rejects(queue.submit(1, "late", () => Promise.resolve()), /not sent: the node was stopped or redeployed/);
    }
    // The sandbox's own timers (email operations finishing) run out on their own; then none is left.
    assert.ok(await eventually(() => sandbox.clock.pendingTimers === 0, 5000), "the sandbox still has timers");
    const settled = await eventually(() => pendingTimers() <= timersBefore, 5000);
    assert.ok(settled, `${pendingTimers()} timers pending, ${timersBefore} before the flow started: ${process.getActiveResourcesInfo().join(", ")}`);
    assert.deepEqual(rejections.reasons, []);
  });
});
