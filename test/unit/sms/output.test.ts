import assert from "node:assert/strict";
import type { NodeMessage } from "node-red";
import { CorrelationStore } from "../../../nodes/lib/core/correlation-store";
import { correlationRecorder, resultMessages, type SendSummary } from "../../../nodes/lib/sms/output";
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
type WithAcs = NodeMessage & { acs: Record<string, unknown> };

describe("sms output", () => {
  it("gives each recipient its own msg: the incoming one first, clones after", () => {
    const msg = { _msgid: "x", payload: "Hi" };
    const [first, second] = resultMessages(msg, outcomes, sms, summary, "perRecipient", clone) as WithAcs[];
    assert.equal(first, msg);
    assert.notEqual(second, msg);
    assert.deepEqual(first.acs, { channel: "sms", operation: "send", from: "+18005550100", correlationId: "c-1", segments: 1, encoding: "GSM-7", to: "+14255550001", status: "queued", messageId: "m-1", httpStatusCode: 202 });
    assert.deepEqual(second.acs, { channel: "sms", operation: "send", from: "+18005550100", correlationId: "c-1", segments: 1, encoding: "GSM-7", to: "+14255550002", status: "failed", httpStatusCode: 400, error: "Invalid To phone number format." });
  });

  it("puts every result on the one msg in single mode, failed when any recipient failed", () => {
    const msg = { _msgid: "x", payload: "Hi" };
    const [only] = resultMessages(msg, outcomes, sms, summary, "single", clone) as WithAcs[];
    assert.equal(only, msg);
    assert.equal(only.acs.status, "failed");
    assert.equal(only.acs.failed, 1);
    assert.deepEqual(only.acs.to, sms.to);
    assert.deepEqual(only.acs.results, [outcomes[0], outcomes[1]]);
  });

  it("puts status and to first, so that two results tell apart in the debug sidebar's preview", () => {
    const [first] = resultMessages({ _msgid: "x" }, outcomes, sms, summary, "perRecipient", clone) as WithAcs[];
    assert.deepEqual(Object.keys(first.acs).slice(0, 2), ["status", "to"]);
    const [only] = resultMessages({ _msgid: "y" }, outcomes, sms, summary, "single", clone) as WithAcs[];
    assert.deepEqual(Object.keys(only.acs).slice(0, 2), ["status", "to"]);
    const results = only.acs.results as object[];
    assert.deepEqual(results.map((result) => Object.keys(result).slice(0, 2)), [["status", "to"], ["status", "to"]]);
  });

  it("describes an MMS by its attachments instead of segments", () => {
    const mms: PreparedSms = { ...sms, segments: undefined, attachments: [{ mimeType: "image/png", content: "AA==" }] };
    const [msg] = resultMessages({ _msgid: "x" }, outcomes.slice(0, 1), mms, summary, "perRecipient", clone) as WithAcs[];
    assert.equal(msg.acs.mms, true);
    assert.equal(msg.acs.attachments, 1);
    assert.equal(msg.acs.segments, undefined);
  });

  it("remembers accepted recipients only, with the correlation id and contact", async () => {
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 60_000 });
    correlationRecorder(store, summary)(outcomes);
    assert.equal(store.size, 1);
    const record = await store.find("m-1");
    assert.deepEqual({ ...record, sentAt: 0 }, { channel: "sms", messageId: "m-1", correlationId: "c-1", to: "+14255550001", from: "+18005550100", contact: { email: "ann@example.com" }, sentAt: 0 });
  });
});
