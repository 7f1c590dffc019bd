import assert from "node:assert/strict";
import { Backoff } from "../../../../nodes/lib/events/pull/backoff";

describe("pull Backoff", () => {
  it("doubles its ceiling up to the maximum, each wait between half and all of it", () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    const high = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    assert.deepEqual(Array.from({ length: 6 }, () => low.next()), [50, 100, 200, 400, 500, 500]);
    assert.deepEqual(Array.from({ length: 6 }, () => high.next()), [100, 200, 400, 800, 1000, 1000]);
  });

  it("spreads the waits of nodes failing together", () => {
    const waits = new Set(Array.from({ length: 20 }, () => new Backoff({ initialMs: 1000, maxMs: 1000 }).next()));
    assert.ok(waits.size > 1, "jittered waits differ");
  });

  it("waits at least what the service asked for, and starts again after reset", () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    assert.equal(backoff.next(5000), 5000);
    backoff.next();
    backoff.reset();
    assert.equal(backoff.next(), 100);
  });
});
