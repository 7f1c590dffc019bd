// Durable waits of several Node-RED instances on one Redis: runtime A holds waits and is killed
// (kill -9) before they are due; runtime B takes them over once A's lease has run out and sends each
// exactly once, at its time.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";
import { RealRuntime } from "./real-runtime";

const WAITS = 20;
const WAIT_SECONDS = 8;

function waitFlow(): Record<string, unknown>[] {
  const at = { z: "waits", x: 200, y: 80 };
  const hold = `for (let i = 0; i < ${WAITS}; i++) node.send({ payload: "fallback-" + i, correlationId: "order-" + i });
return null;`;
  return [
    { id: "waits", type: "tab", label: "waits" },
    // Waits only need the connection's context store; no request reaches this endpoint.
    { id: "acs", type: "acs-config", name: "shared", authMode: "sandbox", endpoint: "https://127.0.0.1:5443", contextStore: "shared" },
    { id: "start", type: "inject", props: [], repeat: "", once: false, wires: [["hold"]], ...at },
    { id: "hold", type: "function", func: hold, outputs: 1, wires: [["wait"]], ...at, y: 140 },
    { id: "wait", type: "acs-wait", config: "acs", timeout: String(WAIT_SECONDS), timeoutUnits: "seconds", cancellable: false, correlationId: "correlationId", correlationIdType: "msg", cancelOn: "", sendNowOn: "", maxWaiting: "1000", maxMegabytes: "5", wires: [["fired"]], ...at, y: 200 },
    { id: "fired", type: "debug", active: false, tosidebar: false, console: false, complete: "payload", targetType: "msg", wires: [], ...at, x: 500, y: 200 },
  ];
}

/** The payloads the runtime's acs-wait node sent. */
function fired(runtime: RealRuntime): string[] {
  return runtime.msgs.filter((entry) => entry.source === "wait").map((entry) => /payload: '([^']*)'/.exec(entry.text)?.[1] ?? entry.text);
}

describe("durable waits of several Node-RED instances on Redis", function () {
  this.timeout(180_000);
  let redis: RedisServer;
  const runtimes: RealRuntime[] = [];

  before(async () => {
    redis = await startRedisServer();
  });

  after(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await redis?.stop();
  });

  it("sends each wait of an instance that died exactly once, from the instance that took them over", async () => {
    const contextStorage = {
      default: { module: "memory" },
      shared: { module: join(__dirname, "..", "..", "nodes", "lib", "node-red", "redis-context-store.js"), config: { url: redis.url, prefix: "acs-waits:" } },
    };
    const settings = (instanceId: string) => ({ contextStorage, acsWait: { instanceId, leaseSeconds: 2, settleSeconds: 0.5 } });
    const a = await RealRuntime.start("full", { settings: settings("a") });
    runtimes.push(a);
    const b = await RealRuntime.start("full", { settings: settings("b") });
    runtimes.push(b);
    await a.deploy(waitFlow());
    await b.deploy(waitFlow());

    await a.inject("start");
    // acs-wait calls done() once a wait is stored.
    await a.until(() => a.completions.filter((entry) => entry.node === "wait" && entry.error === undefined).length === WAITS, 30_000, "A did not store every wait");
    await a.kill();

    await b.until(() => fired(b).length >= WAITS, 90_000, "B did not send every wait of A");
    // Two more lease periods: a second send of any of them would show by then.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const sent = fired(b);
    assert.equal(sent.length, WAITS, "each wait sent once");
    assert.deepEqual(new Set(sent), new Set(Array.from({ length: WAITS }, (_, i) => `fallback-${i}`)));
    assert.equal(fired(a).length, 0, "A died before any wait was due");
    assert.equal(b.completions.filter((entry) => entry.node === "wait" && entry.error !== undefined).length, 0, "B ended no msg with an error");
  });
});
