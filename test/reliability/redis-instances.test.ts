// Several Node-RED instances on one ACS resource share acs-config's records of what was sent
// through a shared context store: Redis (a real redis-server) with the Redis context store of this
// package. Runtime A sends 1,000 SMS; the sandbox's Event Grid delivers every report to runtime B
// only; each must come out of B matched to A's send, msg.acs.sent complete.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startTestSandbox, sandboxConfig, type Sandbox } from "../helpers/sandbox";
import { startRedisServer, type RedisServer } from "../helpers/redis-server";
import { RealRuntime } from "./real-runtime";

const OUR_NUMBER = "+18005550100";
const SECRET = "instances-webhook-secret";
const EVENTS_PATH = "/acs/instances-events";
const BATCHES = 10;
const PER_BATCH = 100;

interface Seen {
  messageId: string;
  status: string;
  to: string;
  sent?: { channel?: string; messageId?: string; correlationId?: string; to?: string; from?: string; sentAt?: number; contact?: { batch?: number } };
}

/** The same flow on every instance (the records live in the config node's context, keyed by its id). */
function sharedFlow(sandbox: Sandbox): Record<string, unknown>[] {
  const config = sandboxConfig(sandbox, "acs", { contextStore: "shared", smsPerMinute: "1000000" });
  const at = { z: "instances", x: 200, y: 80 };
  // Ten msgs of 100 recipients, each with its own correlation id and contact.
  const campaign = `for (let b = 0; b < ${BATCHES}; b++) {
    const to = Array.from({ length: ${PER_BATCH} }, (_, i) => "+1425" + String(5000000 + b * ${PER_BATCH} + i));
    node.send({ payload: "Spring sale", to, correlationId: "batch-" + b, contact: { batch: b } });
}
return null;`;
  // One short line per report, so that the test can read it.
  const digest = `msg.payload = JSON.stringify({ messageId: msg.acs.messageId, status: msg.acs.status, to: msg.acs.to, sent: msg.acs.sent });
return msg;`;
  return [
    { id: "instances", type: "tab", label: "instances" },
    { ...config.node, credentials: config.credentials.acs },
    { id: "start", type: "inject", props: [], repeat: "", once: false, wires: [["campaign"]], ...at },
    { id: "campaign", type: "function", func: campaign, outputs: 1, wires: [["sms"]], ...at },
    { id: "sms", type: "acs-sms", config: "acs", from: OUR_NUMBER, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, correlationId: "correlationId", correlationIdType: "msg", outputMode: "single", wires: [["sent"]], ...at, y: 140 },
    { id: "sent", type: "debug", active: false, tosidebar: false, console: false, complete: "false", wires: [], ...at, x: 500 },
    { id: "events", type: "acs-events", config: "acs", path: EVENTS_PATH, requireSecret: true, outputMode: "single", credentials: { secret: SECRET }, wires: [["digest"]], ...at, y: 200 },
    { id: "digest", type: "function", func: digest, outputs: 1, wires: [["report"]], ...at, y: 260 },
    { id: "report", type: "debug", active: false, tosidebar: false, console: false, complete: "payload", targetType: "msg", wires: [], ...at, x: 500, y: 260 },
  ];
}

/** The digest lines runtime B's function node sent. */
function reports(runtime: RealRuntime): Seen[] {
  return runtime.msgs.filter((entry) => entry.source === "digest").map((entry) => JSON.parse(/payload: '([^']*)'/.exec(entry.text)?.[1] ?? "{}") as Seen);
}

describe("several Node-RED instances sharing records through Redis", function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  let redis: RedisServer;
  const runtimes: RealRuntime[] = [];

  before(async () => {
    redis = await startRedisServer();
    // Reports come 3 s after the send, as real ones take seconds: a report that reached B before A's
    // write reached Redis (milliseconds, longer on a loaded machine) would find no record.
    sandbox = await startTestSandbox({ timeScale: 1, quotas: { sms: { tollFree: null } }, rules: [{ match: "+1425500010*", outcome: "failed", details: "Handset unreachable" }] });
  });

  after(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await sandbox?.close();
    await redis?.stop();
  });

  it("matches every report received by B to the send made by A, msg.acs.sent complete", async () => {
    const contextStorage = {
      default: { module: "memory" },
      shared: { module: join(__dirname, "..", "..", "nodes", "lib", "node-red", "redis-context-store.js"), config: { url: redis.url, prefix: "acs-test:" } },
    };
    const a = await RealRuntime.start("outline", { settings: { contextStorage } });
    runtimes.push(a);
    const b = await RealRuntime.start("full", { settings: { contextStorage } });
    runtimes.push(b);
    await a.deploy(sharedFlow(sandbox));
    await b.deploy(sharedFlow(sandbox));
    await sandbox.control.subscribe({ endpoint: `${b.url}${EVENTS_PATH.slice(1)}?code=${SECRET}` });

    await a.inject("start");
    await a.until(() => a.msgs.filter((entry) => entry.source === "sms").length === BATCHES, 120_000, "A did not send every batch");
    assert.equal(sandbox.control.sentSms().length, BATCHES * PER_BATCH);
    await b.until(() => reports(b).length >= BATCHES * PER_BATCH, 180_000, "B did not receive every report");

    const sentById = new Map(sandbox.control.sentSms().map((record) => [record.messageId, record]));
    const seen = reports(b);
    const complete = seen.filter((report) => {
      const record = sentById.get(report.messageId);
      const sent = report.sent;
      return (
        record !== undefined &&
        sent?.channel === "sms" &&
        sent.messageId === report.messageId &&
        sent.to === record.to &&
        sent.from === OUR_NUMBER &&
        typeof sent.sentAt === "number" &&
        sent.correlationId === record.tag &&
        sent.correlationId === `batch-${sent.contact?.batch}`
      );
    });
    assert.equal(seen.length, BATCHES * PER_BATCH);
    assert.equal(new Set(seen.map((report) => report.messageId)).size, BATCHES * PER_BATCH, "each report once");
    assert.equal(complete.length, BATCHES * PER_BATCH, `${complete.length} of ${seen.length} reports carried a complete msg.acs.sent`);
    assert.equal(seen.filter((report) => report.status === "failed").length, PER_BATCH / 10, "the failing phones' reports say failed");
    assert.equal(a.msgs.filter((entry) => entry.source === "events").length, 0, "A received no report");
  });
});
