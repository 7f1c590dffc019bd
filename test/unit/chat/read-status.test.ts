import assert from "node:assert/strict";
import { isSentAfter, readThrough, receiptsOf } from "../../../nodes/lib/chat/read-status";

const at = (iso: string) => new Date(iso);

describe("chat read status", function () {
  it("orders messages by sequence id when both have one", () => {
    const target = { id: "100", sequenceId: "5", createdOn: at("2024-01-01T00:00:10Z") };
    assert.equal(isSentAfter({ id: "101", sequenceId: "6", createdOn: at("2024-01-01T00:00:10Z") }, target), true);
    assert.equal(isSentAfter({ id: "99", sequenceId: "4", createdOn: at("2024-01-01T00:00:11Z") }, target), false, "sequence wins over time");
    assert.equal(isSentAfter(target, target), false);
    assert.equal(isSentAfter({ id: "102", sequenceId: "10", createdOn: at("2024-01-01T00:00:12Z") }, target), true, "numerically, not as text");
  });

  it("falls back to creation times when a sequence id is missing", () => {
    const target = { id: "a", sequenceId: "", createdOn: at("2024-01-01T00:00:10Z") };
    assert.equal(isSentAfter({ id: "b", sequenceId: "", createdOn: at("2024-01-01T00:00:11Z") }, target), true);
    assert.equal(isSentAfter({ id: "c", sequenceId: "x", createdOn: at("2024-01-01T00:00:09Z") }, target), false);
  });

  it("picks one user's receipts, newest read first", () => {
    const receipts = [
      { userId: "8:acs:a", messageId: "1", readOn: "2024-01-01T00:00:01.000Z" },
      { userId: "8:acs:b", messageId: "2", readOn: "2024-01-01T00:00:02.000Z" },
      { userId: "8:acs:a", messageId: "3", readOn: "2024-01-01T00:00:03.000Z" },
    ];
    assert.deepEqual(receiptsOf("8:acs:a", receipts).map((r) => r.messageId), ["3", "1"]);
    assert.deepEqual(receiptsOf("8:acs:z", receipts), []);
  });

  it("says which receipt proves a read", () => {
    assert.deepEqual(readThrough({ userId: "8:acs:a", messageId: "3", readOn: "2024-01-01T00:00:03.000Z" }), {
      read: true,
      readMessageId: "3",
      readOn: "2024-01-01T00:00:03.000Z",
    });
  });
});
