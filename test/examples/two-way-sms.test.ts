// examples/two-way-sms.json end to end: the sandbox plays the customer's phone (inbound SMS,
// STOP and START) and keeps the opt-out list as ACS does; the flow replies, stays silent while the
// number is on the list, and holds the offer back.
import assert from "node:assert/strict";
import { exampleRuntime, waitFor, type ExampleRuntime } from "./harness";

const CUSTOMER = "+14255550123";
const OUR_NUMBER = "+18005550100";
const AUTO_REPLY = "Contoso: thanks for your message, we will answer within a day. Reply STOP to stop.";
const CONFIRMATION = "Contoso: you are subscribed again. Reply STOP to stop.";
const OFFER = "Contoso: 20% off everything this week with code WEEK20. Reply STOP to stop.";

describe("example: two-way SMS", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("two-way-sms");
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  /** The customer texts our number; resolves once the flow has handled it at `outcome`. */
  async function customerTexts(message: string, outcome: string): Promise<void> {
    const before = runtime.receivedBy(outcome).length;
    runtime.sandbox.control.receiveSms({ from: CUSTOMER, to: OUR_NUMBER, message });
    await runtime.waitForMessages(outcome, before + 1);
  }

  function sentTexts(): [string, string, string][] {
    return runtime.sandbox.control.sentSms().map((sms) => [sms.from, sms.to, sms.message]);
  }

  async function clickOffer(outcome: string): Promise<void> {
    const before = runtime.receivedBy(outcome).length;
    await runtime.inject("send this week's offer");
    await runtime.waitForMessages(outcome, before + 1);
  }

  it("answers a message with the auto-reply, from the number that was texted", async () => {
    await customerTexts("Is my order on its way?", "replied");
    assert.deepEqual(sentTexts(), [[OUR_NUMBER, CUSTOMER, AUTO_REPLY]]);
  });

  it("sends the offer to a customer who has not opted out", async () => {
    await clickOffer("offer sent");
    assert.deepEqual(sentTexts().slice(1), [[OUR_NUMBER, CUSTOMER, OFFER]]);
  });

  it("sends nothing after STOP: no reply to it, none to later messages, no offer; the number is on ACS's list", async () => {
    const sentBefore = sentTexts().length;
    await customerTexts(" stop ", "opted out");
    assert.deepEqual(runtime.sandbox.control.optedOut(OUR_NUMBER), [{ from: OUR_NUMBER, to: CUSTOMER }]);
    await customerTexts("What about my refund?", "no reply: opted out");
    await clickOffer("offer skipped: opted out");

    assert.equal(sentTexts().length, sentBefore);
    assert.equal(runtime.receivedBy("replied").length, 1);
    assert.equal(runtime.receivedBy("offer sent").length, 1);
    const before = runtime.receivedBy("opt-out list").length;
    await runtime.inject("is the customer on the opt-out list?");
    const listed = await runtime.waitForMessages("opt-out list", before + 1);
    assert.deepEqual((listed[before].acs as { optedOut: string[] }).optedOut, [CUSTOMER]);
  });

  it("confirms START and replies and sends offers again afterwards", async () => {
    const sentBefore = sentTexts().length;
    await customerTexts("START", "confirmed");
    await customerTexts("Thanks!", "replied");
    await clickOffer("offer sent");

    assert.deepEqual(sentTexts().slice(sentBefore), [
      [OUR_NUMBER, CUSTOMER, CONFIRMATION],
      [OUR_NUMBER, CUSTOMER, AUTO_REPLY],
      [OUR_NUMBER, CUSTOMER, OFFER],
    ]);
    await waitFor("the sandbox to take the number off its opt-out list", () => (runtime.sandbox.control.optedOut(OUR_NUMBER).length === 0 ? true : undefined));
  });
});
