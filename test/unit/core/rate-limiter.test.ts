import assert from "node:assert/strict";
import { RateLimiter } from "../../../nodes/lib/core/rate-limiter";

describe("rate limiter", () => {
  it("spaces units by period / units and honours the slowest of several rates", () => {
    let now = 0;
    const limiter = new RateLimiter([{ units: 30, periodMs: 60_000 }, { units: 100, periodMs: 3_600_000 }], () => now);
    assert.equal(limiter.delay(), 0);
    limiter.take(1);
    // 100 per hour (one per 36 s) is slower than 30 per minute (one per 2 s).
    assert.equal(limiter.delay(), 36_000);
    now = 36_000;
    assert.equal(limiter.delay(), 0);
  });

  it("charges a request by its units", () => {
    let now = 0;
    const limiter = new RateLimiter([{ units: 600, periodMs: 60_000 }], () => now);
    limiter.take(100);
    assert.equal(limiter.delay(), 10_000);
    now = 4_000;
    assert.equal(limiter.delay(), 6_000);
  });

  it("keeps the schedule when a send is slightly late, but saves nothing up while idle", () => {
    let now = 0;
    const limiter = new RateLimiter([{ units: 100, periodMs: 1_000 }], () => now);
    limiter.take(1); // next at 10
    now = 12; // 2 ms late
    limiter.take(1);
    assert.equal(limiter.delay(), 8, "the next send is due at 20, on the original schedule");
    now = 10_000; // long idle
    limiter.take(1);
    assert.equal(limiter.delay(), 10, "after idle time the schedule restarts from now");
  });

  it("catches up at most a quarter of the interval at fast rates, so a stall releases no burst", () => {
    let now = 0;
    const limiter = new RateLimiter([{ units: 250, periodMs: 1_000 }], () => now); // one per 4 ms
    limiter.take(1); // next at 4
    now = 4.5; // half a millisecond late: the schedule holds
    limiter.take(1);
    assert.equal(limiter.delay(), 3.5, "the next send is due at 8, on the original schedule");
    now = 10; // 2 ms late, more than a quarter of the interval: a new schedule
    limiter.take(1);
    assert.equal(limiter.delay(), 4, "the next send waits a full interval");
    now = 60; // a 46 ms stall: eleven sends' worth, which must not go at once
    limiter.take(1);
    assert.equal(limiter.delay(), 4, "after the stall the next send waits a full interval");
  });

  it("lets a burst through a sliding window and holds what exceeds it until the oldest send leaves", () => {
    let now = 0;
    const limiter = new RateLimiter([{ units: 3, periodMs: 60_000, shape: "window" }], () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.delay(), 0, `send ${i + 1} of 3 goes at once`);
      limiter.take(1);
      now += 1_000;
    }
    assert.equal(limiter.delay(), 57_000, "the fourth waits until the first is a period old");
    now = 60_000;
    assert.equal(limiter.delay(), 0);
    assert.equal(limiter.delay(2), 1_000, "two units wait for the second send to leave too");
  });

  it("holds back after a throttle and is unlimited without rates", () => {
    let now = 0;
    const limiter = new RateLimiter([{ units: 60, periodMs: 60_000 }], () => now);
    limiter.holdUntil(5_000);
    assert.equal(limiter.delay(), 5_000);
    now = 5_000;
    assert.equal(limiter.delay(), 0);
    const free = new RateLimiter([], () => now);
    free.take(1_000_000);
    assert.equal(free.delay(), 0);
    free.holdUntil(6_000);
    assert.equal(free.delay(), 1_000);
  });
});
