import assert from "node:assert/strict";
import { DurableWaits, type DurableWaitsOptions, type Fired } from "../../../nodes/lib/wait/durable-waits";
import type { KeyedStore } from "../../../nodes/lib/wait/keyed-store";
import { isStoredWait, type StoredWait } from "../../../nodes/lib/wait/records";

/** A store shared by "instances": values go through JSON as they would through a file or Redis. */
class SharedStore implements KeyedStore {
  readonly data = new Map<string, string>();
  failWrites = false;

  get(key: string): Promise<unknown> {
    const text = this.data.get(key);
    return Promise.resolve(text === undefined ? undefined : JSON.parse(text));
  }

  set(key: string, value: unknown): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error("disk full"));
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }

  keys(): Promise<string[]> {
    return Promise.resolve([...this.data.keys()]);
  }

  waits(): StoredWait[] {
    return [...this.data.values()].map((text) => JSON.parse(text) as unknown).filter(isStoredWait);
  }
}

interface Instance {
  waits: DurableWaits;
  fired: { msg: Record<string, unknown>; fired: Fired }[];
  failures: unknown[];
}

const running: DurableWaits[] = [];

function instance(store: SharedStore, id: string, options: Partial<DurableWaitsOptions> = {}): Instance {
  const fired: Instance["fired"] = [];
  const failures: unknown[] = [];
  const waits = new DurableWaits({
    store,
    instanceId: id,
    maxWaiting: 100,
    maxBytes: 100_000,
    leaseMs: 300,
    settleMs: 50,
    fire: (msg, info) => fired.push({ msg, fired: info }),
    changed: () => undefined,
    failed: (err) => failures.push(err),
    ...options,
  });
  running.push(waits);
  return { waits, fired, failures };
}

async function until(what: string, condition: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("durable waits", () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((waits) => waits.close()));
  });

  it("sends a msg once at its time and removes it from the store first", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    await a.waits.add({ payload: "hello", _msgid: "m1" }, 50, "c1");
    assert.equal(store.waits().length, 1);
    await until("the wait to fire", () => a.fired.length === 1);
    assert.deepEqual(a.fired[0].msg, { payload: "hello", _msgid: "m1" });
    assert.equal(a.fired[0].fired.reason, "deadline");
    assert.equal(a.fired[0].fired.correlationId, "c1");
    assert.ok(a.fired[0].fired.dueAt - a.fired[0].fired.createdAt === 50);
    assert.deepEqual(store.waits(), []);
    await pause(100);
    assert.equal(a.fired.length, 1);
  });

  it("keeps Buffers and leaves out msg.req and msg.res", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    const { dropped } = await a.waits.add({ payload: Buffer.from("bytes"), req: { url: "/x" }, res: {}, fn: () => 1 }, 1, undefined);
    assert.deepEqual(dropped, ["req", "res"]);
    await until("the wait to fire", () => a.fired.length === 1);
    assert.deepEqual(a.fired[0].msg, { payload: Buffer.from("bytes") });
  });

  it("after a restart (same instance id, same store) sends an overdue wait at once, and once", async () => {
    const store = new SharedStore();
    const before = instance(store, "a");
    await before.waits.start();
    await before.waits.add({ payload: 1 }, 100, "c1");
    await before.waits.add({ payload: 2 }, 60_000, "c2");
    await before.waits.close();
    await pause(150);
    assert.equal(before.fired.length, 0, "a closed instance sends nothing");
    const after = instance(store, "a");
    await after.waits.start();
    await until("the overdue wait to fire", () => after.fired.length === 1);
    assert.deepEqual(after.fired[0].msg, { payload: 1 });
    assert.equal(after.waits.count, 1, "the other wait is still waiting");
    await pause(100);
    assert.equal(after.fired.length, 1);
  });

  it("sends overdue waits in the order they were due", async () => {
    const store = new SharedStore();
    const before = instance(store, "a");
    await before.waits.start();
    for (const [payload, delay] of [[3, 30], [1, 10], [2, 20]]) await before.waits.add({ payload }, delay, undefined);
    await before.waits.close();
    await pause(50);
    const after = instance(store, "a");
    await after.waits.start();
    await until("three waits to fire", () => after.fired.length === 3);
    assert.deepEqual(after.fired.map((entry) => entry.msg.payload), [1, 2, 3]);
  });

  it("cancels every wait of a correlation id and no other", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    await a.waits.add({ payload: "x1" }, 100, "x");
    await a.waits.add({ payload: "x2" }, 100, "x");
    await a.waits.add({ payload: "y" }, 100, "y");
    assert.equal(await a.waits.cancel("x"), 2);
    assert.equal(a.waits.count, 1);
    assert.deepEqual(store.waits().map((wait) => wait.correlationId), ["y"]);
    await until("the other wait to fire", () => a.fired.length === 1);
    await pause(100);
    assert.deepEqual(a.fired.map((entry) => entry.msg.payload), ["y"]);
  });

  it("sends the waits of a correlation id at once on an event, and not again at their time", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    await a.waits.add({ payload: "fallback" }, 100, "c1");
    assert.equal(await a.waits.sendNow("c1", "failed"), 1);
    assert.deepEqual(a.fired[0].fired.reason, "event");
    assert.deepEqual(a.fired[0].fired.status, "failed");
    await pause(200);
    assert.equal(a.fired.length, 1);
    assert.equal(await a.waits.sendNow("c1"), 0, "nothing is left to send");
  });

  it("lets an event that came before its msg decide that msg when it comes", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    assert.equal(await a.waits.sendNow("early-failed", "failed"), 0);
    assert.equal(await a.waits.cancel("early-delivered", "delivered"), 0);
    assert.deepEqual(await a.waits.add({ payload: "fallback" }, 60_000, "early-failed"), { outcome: "sent", dropped: [] });
    assert.deepEqual(await a.waits.add({ payload: "not needed" }, 10, "early-delivered"), { outcome: "cancelled", dropped: [] });
    assert.deepEqual(a.fired.map((entry) => [entry.msg.payload, entry.fired.reason, entry.fired.status]), [["fallback", "event", "failed"]]);
    assert.deepEqual(store.waits(), []);
    assert.deepEqual([...store.data.keys()].filter((key) => key.startsWith("early-")), [], "each early event is used once");
    assert.deepEqual(await a.waits.add({ payload: "later" }, 10, "early-failed"), { outcome: "waiting", dropped: [] });
  });

  it("refuses a msg past the count bound, and stores nothing", async () => {
    const store = new SharedStore();
    const a = instance(store, "a", { maxWaiting: 2 });
    await a.waits.start();
    await a.waits.add({ payload: 1 }, 60_000, undefined);
    await a.waits.add({ payload: 2 }, 60_000, undefined);
    await assert.rejects(a.waits.add({ payload: 3 }, 60_000, undefined), /2 msgs already waiting, this node's bound \(Max waiting: 2\); nothing was stored/);
    assert.equal(store.waits().length, 2);
  });

  it("refuses a msg past the byte bound, alone or with what waits, and stores nothing", async () => {
    const store = new SharedStore();
    const a = instance(store, "a", { maxBytes: 100 });
    await a.waits.start();
    await assert.rejects(a.waits.add({ payload: "x".repeat(200) }, 60_000, undefined), /msg: 214 bytes as JSON, more than this node keeps in all \(Max size: 100 bytes\)/);
    await a.waits.add({ payload: "x".repeat(40) }, 60_000, undefined);
    await assert.rejects(a.waits.add({ payload: "y".repeat(40) }, 60_000, undefined), /msg: 54 bytes would pass this node's bound of 100 bytes \(54 bytes already waiting\)/);
    assert.equal(store.waits().length, 1);
  });

  it("refuses a msg with a circular reference, and stores nothing", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    const msg: Record<string, unknown> = { payload: {} };
    (msg.payload as Record<string, unknown>).self = msg;
    await assert.rejects(a.waits.add(msg, 1000, undefined), /msg: cannot be stored, it has a circular reference/);
    assert.deepEqual([...store.data.keys()], []);
  });

  it("does not take a msg whose write failed", async () => {
    const store = new SharedStore();
    const a = instance(store, "a");
    await a.waits.start();
    store.failWrites = true;
    await assert.rejects(a.waits.add({ payload: 1 }, 10, undefined), /disk full/);
    assert.equal(a.waits.count, 0);
    await pause(50);
    assert.equal(a.fired.length, 0);
  });

  describe("several instances on one store", () => {
    it("leaves a live instance's waits to it", async () => {
      const store = new SharedStore();
      const a = instance(store, "a");
      const b = instance(store, "b");
      await a.waits.start();
      await b.waits.start();
      await a.waits.add({ payload: "from a" }, 900, undefined);
      await until("a to fire its wait", () => a.fired.length === 1);
      await pause(150);
      assert.equal(b.fired.length, 0);
    });

    it("takes over the waits of an instance that stopped renewing its lease, and sends each once", async () => {
      const store = new SharedStore();
      const a = instance(store, "a");
      await a.waits.start();
      await a.waits.add({ payload: "due soon" }, 10, undefined);
      await a.waits.add({ payload: "due later" }, 700, undefined);
      await a.waits.close();
      const b = instance(store, "b");
      await b.waits.start();
      await until("b to send both", () => b.fired.length === 2);
      assert.deepEqual(b.fired.map((entry) => entry.msg.payload).sort(), ["due later", "due soon"]);
      await pause(400);
      assert.equal(b.fired.length, 2);
      assert.deepEqual(store.waits(), []);
    });

    it("of two instances taking over the same waits, one sends each", async () => {
      const store = new SharedStore();
      const a = instance(store, "a");
      await a.waits.start();
      for (let index = 0; index < 20; index++) await a.waits.add({ payload: index }, 5, undefined);
      await a.waits.close();
      const b = instance(store, "b");
      const c = instance(store, "c");
      await Promise.all([b.waits.start(), c.waits.start()]);
      await until("all 20 to be sent", () => b.fired.length + c.fired.length === 20);
      await pause(400);
      const payloads = [...b.fired, ...c.fired].map((entry) => entry.msg.payload as number).sort((x, y) => x - y);
      assert.deepEqual(payloads, Array.from({ length: 20 }, (_, index) => index));
    });

    it("an owner back after a pause does not send a wait another instance took over", async () => {
      const store = new SharedStore();
      const a = instance(store, "a");
      await a.waits.start();
      await a.waits.add({ payload: "once" }, 200, undefined);
      // Another instance claimed it meanwhile (as after a's lease ran out).
      const [key] = [...store.data.keys()].filter((name) => name.startsWith("wait-"));
      await store.set("lease-b", { owner: "b", expiresAt: Date.now() + 60_000 });
      await store.set(key, { ...((await store.get(key)) as StoredWait), owner: "b" });
      await pause(400);
      assert.equal(a.fired.length, 0);
      assert.equal(store.waits().length, 1, "left for its new owner");
    });

    it("cancels a wait stored by another instance", async () => {
      const store = new SharedStore();
      const a = instance(store, "a");
      const b = instance(store, "b");
      await a.waits.start();
      await b.waits.start();
      await a.waits.add({ payload: "fallback" }, 300, "c1");
      assert.equal(await b.waits.cancel("c1"), 1);
      await pause(500);
      assert.equal(a.fired.length + b.fired.length, 0);
    });
  });
});
