import assert from "node:assert/strict";
import { escapeControlCharacters } from "../../../nodes/lib/core/control-characters";
import { LogThrottle } from "../../../nodes/lib/core/log-throttle";

describe("log throttle", () => {
  it("writes the first occurrence, then one a minute with how many were left out", () => {
    let now = 0;
    const throttle = new LogThrottle(60_000, () => now);
    assert.deepEqual(throttle.take(), { write: true, skipped: 0 });
    for (let i = 0; i < 500; i++) assert.deepEqual(throttle.take(), { write: false });
    now = 60_000;
    assert.deepEqual(throttle.take(), { write: true, skipped: 500 });
    assert.deepEqual(throttle.take(), { write: false });
  });

  it("shows control characters of logged text as escapes", () => {
    assert.equal(escapeControlCharacters("a\r\nb\u0000c\td"), "a\\r\\nb\\u0000c\td");
  });
});
