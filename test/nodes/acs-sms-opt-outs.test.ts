import assert from "node:assert/strict";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { FROM, loadSmsFlow, nextError, outputs, send } from "./acs-sms.fixture";

const ANN = "+14255550123";
const BOB = "+14255550124";
const CAROL = "+14255550125";

describe("acs-sms node: opt-outs kept by ACS", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(() => {
    sandbox.control.reset();
  });

  it("skips a recipient on the sender's opt-out list: reported optedOut, nothing sent to it", async () => {
    sandbox.control.receiveSms({ from: BOB, to: FROM, message: "STOP" });
    const { sms, out } = await loadSmsFlow(sandbox, { sms: { skipOptedOut: true } });
    const received = outputs(sms, out, 3);
    send(sms, { payload: "20% off this week", to: [ANN, BOB, CAROL] });
    const msgs = await received;
    assert.deepEqual(
      msgs.map((msg) => [msg.acs.to, msg.acs.status]),
      [
        [ANN, "queued"],
        [BOB, "optedOut"],
        [CAROL, "queued"],
      ],
    );
    assert.equal(msgs[1].acs.messageId, undefined);
    assert.deepEqual(
      sandbox.control.sentSms().map((record) => record.to).sort(),
      [ANN, CAROL],
    );
  });

  it("sends nothing at all when every recipient opted out, and says so in one msg", async () => {
    sandbox.control.receiveSms({ from: ANN, to: FROM, message: "unsubscribe" });
    const { sms, out } = await loadSmsFlow(sandbox, { sms: { skipOptedOut: true, outputMode: "single" } });
    const received = outputs(sms, out, 1);
    send(sms, { payload: "20% off this week", to: ANN });
    const [msg] = await received;
    assert.equal(msg.acs.status, "optedOut");
    assert.equal(msg.acs.optedOut, 1);
    assert.equal(sandbox.control.sentSms().length, 0);
  });

  it("without the option sends to an opted-out number as before (the service then blocks its delivery)", async () => {
    sandbox.control.receiveSms({ from: ANN, to: FROM, message: "STOP" });
    const { sms, out } = await loadSmsFlow(sandbox);
    const received = outputs(sms, out, 1);
    send(sms, { payload: "hello", to: ANN });
    const [msg] = await received;
    assert.equal(msg.acs.status, "queued");
    assert.equal(sandbox.control.sentSms().length, 1);
  });

  it("adds, checks and removes numbers on the sender's list through the Opt-Out API", async () => {
    const add = await loadSmsFlow(sandbox, { sms: { operation: "optOutAdd" } });
    let received = outputs(add.sms, add.out, 1);
    send(add.sms, { to: [ANN, BOB], payload: "ignored" });
    const [added] = await received;
    assert.deepEqual(
      { operation: added.acs.operation, status: added.acs.status, from: added.acs.from, to: added.acs.to, optedOut: added.acs.optedOut },
      { operation: "optOutAdd", status: undefined, from: FROM, to: [ANN, BOB], optedOut: [ANN, BOB] },
    );
    assert.deepEqual(sandbox.control.optedOut(FROM), [
      { from: FROM, to: ANN },
      { from: FROM, to: BOB },
    ]);

    await helper.unload();
    const remove = await loadSmsFlow(sandbox, { sms: { operation: "optOutRemove" } });
    received = outputs(remove.sms, remove.out, 1);
    send(remove.sms, { to: BOB });
    assert.deepEqual((await received)[0].acs.optedOut, []);

    await helper.unload();
    const check = await loadSmsFlow(sandbox, { sms: { operation: "optOutCheck" } });
    received = outputs(check.sms, check.out, 1);
    send(check.sms, { to: [ANN, BOB] });
    const [checked] = await received;
    assert.deepEqual(checked.acs.results, [
      { to: ANN, isOptedOut: true, httpStatusCode: 200 },
      { to: BOB, isOptedOut: false, httpStatusCode: 200 },
    ]);
    assert.equal(sandbox.control.sentSms().length, 0, "opt-out operations send nothing");
  });

  it("checks lists of more than 100 numbers in requests of 100, in order", async () => {
    const many = Array.from({ length: 150 }, (_, i) => `+1425556${String(i).padStart(4, "0")}`);
    sandbox.control.receiveSms({ from: many[120], to: FROM, message: "STOP" });
    const { sms, out } = await loadSmsFlow(sandbox, { sms: { operation: "optOutCheck" } });
    const received = outputs(sms, out, 1);
    send(sms, { to: many });
    const [msg] = await received;
    assert.deepEqual(
      (msg.acs.results ?? []).map((result) => result.to),
      many,
    );
    assert.deepEqual(msg.acs.optedOut, [many[120]]);
  });

  it("rejects a bad number before calling the service, naming the field", async () => {
    const { sms } = await loadSmsFlow(sandbox, { sms: { operation: "optOutCheck" } });
    const failure = nextError(sms);
    send(sms, { to: "+1 425 555" });
    const { error } = await failure;
    assert.match(error.message, /^to: "\+1 425 555" is not a phone number/);
  });

  it("sends nothing and ends in an error when the opt-out list cannot be read", async () => {
    const { sms } = await loadSmsFlow(sandbox, { sms: { skipOptedOut: true }, accessKey: Buffer.from("not the sandbox key, 32 bytes!!!").toString("base64") });
    const failure = nextError(sms);
    send(sms, { payload: "hello", to: ANN });
    const { error } = await failure;
    assert.match(error.message, /^check SMS opt-outs failed: the service answered HTTP 401/);
    assert.equal(sandbox.control.sentSms().length, 0);
  });
});
