import assert from "node:assert/strict";
import type { SentRecord } from "../../../nodes/lib/core/acs-message";
import { CorrelationStore, type ContextLike } from "../../../nodes/lib/core/correlation-store";

function memoryContext(): ContextLike & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: (key, callback) => callback(null, data.get(key)),
    set: (key, value, callback) => {
      if (value === undefined) data.delete(key);
      else data.set(key, value);
      callback(null);
    },
    keys: (callback) => callback(null, [...data.keys()]),
  };
}

const record = (messageId: string, sentAt: number): SentRecord => ({ channel: "sms", messageId, correlationId: `c-${messageId}`, to: "+14255550123", sentAt });

describe("correlation store", () => {
  it("finds a remembered send by messageId", async () => {
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, memoryContext(), () => 0);
    store.remember({ ...record("m1", 0), contact: { email: "a@example.com" } });
    assert.deepEqual((await store.find("m1"))?.contact, { email: "a@example.com" });
    assert.equal(await store.find("unknown"), undefined);
  });

  it("keeps at most maxEntries, dropping the oldest from memory and context", async () => {
    const context = memoryContext();
    const store = new CorrelationStore({ maxEntries: 2, ttlMs: 1000 }, context, () => 0);
    for (const id of ["a", "b", "c"]) store.remember(record(id, 0));
    assert.equal(store.size, 2);
    assert.equal(await store.find("a"), undefined);
    assert.equal(context.data.size, 2);
  });

  it("forgets records older than the time to live", async () => {
    let now = 0;
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, memoryContext(), () => now);
    store.remember(record("m1", 0));
    now = 1001;
    assert.equal(await store.find("m1"), undefined);
  });

  it("reads records another instance wrote to the shared context store", async () => {
    const context = memoryContext();
    new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, context, () => 0).remember(record("m1", 0));
    const restarted = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, context, () => 0);
    assert.equal((await restarted.find("m1"))?.correlationId, "c-m1");
  });

  it("sweeps expired records out of the context store, those of earlier runs included, and keeps the rest", async () => {
    const context = memoryContext();
    let now = 0;
    const earlier = new CorrelationStore({ maxEntries: 10_000, ttlMs: 1000 }, context, () => now);
    for (let i = 0; i < 250; i++) earlier.remember(record(`old-${i}`, 0));
    now = 600;
    const restarted = new CorrelationStore({ maxEntries: 10_000, ttlMs: 1000 }, context, () => now);
    for (let i = 0; i < 3; i++) restarted.remember(record(`new-${i}`, 600));
    context.data.set("acs-chat-service-user", "8:acs:kept");
    now = 1500;
    assert.equal(await restarted.sweep(), 250);
    assert.deepEqual([...context.data.keys()].sort(), ["acs-chat-service-user", "acs-sent:new-0", "acs-sent:new-1", "acs-sent:new-2"]);
    assert.equal((await restarted.find("new-1"))?.correlationId, "c-new-1");
  });

  it("sweeps expired records out of memory as well", async () => {
    let now = 0;
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, undefined, () => now);
    store.remember(record("a", 0));
    now = 500;
    store.remember(record("b", 500));
    now = 1200;
    await store.sweep();
    assert.equal(store.size, 1);
    assert.equal((await store.find("b"))?.messageId, "b");
  });

  it("removes values under its prefix that are not records", async () => {
    const context = memoryContext();
    context.data.set("acs-sent:broken", "not a record");
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, context, () => 0);
    assert.equal(await store.sweep(), 1);
    assert.equal(context.data.size, 0);
  });

  it("stops sweeping between batches when asked", async () => {
    const context = memoryContext();
    const store = new CorrelationStore({ maxEntries: 1000, ttlMs: 1000 }, context, () => 5000);
    for (let i = 0; i < 300; i++) context.data.set(`acs-sent:m${i}`, record(`m${i}`, 0));
    let batches = 0;
    const removed = await store.sweep(() => batches++ >= 1);
    assert.equal(removed, 100);
    assert.equal(context.data.size, 200);
  });
  it("looks up a batch with one context read for what is not in memory, as find() would", async () => {
    let now = 0;
    const context = memoryContext();
    let reads = 0;
    const counting: ContextLike = {
      ...context,
      getMany: (keys, callback) => {
        reads++;
        callback(null, keys.map((key) => context.data.get(key)));
      },
    };
    const earlier = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, context, () => now);
    earlier.remember(record("stored", 0));
    const store = new CorrelationStore({ maxEntries: 10, ttlMs: 1000 }, counting, () => now);
    store.remember(record("memory", 0));
    const found = await store.findMany(["memory", undefined, "stored", "unknown"]);
    assert.deepEqual(
      found.map((each) => each?.messageId),
      ["memory", undefined, "stored", undefined],
    );
    assert.equal(reads, 1);
    now = 2000;
    assert.deepEqual(await store.findMany(["memory", "stored"]), [undefined, undefined]);
    assert.equal(context.data.has("acs-sent:memory"), false, "an expired record is removed from the context store too");
  });
});
