// Hostile input, the events webhook of a real Node-RED runtime (the behaviour depends on its HTTP
// stack: the front middleware, the admin app beside httpNode): unauthenticated senders are refused
// before their body is read, a declared oversize body at once, and a body trickled too slowly with 408.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request, type ClientRequest } from "node:http";
import { BODY_TIMEOUT_MS } from "../../nodes/lib/events/webhook/body";
import { RealRuntime } from "./real-runtime";

const PATH = "/acs/hostile";
const SECRET = "hostile-test-secret";
const MiB = 1024 * 1024;

function eventsFlow(): Record<string, unknown>[] {
  return [
    { id: "tab", type: "tab", label: "hostile" },
    { id: "events", type: "acs-events", z: "tab", name: "", path: PATH, requireSecret: true, outputMode: "single", credentials: { secret: SECRET }, wires: [[]] },
  ];
}

/** The runtime process's resident memory, from /proc. */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((entry) => entry.startsWith("VmRSS:"));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? 0) * 1024;
}

interface SlowPost {
  /** Resolves with the status and ms from the connection to the answer. */
  answered: Promise<{ status: number; ms: number }>;
  req: ClientRequest;
  stop(): void;
}

/** POSTs `totalBytes` of JSON-ish body in chunks of `chunkBytes` every `everyMs`, without a Content-Length. */
function slowPost(url: URL, path: string, totalBytes: number, chunkBytes: number, everyMs: number, headers: Record<string, string | number> = {}): SlowPost {
  const req = request({ host: url.hostname, port: url.port, path, method: "POST", agent: false, headers: { "content-type": "application/json", ...headers } });
  // Timed from the connection: what is measured is the runtime's answer, not this process queueing connects.
  let started = Date.now();
  req.on("socket", (socket) => socket.once("connect", () => (started = Date.now())));
  let sent = 0;
  const chunk = Buffer.alloc(chunkBytes, 0x20);
  const timer = setInterval(() => {
    if (sent >= totalBytes || req.destroyed) return clearInterval(timer);
    req.write(chunk);
    sent += chunkBytes;
  }, everyMs);
  req.write("[");
  const answered = new Promise<{ status: number; ms: number }>((resolve, reject) => {
    req.on("response", (res) => {
      resolve({ status: res.statusCode ?? 0, ms: Date.now() - started });
      res.resume();
    });
    req.on("error", reject);
  });
  return {
    answered,
    req,
    stop: () => {
      clearInterval(timer);
      req.destroy();
    },
  };
}

describe("hostile input: the events webhook of a real runtime", function () {
  this.timeout(120_000);
  let runtime: RealRuntime;
  let url: URL;

  before(async () => {
    runtime = await RealRuntime.start("outline");
    await runtime.deploy(eventsFlow());
    url = new URL(runtime.url);
  });
  after(() => runtime.stop());

  it("answers 100 slow 1 MB bodies without the secret at once, holding no memory for them", async () => {
    const pid = runtime.pid as number;
    const before = rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
    // 1 MB each in 16 KB chunks, one every 250 ms: 16 s per body if it were read to the end.
    const posts = Array.from({ length: 100 }, () => slowPost(url, PATH, MiB, 16 * 1024, 250));
    try {
      const answers = await Promise.all(posts.map((post) => post.answered));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.deepEqual([...new Set(answers.map((answer) => answer.status))], [401]);
      // On an idle machine each answer takes milliseconds; the bound leaves room for a busy one while
      // staying far below the 16 s a body takes to arrive, so no answer waited for its body.
      const slowest = Math.max(...answers.map((answer) => answer.ms));
      assert.ok(slowest < 4000, `the slowest answer took ${slowest} ms`);
    } finally {
      clearInterval(sampler);
      for (const post of posts) post.stop();
    }
    const grewMiB = (peak - before) / MiB;
    assert.ok(grewMiB <= 10, `RSS grew by ${grewMiB.toFixed(1)} MiB`);
    assert.ok(runtime.alive);
  });

  it("refuses a declared Content-Length over the limit with 413 before the body is sent", async () => {
    const post = slowPost(url, `${PATH}?code=${SECRET}`, 0, 1, 1000, { "content-length": 64 * MiB });
    try {
      const answer = await post.answered;
      assert.equal(answer.status, 413);
    } finally {
      post.stop();
    }
  });

  it("refuses a body that is not JSON with 415 before it is read", async () => {
    const post = slowPost(url, `${PATH}?code=${SECRET}`, MiB, 1024, 200, { "content-type": "text/plain" });
    try {
      assert.equal((await post.answered).status, 415);
    } finally {
      post.stop();
    }
  });

  it(`answers 408 to an authenticated body still arriving after ${BODY_TIMEOUT_MS / 1000} s`, async () => {
    // 1 KB every 500 ms: 1 MB would take over eight minutes.
    const post = slowPost(url, `${PATH}?code=${SECRET}`, MiB, 1024, 500);
    try {
      const answer = await post.answered;
      assert.equal(answer.status, 408);
      assert.ok(answer.ms >= BODY_TIMEOUT_MS - 500 && answer.ms < BODY_TIMEOUT_MS + 10_000, `answered after ${answer.ms} ms`);
    } finally {
      post.stop();
    }
  });
});
