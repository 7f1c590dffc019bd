// Event Grid's advanced filters on a subscription: string operators on eventType, subject, id and
// data keys, case-insensitive, ANDed; an event without the key only passes StringNotIn.
import assert from "node:assert/strict";
import { matchesFilter, resolveSubscription } from "../../emulator/eventgrid/subscription-options";
import type { AdvancedFilter, EventGridEventShape } from "../../emulator/eventgrid/types";

function event(eventType: string, data: Record<string, unknown>): EventGridEventShape {
  return { id: "e1", topic: "t", subject: "/phonenumber/14255550123", eventType, eventTime: "", dataVersion: "1.0", metadataVersion: "1", data };
}

function subscription(advancedFilters: AdvancedFilter[]) {
  return resolveSubscription({ endpoint: "https://127.0.0.1:9/hook", advancedFilters }, 1).info;
}

const report = event("Microsoft.Communication.SMSDeliveryReportReceived", { from: "+18005550101", to: "+14255550123", nested: { tag: "Order-7" } });

describe("Event Grid advanced filters", () => {
  it("passes an event whose data value is in a StringIn list, whatever its case", () => {
    assert.equal(matchesFilter(subscription([{ operatorType: "StringIn", key: "data.from", values: ["+18005550101"] }]), report), true);
    assert.equal(matchesFilter(subscription([{ operatorType: "StringBeginsWith", key: "data.nested.tag", values: ["order-"] }]), report), true);
  });

  it("refuses an event whose value is not in the list, and one without the key", () => {
    assert.equal(matchesFilter(subscription([{ operatorType: "StringIn", key: "data.from", values: ["+18005550100"] }]), report), false);
    assert.equal(matchesFilter(subscription([{ operatorType: "StringIn", key: "data.sender", values: ["a@b.c"] }]), report), false);
  });

  it("ANDs the filters and reads eventType and subject", () => {
    const both = subscription([
      { operatorType: "StringNotIn", key: "eventType", values: ["Microsoft.Communication.SMSReceived"] },
      { operatorType: "StringEndsWith", key: "subject", values: ["50123"] },
    ]);
    assert.equal(matchesFilter(both, report), true);
    assert.equal(matchesFilter(both, { ...report, eventType: "Microsoft.Communication.SMSReceived" }), false);
  });

  it("refuses an unknown operator or an empty value list, naming the filter", () => {
    assert.throws(() => subscription([{ operatorType: "NumberIn", key: "data.x", values: ["1"] } as unknown as AdvancedFilter]), /advancedFilters\[0\]\.operatorType: "NumberIn"/);
    assert.throws(() => subscription([{ operatorType: "StringIn", key: "data.x", values: [] }]), /advancedFilters\[0\]\.values/);
  });
});
