import assert from "node:assert/strict";
import type { SentRecord } from "../../../nodes/lib/core/acs-message";
import { CorrelationStore } from "../../../nodes/lib/core/correlation-store";
import { correlate } from "../../../nodes/lib/events/correlation";

function store(...records: SentRecord[]): CorrelationStore {
  const correlation = new CorrelationStore({ maxEntries: 100, ttlMs: 3_600_000 });
  for (const record of records) correlation.remember(record);
  return correlation;
}

const smsSent: SentRecord = { channel: "sms", messageId: "m1", correlationId: "from-store", to: "+1555", from: "+1800", sentAt: Date.now(), contact: { email: "a@b.com" } };

describe("correlate", () => {
  it("takes the correlationId from the SMS tag and the record from the store", async () => {
    const result = await correlate({ channel: "sms", messageId: "m1", tag: "from-tag" }, store(smsSent));
    assert.equal(result.correlationId, "from-tag");
    assert.deepEqual(result.sent, smsSent);
  });

  it("falls back to the stored correlationId when there is no tag", async () => {
    const result = await correlate({ channel: "sms", messageId: "m1" }, store(smsSent));
    assert.equal(result.correlationId, "from-store");
  });

  it("uses the tag alone without a store", async () => {
    assert.deepEqual(await correlate({ channel: "sms", messageId: "m1", tag: "t" }, undefined), { correlationId: "t" });
  });

  it("finds nothing for an unknown messageId, or a record of another channel", async () => {
    assert.deepEqual(await correlate({ channel: "sms", messageId: "other" }, store(smsSent)), {});
    assert.deepEqual(await correlate({ channel: "email", messageId: "m1" }, store(smsSent)), {});
  });
});
