import assert from "node:assert/strict";
import { DEFAULT_DEDUPE, dedupeOptions, EventDedupe } from "../../../nodes/lib/events/dedupe";

describe("EventDedupe", () => {
  it("lets an id through once and refuses its repeats", () => {
    const dedupe = new EventDedupe();
    assert.equal(dedupe.firstSighting("a"), true);
    assert.equal(dedupe.firstSighting("a"), false);
    assert.equal(dedupe.firstSighting("b"), true);
  });

  it("keeps at most maxEntries ids, forgetting the oldest first", () => {
    const dedupe = new EventDedupe({ maxEntries: 3, ttlMs: 60_000 });
    for (const id of ["a", "b", "c", "d"]) dedupe.firstSighting(id);
    assert.equal(dedupe.size, 3);
    assert.equal(dedupe.firstSighting("a"), true, "the oldest id was forgotten");
    assert.equal(dedupe.firstSighting("d"), false);
  });

  it("forgets ids older than the window", () => {
    let now = 0;
    const dedupe = new EventDedupe({ maxEntries: 100, ttlMs: 1000 }, () => now);
    dedupe.firstSighting("a");
    now = 500;
    dedupe.firstSighting("b");
    now = 1200;
    assert.equal(dedupe.firstSighting("a"), true, "a is older than the window");
    assert.equal(dedupe.firstSighting("b"), false, "b is still inside it");
  });

  it("stays bounded under a long stream of distinct ids", () => {
    const dedupe = new EventDedupe({ maxEntries: 1000, ttlMs: 3_600_000 });
    for (let index = 0; index < 20_000; index++) dedupe.firstSighting(`id-${index}`);
    assert.equal(dedupe.size, 1000);
  });

  it("lets a forgotten id through again", () => {
    const dedupe = new EventDedupe();
    dedupe.firstSighting("a");
    dedupe.forget("a");
    assert.equal(dedupe.firstSighting("a"), true);
  });

  it("keeps an id forgotten and seen again when its old slot leaves the window", () => {
    const dedupe = new EventDedupe({ maxEntries: 3, ttlMs: 60_000 });
    dedupe.firstSighting("a");
    dedupe.forget("a");
    dedupe.firstSighting("b");
    assert.equal(dedupe.firstSighting("a"), true, "seen again after being forgotten");
    dedupe.firstSighting("c");
    dedupe.firstSighting("d"); // evicts the first slot of a
    assert.equal(dedupe.firstSighting("a"), false, "the later sighting of a is still remembered");
  });

  it("keeps its cost per event flat over a long stream (no first-in first-out Map walk)", () => {
    const dedupe = new EventDedupe({ maxEntries: 10_000, ttlMs: 3_600_000 });
    for (let index = 0; index < 200_000; index++) assert.ok(dedupe.firstSighting(`id-${index}`));
    assert.equal(dedupe.size, 10_000);
    assert.equal(dedupe.firstSighting("id-199999"), false);
    assert.equal(dedupe.firstSighting("id-189999"), true, "the oldest were forgotten");
  });

  it("remembers a custom number of ids for a custom time", () => {
    let now = 0;
    const dedupe = new EventDedupe(dedupeOptions({ dedupeIds: "2", dedupeMinutes: "5" }), () => now);
    dedupe.firstSighting("a");
    dedupe.firstSighting("b");
    assert.equal(dedupe.firstSighting("a"), false, "a is within 2 ids and 5 minutes");
    dedupe.firstSighting("c"); // evicts a
    assert.equal(dedupe.firstSighting("a"), true, "a left the window of 2 ids");
    now = 5 * 60_000;
    assert.equal(dedupe.firstSighting("c"), true, "c left the window of 5 minutes");
  });

  it("grows its ring as ids arrive, up to the window's size, keeping their order", () => {
    const dedupe = new EventDedupe({ maxEntries: 5000, ttlMs: 60_000 });
    for (let index = 0; index < 5000; index++) dedupe.firstSighting(`id-${index}`);
    assert.equal(dedupe.size, 5000);
    dedupe.firstSighting("one-more");
    assert.equal(dedupe.firstSighting("id-0"), true, "the oldest was evicted first");
    assert.equal(dedupe.firstSighting("id-4999"), false);
    assert.equal(dedupe.size, 5000);
  });

  it("reads its settings: empty fields take 10,000 ids and 60 minutes; others are whole numbers in range", () => {
    assert.deepEqual(dedupeOptions({}), DEFAULT_DEDUPE);
    assert.deepEqual(dedupeOptions({ dedupeIds: "", dedupeMinutes: " " }), { maxEntries: 10_000, ttlMs: 3_600_000 });
    assert.deepEqual(dedupeOptions({ dedupeIds: 1_000_000, dedupeMinutes: 10_080 }), { maxEntries: 1_000_000, ttlMs: 7 * 24 * 3_600_000 });
    assert.throws(() => dedupeOptions({ dedupeIds: "0" }), /dedupeIds: "0" is not a whole number from 1 to 1000000/);
    assert.throws(() => dedupeOptions({ dedupeIds: "1000001" }), /dedupeIds: "1000001" is not a whole number/);
    assert.throws(() => dedupeOptions({ dedupeIds: "2.5" }), /dedupeIds: "2.5" is not a whole number/);
    assert.throws(() => dedupeOptions({ dedupeMinutes: "10081" }), /dedupeMinutes: "10081" is not a whole number from 1 to 10080/);
    assert.throws(() => dedupeOptions({ dedupeMinutes: "an hour" }), /dedupeMinutes: "an hour" is not a whole number/);
  });

  it("stays itself when its options are the same, and moves the newest ids into a window with other options", () => {
    let now = 0;
    const dedupe = new EventDedupe({ maxEntries: 10, ttlMs: 60_000 }, () => now);
    for (const id of ["a", "b", "c", "d"]) {
      dedupe.firstSighting(id);
      now += 10_000;
    }
    dedupe.forget("d");
    assert.equal(dedupe.withOptions({ maxEntries: 10, ttlMs: 60_000 }), dedupe);
    const smaller = dedupe.withOptions({ maxEntries: 2, ttlMs: 60_000 });
    assert.notEqual(smaller, dedupe);
    assert.deepEqual(smaller.options, { maxEntries: 2, ttlMs: 60_000 });
    assert.equal(smaller.size, 2, "the two newest remembered ids (d was forgotten)");
    assert.equal(smaller.firstSighting("c"), false);
    assert.equal(smaller.firstSighting("b"), false);
    assert.equal(smaller.firstSighting("d"), true, "a forgotten id stays forgotten");
    const shorter = dedupe.withOptions({ maxEntries: 10, ttlMs: 25_000 });
    assert.equal(shorter.firstSighting("c"), false, "c was seen 20 s ago, inside 25 s");
    assert.equal(shorter.firstSighting("b"), true, "b was seen 30 s ago, outside the new age");
  });
});
