import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import { CorrelationStore } from "../../../nodes/lib/core/correlation-store";
import { correlationRecorder, sendResults, type OutputMode, type ResultWriter, type SendSummary } from "../../../nodes/lib/sms/output";
import type { PreparedSms } from "../../../nodes/lib/sms/request";
import type { RecipientOutcome } from "../../../nodes/lib/sms/send";

const sms: PreparedSms = {
  from: { value: "+18005550100", kind: "phoneNumber" },
  to: ["+14255550001", "+14255550002"],
  message: "Hi",
  segments: { encoding: "GSM-7", segments: 1, characters: 2 },
};
const summary: SendSummary = { from: "+18005550100", correlationId: "c-1", contact: { email: "ann@example.com" } };
const outcomes: RecipientOutcome[] = [
  { to: "+14255550001", status: "queued", messageId: "m-1", httpStatusCode: 202 },
  { to: "+14255550002", status: "failed", httpStatusCode: 400, error: "Invalid To phone number format." },
];
const clone = (msg: NodeMessage) => structuredClone(msg);
type WithAcs = NodeMessage & { acs: Record<string, unknown>; to?: unknown };

/** Every msg sendResults outputs, in order. */
async function resultMessages(msg: NodeMessage, results: RecipientOutcome[], prepared: PreparedSms, mode: OutputMode, writer: Partial<ResultWriter> = {}): Promise<WithAcs[]> {
  const sent: NodeMessage[] = [];
  await sendResults(msg, results, prepared, summary, mode, { clone, send: (messages) => sent.push(...messages), ...writer });
  return sent as WithAcs[];
}

describe("sms output", () => {
  it("gives each recipient its own msg: the incoming one first, clones after", async () => {
    const msg = { _msgid: "x", payload: "Hi" };
    const [first, second] = await resultMessages(msg, outcomes, sms, "perRecipient");
    assert.equal(first, msg);
    assert.notEqual(second, msg);
    assert.deepEqual(first.acs, { channel: "sms", operation: "send", from: "+18005550100", correlationId: "c-1", segments: 1, encoding: "GSM-7", to: "+14255550001", status: "queued", messageId: "m-1", httpStatusCode: 202 });
    assert.deepEqual(second.acs, { channel: "sms", operation: "send", from: "+18005550100", correlationId: "c-1", segments: 1, encoding: "GSM-7", to: "+14255550002", status: "failed", httpStatusCode: 400, error: "Invalid To phone number format." });
  });

  it("puts every result on the one msg in single mode, failed when any recipient failed", async () => {
    const msg = { _msgid: "x", payload: "Hi" };
    const [only] = await resultMessages(msg, outcomes, sms, "single");
    assert.equal(only, msg);
    assert.equal(only.acs.status, "failed");
    assert.equal(only.acs.failed, 1);
    assert.deepEqual(only.acs.to, sms.to);
    assert.deepEqual(only.acs.results, [outcomes[0], outcomes[1]]);
  });

  it("puts status and to first, so that two results tell apart in the debug sidebar's preview", async () => {
    const [first] = await resultMessages({ _msgid: "x" }, outcomes, sms, "perRecipient");
    assert.deepEqual(Object.keys(first.acs).slice(0, 2), ["status", "to"]);
    const [only] = await resultMessages({ _msgid: "y" }, outcomes, sms, "single");
    assert.deepEqual(Object.keys(only.acs).slice(0, 2), ["status", "to"]);
    const results = only.acs.results as object[];
    assert.deepEqual(results.map((result) => Object.keys(result).slice(0, 2)), [["status", "to"], ["status", "to"]]);
  });

  it("describes an MMS by its attachments instead of segments", async () => {
    const mms: PreparedSms = { ...sms, segments: undefined, attachments: [{ mimeType: "image/png", content: "AA==" }] };
    const [msg] = await resultMessages({ _msgid: "x" }, outcomes.slice(0, 1), mms, "perRecipient");
    assert.equal(msg.acs.mms, true);
    assert.equal(msg.acs.attachments, 1);
    assert.equal(msg.acs.segments, undefined);
  });

  it("gives each of several recipients its own number where the list was, without copying the list", async () => {
    const msg = { _msgid: "x", payload: "Hi", to: sms.to.slice() };
    const recipients = { set: (target: NodeMessage, value: unknown) => (value === undefined ? delete (target as WithAcs).to : ((target as WithAcs).to = value)) };
    const [first, second] = await resultMessages(msg, outcomes, sms, "perRecipient", { recipients });
    assert.equal(first, msg);
    assert.deepEqual([first.to, second.to], ["+14255550001", "+14255550002"]);
  });

  it("leaves the msg of a single recipient as it came", async () => {
    const msg = { _msgid: "x", payload: "Hi", to: "+1 425 555 0001" };
    const [only] = await resultMessages(msg, outcomes.slice(0, 1), sms, "perRecipient", { recipients: { set: () => assert.fail("not to be rewritten") } });
    assert.equal(only.to, "+1 425 555 0001");
  });

  it("remembers accepted recipients only, with the correlation id and contact", async () => {
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 60_000 });
    correlationRecorder(store, summary)(outcomes);
    assert.equal(store.size, 1);
    const record = await store.find("m-1");
    assert.deepEqual({ ...record, sentAt: 0 }, { channel: "sms", messageId: "m-1", correlationId: "c-1", to: "+14255550001", from: "+18005550100", contact: { email: "ann@example.com" }, sentAt: 0 });
  });
});
