import assert from "node:assert/strict";
import { newMessageId } from "../../../nodes/lib/core/message-id";

describe("message ids", () => {
  it("are 16 hex digits, as Node-RED's, and do not repeat across refills of the pool", () => {
    const ids = Array.from({ length: 5000 }, () => newMessageId());
    for (const id of ids) assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});
