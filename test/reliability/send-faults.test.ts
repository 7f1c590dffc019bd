// Faults from the service while acs-sms and acs-email send side by side: a burst of 5xx answers,
// connections dropped after the service recorded the request, a storm of 429s, and all three at
// once. Whatever happens, every input msg ends exactly once (one output or one Catch, one done) and
// the sandbox never records an SMS or an email twice.
import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import type { OutcomeLedger } from "./outcome-ledger";
import { eventually, RejectionSpy } from "./process-watch";
import { loadSendFlow, UNMETERED_SANDBOX, type SendFlowOptions } from "./send-flow";

const PER_NODE = 30;

function smsRecipient(index: number): string {
  return `+1425556${String(index).padStart(4, "0")}`;
}

function emailRecipient(index: number): string {
  return `customer${index}@customers.test`;
}

/** The nodes pace far above the sandbox's quotas: only the service decides when to throttle. */
const FAULT_FLOW: SendFlowOptions = {
  label: "faults",
  config: { smsPerMinute: "6000000", smsMaxInFlight: "8", emailPerMinute: "6000000", emailPerHour: "60000000", emailMaxInFlight: "8" },
  email: { completion: "wait", pollInterval: "0.02" },
};

describe("reliability: faults from the service during sends", function () {
  this.timeout(60_000);
  let sandbox: Sandbox;
  let ledger: OutcomeLedger;
  let rejections: RejectionSpy;

  sandboxPerSuite((started) => (sandbox = started), () => startTestSandbox(UNMETERED_SANDBOX));
  beforeEach(async () => {
    rejections = new RejectionSpy();
    sandbox.control.reset();
    ledger = await loadSendFlow(sandbox, FAULT_FLOW);
  });
  afterEach(() => {
    ledger.close();
    sandbox.control.setFaults({});
    sandbox.control.setQuotas({ sms: { tollFree: null }, email: { custom: null } });
    rejections.close();
  });

  /** Sends PER_NODE msgs into each node and waits until every one has finished. */
  async function sendAll(): Promise<void> {
    const sms = helper.getNode("sms");
    const email = helper.getNode("email");
    for (let index = 0; index < PER_NODE; index++) {
      ledger.expect(`sms-${index}`);
      ledger.expect(`email-${index}`);
      sms.receive({ trackingKey: `sms-${index}`, payload: `Your parcel ${index} is on its way`, to: smsRecipient(index) } as NodeMessage);
      email.receive({ trackingKey: `email-${index}`, topic: "Your parcel", payload: `Parcel ${index} is on its way.`, to: emailRecipient(index) } as NodeMessage);
    }
    const finished = await eventually(() => ledger.finished === ledger.expected, 45_000);
    // Let a second (wrong) completion or output show itself before the books are closed.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(finished, `${ledger.finished} of ${ledger.expected} msgs finished`);
  }

  /**
   * Each msg ended once; the sandbox recorded each SMS and email at most once, and took every one
   * reported sent. `answersLost`: a request the service recorded can still end in Catch when every
   * retry of it failed, so SMS recorded may then exceed SMS reported sent.
   */
  function assertExactlyOnce(answersLost = false): void {
    assert.deepEqual(ledger.problems(), []);
    const sms = sandbox.control.sentSms();
    assert.equal(new Set(sms.map((record) => record.to)).size, sms.length, "an SMS recipient was sent to twice");
    assert.equal(new Set(sms.map((record) => record.repeatabilityRequestId)).size, sms.length, "a repeatability id was recorded twice");
    // An SMS output means the service took it; without lost answers, a Catch means it did not.
    if (answersLost) assert.ok(sms.length >= ledger.count("outputs", "sms-"), "an SMS was reported sent that the service never took");
    else assert.equal(sms.length, ledger.count("outputs", "sms-"), "SMS outputs and SMS recorded differ");
    const emails = sandbox.control.sentEmails();
    const emailRecipients = emails.map((record) => record.recipients.to.map((to) => to.address).join());
    assert.equal(new Set(emailRecipients).size, emails.length, "an email recipient was sent to twice");
    assert.ok(emails.length >= ledger.count("outputs", "email-"), "an email was reported sent that the service never took");
    assert.deepEqual(rejections.reasons, []);
  }

  it("ends every msg exactly once through a burst of 503 answers", async () => {
    sandbox.control.setFaults({ serverErrors: { count: 12, status: 503 } });
    await sendAll();
    assertExactlyOnce();
    assert.equal(sandbox.control.counters().serverErrors, 12);
  });

  it("ends every msg exactly once, and sends none twice, when connections drop after the service recorded the request", async () => {
    sandbox.control.setFaults({ dropConnections: { count: 12, channels: ["sms", "email"] } });
    await sendAll();
    assertExactlyOnce(true);
    assert.equal(sandbox.control.counters().droppedConnections, 12);
    assert.equal(sandbox.control.sentSms().length, PER_NODE, "an SMS whose answer was lost was not sent");
    assert.equal(sandbox.control.sentEmails().length, PER_NODE, "an email whose answer was lost was not sent");
  });

  it("ends every msg exactly once through a storm of 429s", async () => {
    sandbox.control.setQuotas({ sms: { tollFree: { perMinute: 15 } }, email: { custom: { perMinute: 15 } } });
    await sendAll();
    assertExactlyOnce();
    const throttled = sandbox.control.counters().throttled;
    assert.ok((throttled.sms ?? 0) > 0 && (throttled.email ?? 0) > 0, `429s answered: ${JSON.stringify(throttled)}`);
    assert.equal(ledger.count("caught"), 0, `throttled msgs reached Catch: ${ledger.errorSummary().join("; ")}`);
  });

  it("ends every msg exactly once through 5xx answers, dropped connections and 429s at once", async () => {
    sandbox.control.setFaults({ serverErrors: { rate: 0.25, seed: 7, status: 500 }, dropConnections: { rate: 0.15, seed: 11 } });
    sandbox.control.setQuotas({ sms: { tollFree: { perMinute: 30 } }, email: { custom: { perMinute: 30 } } });
    await sendAll();
    assertExactlyOnce(true);
    const counters = sandbox.control.counters();
    assert.ok(counters.serverErrors > 0 && counters.droppedConnections > 0, JSON.stringify(counters));
  });
});
