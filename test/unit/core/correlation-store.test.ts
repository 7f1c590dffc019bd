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
});
