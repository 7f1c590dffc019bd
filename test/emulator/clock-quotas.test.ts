// Unit tests of the sandbox's clock and quota windows: the arithmetic the contract suites rely on.

import assert from "node:assert/strict";
import { Clock } from "../../emulator/state/clock";
import { QuotaTracker, resolveQuotas, DEFAULT_QUOTAS } from "../../emulator/state/quotas";

describe("sandbox clock", function () {
  let clock: Clock;

  afterEach(function () {
    clock.clearAll();
  });

  it("converts between simulated and real time by the time scale", function () {
    clock = new Clock(60);
    assert.equal(clock.toReal(60_000), 1000);
    assert.equal(clock.toSim(1000), 60_000);
  });

  it("runs simulated time faster than real time", async function () {
    clock = new Clock(100);
    const start = clock.now();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const simulated = clock.now() - start;
    assert.ok(simulated >= 4000, `${simulated} simulated ms in 50 real ms`);
  });

  it("fires a timer after the scaled delay and forgets it", async function () {
    clock = new Clock(1000);
    let fired = false;
    clock.setTimeout(() => (fired = true), 20_000);
    assert.equal(clock.pendingTimers, 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    assert.equal(fired, true);
    assert.equal(clock.pendingTimers, 0);
  });

  it("cancels every timer on clearAll and ignores later ones", async function () {
    clock = new Clock(1000);
    let fired = 0;
    clock.setTimeout(() => fired++, 10_000);
    clock.clearAll();
    clock.setTimeout(() => fired++, 0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(fired, 0);
    assert.equal(clock.pendingTimers, 0);
  });

  it("refuses a time scale that is not positive", function () {
    clock = new Clock(1);
    assert.throws(() => new Clock(0), RangeError);
  });
});

describe("sandbox quotas", function () {
  let clock: Clock;

  beforeEach(function () {
    clock = new Clock(1);
  });
  afterEach(function () {
    clock.clearAll();
  });

  it("allows up to the limit in a window and says how long until there is room", function () {
    const tracker = new QuotaTracker(clock);
    assert.deepEqual(tracker.take("k", { perMinute: 3 }, 3), { allowed: true });
    const refused = tracker.take("k", { perMinute: 3 });
    assert.equal(refused.allowed, false);
    if (!refused.allowed) assert.ok(refused.retryAfterSimMs > 59_000 && refused.retryAfterSimMs <= 60_000);
  });

  it("keeps buckets apart and treats null as no limit", function () {
    const tracker = new QuotaTracker(clock);
    tracker.take("a", { perMinute: 1 });
    assert.deepEqual(tracker.take("b", { perMinute: 1 }), { allowed: true });
    for (let i = 0; i < 1000; i++) assert.deepEqual(tracker.take("c", null), { allowed: true });
  });

  it("takes nothing when a request is refused", function () {
    const tracker = new QuotaTracker(clock);
    tracker.take("k", { perMinute: 2 });
    assert.equal(tracker.take("k", { perMinute: 2 }, 2).allowed, false);
    assert.deepEqual(tracker.take("k", { perMinute: 2 }), { allowed: true });
  });

  it("applies the hourly window too", function () {
    const tracker = new QuotaTracker(clock);
    assert.equal(tracker.take("k", { perMinute: 100, perHour: 1 }).allowed, true);
    const refused = tracker.take("k", { perMinute: 100, perHour: 1 });
    assert.equal(refused.allowed, false);
    if (!refused.allowed) assert.ok(refused.retryAfterSimMs > 3_500_000);
  });

  it("defaults to the service's published quotas and lets options override or disable them", function () {
    const quotas = resolveQuotas({ sms: { tollFree: { perMinute: 5 } }, email: { managed: null } });
    assert.deepEqual(quotas.sms.tollFree, { perMinute: 5 });
    assert.deepEqual(quotas.sms.shortCode, DEFAULT_QUOTAS.sms.shortCode);
    assert.equal(quotas.email.managed, null);
    assert.deepEqual(DEFAULT_QUOTAS.email.custom, { perMinute: 30, perHour: 100 });
    assert.deepEqual(DEFAULT_QUOTAS.sms.alphanumeric, { perMinute: 600 });
  });
});
