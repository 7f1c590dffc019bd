import assert from "node:assert/strict";
import { EventDedupe } from "../../../nodes/lib/events/dedupe";

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
});
