// The events endpoint under hostile input, in the node's own request path (the test helper's
// httpNode) and behind a real runtime's full HTTP stack (the admin app and httpNode both mounted at
// "/" on one root app, as the node-red command does): every hostile request is answered 4xx, nothing
// is emitted for it, nothing rejects unhandled, the runtime keeps running and still takes good
// deliveries, and an event delivered more than once is emitted once.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { NodeMessage } from "node-red";
import { helper } from "../helpers/node-red";
import { EventsHarness } from "../nodes/acs-events.fixture";
import { deeplyNestedEvents, hostileRequests, realEvents, type FuzzRequest } from "./fuzz-corpus";
import { RejectionSpy } from "./process-watch";
import { RealRuntime } from "./real-runtime";

const SEED = 20_251_128;
const SECRET = "fuzz-webhook-secret-1f0e";
const PATH = "/acs/fuzz-events";
const LIMIT_KB = 256;

/** POSTs one request (chunked when asked) and answers its status. */
async function send(url: string, request: FuzzRequest): Promise<number> {
  const headers: Record<string, string> = { "content-type": request.contentType ?? "application/json" };
  let body: BodyInit = typeof request.body === "string" ? request.body : new Uint8Array(request.body);
  if (request.chunked) {
    const bytes = Buffer.from(request.body);
    body = new ReadableStream({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
  }
  try {
    const response = await fetch(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
    await response.arrayBuffer();
    return response.status;
  } catch {
    // The endpoint may close the connection on a body it refused part-way: record that, not a status.
    return -1;
  }
}

/** The requests not answered 4xx, as "name: status". */
async function not4xx(url: string, requests: FuzzRequest[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const request of requests) {
    const status = await send(url, request);
    if (status < 400 || status > 499) wrong.push(`${request.name}: ${status}`);
  }
  return wrong;
}

const deliver = (url: string, events: unknown[]) => send(url, { name: "delivery", body: JSON.stringify(events) });

/** Checks what every suite checks after the fuzzing: duplicates emitted once, good deliveries taken. */
async function checkDuplicatesAndGoodDeliveries(url: string, emittedIds: () => string[]): Promise<void> {
  const [first, second, third] = realEvents();
  assert.equal(await deliver(url, [first]), 200);
  assert.equal(await deliver(url, [first]), 200, "a repeated delivery is acknowledged");
  assert.equal(await deliver(url, [second, second, third]), 200);
  const fourth = { ...first, id: randomUUID() };
  const concurrent = await Promise.all(Array.from({ length: 5 }, () => deliver(url, [fourth])));
  assert.deepEqual(concurrent, [200, 200, 200, 200, 200]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual([...emittedIds()].sort(), [first.id, second.id, third.id, fourth.id].map(String).sort());
}

describe("reliability: the events endpoint under hostile input", function () {
  this.timeout(60_000);

  describe("in the node's own request path", () => {
    const harness = new EventsHarness();
    let rejections: RejectionSpy;
    let emitted: string[];

    before(async () => {
      await harness.start();
      rejections = new RejectionSpy();
      await harness.load([], [{ id: "events", type: "acs-events", path: PATH, requireSecret: true, maxBodyKb: String(LIMIT_KB), wires: [["out"]] }, { id: "out", type: "helper" }], { events: { secret: SECRET } });
      emitted = [];
      helper.getNode("out").on("input", (msg: NodeMessage) => emitted.push(String((msg as { event?: { id?: string } }).event?.id)));
    });
    after(async () => {
      await helper.unload();
      await harness.stop();
      rejections.close();
    });

    it("answers 4xx to every hostile request and emits nothing", async () => {
      const url = harness.url(PATH, SECRET);
      const requests = hostileRequests(SEED, LIMIT_KB * 1024);
      assert.deepEqual(await not4xx(url, requests), []);
      assert.deepEqual(await not4xx(harness.url(PATH), [{ name: "no secret", body: JSON.stringify(realEvents()) }]), []);
      assert.deepEqual(emitted, []);
      assert.deepEqual(rejections.reasons, []);
    });

    it("still takes good deliveries, and emits an event delivered twice, in one batch or at once, a single time", async () => {
      await checkDuplicatesAndGoodDeliveries(harness.url(PATH, SECRET), () => emitted);
      assert.deepEqual(rejections.reasons, []);
    });
  });

  describe("behind a real runtime's HTTP stack", () => {
    let runtime: RealRuntime;
    let url: string;
    /** The distinct msgs the events node sent (each goes to two wires). */
    const emittedIds = () => [...new Set(runtime.msgs.filter((entry) => entry.source === "events").map((entry) => entry.text))];

    before(async () => {
      runtime = await RealRuntime.start("outline");
      const at = { z: "fuzz", x: 100, y: 100 };
      await runtime.deploy([
        { id: "fuzz", type: "tab", label: "fuzz" },
        { id: "events", type: "acs-events", path: PATH, requireSecret: true, maxBodyKb: String(LIMIT_KB), credentials: { secret: SECRET }, wires: [["ids", "sink"]], ...at },
        // Two wires, so the runtime copies each msg as it would for any fan-out.
        { id: "ids", type: "change", rules: [{ t: "set", p: "payload", pt: "msg", to: "event.id", tot: "msg" }], wires: [[]], ...at },
        { id: "sink", type: "debug", active: true, tosidebar: true, console: false, complete: "payload", wires: [], ...at },
      ]);
      url = `${runtime.url}${PATH.slice(1)}?code=${SECRET}`;
    });
    after(async () => {
      await runtime?.stop();
    });

    it("answers 4xx to every hostile request, emits nothing and keeps running", async () => {
      const requests = hostileRequests(SEED, LIMIT_KB * 1024).filter((request) => !request.chunked);
      assert.deepEqual(await not4xx(url, requests), []);
      assert.equal(emittedIds().length, 0);
      assert.ok(runtime.alive, `the runtime exited with ${runtime.exitStatus}`);
      const flows = await runtime.request("flows");
      assert.equal(flows.status, 200);
    });

    it("still takes good deliveries, and emits an event delivered twice, in one batch or at once, a single time", async () => {
      const before = emittedIds().length;
      const [first, second, third] = realEvents();
      const fourth = { ...first, id: randomUUID() };
      assert.equal(await deliver(url, [first]), 200);
      assert.equal(await deliver(url, [first]), 200);
      assert.equal(await deliver(url, [second, second, third]), 200);
      assert.deepEqual(await Promise.all(Array.from({ length: 5 }, () => deliver(url, [fourth]))), [200, 200, 200, 200, 200]);
      await runtime.until(() => emittedIds().length >= before + 4, 5000, "four events were not emitted");
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(emittedIds().length - before, 4);
      assert.ok(runtime.alive);
    });

    it("answers 413 to a chunked body over the node's limit (no content-length to refuse it by), whoever parses it first, and emits nothing", async () => {
      const before = emittedIds().length;
      const chunked = hostileRequests(SEED, LIMIT_KB * 1024).filter((request) => request.chunked);
      assert.equal(chunked.length, 1);
      assert.equal(await send(url, chunked[0]), 413);
      assert.equal(emittedIds().length, before);
      assert.ok(runtime.alive);
    });

    it("answers 4xx to events whose data is nested far deeper than any ACS event, and keeps running", async () => {
      // No ACS event nests beyond a few levels; downstream nodes that walk data recursively (a json
      // node, a deep copy) overflow the stack on such data, and Event Grid redelivers a 500 forever.
      const wrong = await not4xx(url, [...deeplyNestedEvents(1_000), ...deeplyNestedEvents(20_000)]);
      assert.deepEqual(wrong, []);
      assert.ok(runtime.alive, `the runtime exited with ${runtime.exitStatus}`);
    });
  });
});
