import assert from "node:assert/strict";
import redisContextStore = require("../../../nodes/lib/node-red/redis-context-store");
import { startRedisServer, type RedisServer } from "../../helpers/redis-server";

type Store = ReturnType<typeof redisContextStore>;

function get(store: Store, scope: string, key: string | string[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => store.get(scope, key, (err, ...values) => (err ? reject(err) : resolve(values))));
}

function set(store: Store, scope: string, key: string | string[], value: unknown): Promise<void> {
  return new Promise((resolve, reject) => store.set(scope, key, value, (err) => (err ? reject(err) : resolve())));
}

function keys(store: Store, scope: string): Promise<string[]> {
  return new Promise((resolve, reject) => store.keys(scope, (err, found) => (err ? reject(err) : resolve(found as string[]))));
}

describe("Redis context store", function () {
  this.timeout(30_000);
  let redis: RedisServer;
  let store: Store;
  let other: Store;

  before(async () => {
    redis = await startRedisServer();
    store = redisContextStore({ url: redis.url, prefix: "unit:" });
    other = redisContextStore({ url: redis.url, prefix: "unit:" });
    await store.open();
    await other.open();
  });

  after(async () => {
    await store?.close();
    await other?.close();
    await redis?.stop();
  });

  it("keeps values as JSON, shared by every store on the same Redis and prefix", async () => {
    await set(store, "node1:flow1", "record", { to: "+14255550123", sentAt: 5, contact: { email: "a@example.com" } });
    assert.deepEqual(await get(other, "node1:flow1", "record"), [{ to: "+14255550123", sentAt: 5, contact: { email: "a@example.com" } }]);
    assert.deepEqual(await keys(other, "node1:flow1"), ["record"]);
  });

  it("reads and writes several keys at once, and nested keys", async () => {
    await set(store, "global", ["a", "b"], [1, "two"]);
    assert.deepEqual(await get(store, "global", ["a", "b", "missing"]), [1, "two", undefined]);
    await set(store, "global", "c.d[1].e", true);
    assert.deepEqual(await get(store, "global", "c"), [{ d: [null, { e: true }] }]);
    assert.deepEqual(await get(store, "global", "c.d[1].e"), [true]);
  });

  it("deletes a key set to undefined", async () => {
    await set(store, "node2", "gone", "soon");
    await set(store, "node2", "gone", undefined);
    assert.deepEqual(await keys(store, "node2"), []);
  });

  it("cleans the scopes of nodes that are no longer deployed, never global", async () => {
    await set(store, "kept:flow", "k", 1);
    await set(store, "removed:flow", "k", 1);
    await set(store, "global", "g", 1);
    await store.clean(["kept"]);
    assert.deepEqual(await keys(store, "kept:flow"), ["k"]);
    assert.deepEqual(await keys(store, "removed:flow"), []);
    assert.ok((await keys(store, "global")).includes("g"));
  });

  it("refuses a synchronous get, which Redis cannot answer", () => {
    assert.throws(() => store.get("global", "a"), /answers through a callback only/);
  });
});
