import assert from "node:assert/strict";
import { chooseContextStore, contextInStore, type NodeContext } from "../../../nodes/lib/node-red/context-store";

describe("context store choice", () => {
  it("is Node-RED's memory store when settings.js configures none", () => {
    assert.deepEqual(chooseContextStore(undefined, ""), { name: "memory", persistent: false });
    assert.deepEqual(chooseContextStore({}, undefined), { name: "memory", persistent: false });
  });

  it("names a store asked for that settings.js does not configure, and falls back to the default", () => {
    assert.deepEqual(chooseContextStore(undefined, "redis"), { name: "memory", persistent: false, unknown: "redis" });
    assert.deepEqual(chooseContextStore({ default: { module: "localfilesystem" } }, "redis"), { name: "default", persistent: true, unknown: "redis" });
  });

  it("takes the default store: a 'default' entry, an alias, or the first one listed", () => {
    assert.deepEqual(chooseContextStore({ default: { module: "localfilesystem" } }, ""), { name: "default", persistent: true });
    assert.deepEqual(chooseContextStore({ default: "file", memoryOnly: { module: "memory" }, file: { module: "localfilesystem" } }, ""), { name: "file", persistent: true });
    assert.deepEqual(chooseContextStore({ memoryOnly: { module: "memory" }, file: { module: "localfilesystem" } }, undefined), { name: "memoryOnly", persistent: false });
  });

  it("takes a named store and tells memory from a persistent or plugin store", () => {
    const plugin = () => ({});
    const storage = { default: { module: "memory" }, file: { module: "localfilesystem" }, shared: { module: plugin } };
    assert.deepEqual(chooseContextStore(storage, "file"), { name: "file", persistent: true });
    assert.deepEqual(chooseContextStore(storage, " shared "), { name: "shared", persistent: true });
    assert.deepEqual(chooseContextStore(storage, "default"), { name: "default", persistent: false });
  });
});

describe("context bound to a store", () => {
  function recordingContext(): NodeContext & { calls: unknown[][] } {
    const calls: unknown[][] = [];
    const answer = (args: unknown[]) => (args[args.length - 1] as (err: null, value: unknown) => void)(null, "value");
    return {
      calls,
      get: (...args: unknown[]) => (calls.push(["get", ...args]), answer(args)),
      set: (...args: unknown[]) => (calls.push(["set", ...args]), answer(args)),
      keys: (...args: unknown[]) => (calls.push(["keys", ...args]), answer(args)),
    };
  }

  it("passes the store name before the callback of every call", () => {
    const context = recordingContext();
    const bound = contextInStore(context, "file");
    const done = () => undefined;
    bound.get("k", done);
    bound.set("k", 1, done);
    bound.keys?.(done);
    assert.deepEqual(context.calls, [["get", "k", "file", done], ["set", "k", 1, "file", done], ["keys", "file", done]]);
  });

  it("leaves the store out for the default store", () => {
    const context = recordingContext();
    const done = () => undefined;
    contextInStore(context, undefined).get("k", done);
    assert.deepEqual(context.calls, [["get", "k", done]]);
  });
});
