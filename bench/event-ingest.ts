// Benchmark 2, event ingest: Event Grid deliveries (batches of 1 and of 100 real-shaped ACS events,
// fresh ids on every request) POSTed by autocannon on loopback to acs-events (secret checked,
// duplicates dropped, correlation looked up, one msg per event to the next node) and to a bare
// endpoint on the same Node-RED's httpNode that only parses the JSON; and, beside them, pull ingest:
// acs-events reading the sandbox's Event Grid namespace at 10 and 100 events per receive, for each
// acknowledgement mode. Prints JSON: events per second of each, the webhook's ratio to the bare
// endpoint, and latency percentiles.
// Run alone: `node dist/bench/event-ingest.js [--seconds=10] [--connections=10] [--warmup=3] [--rounds=1] [--pullEvents=5000]`.
import type { Request, Response } from "express";
import type { NodeMessageInFlow } from "node-red";
import { alternating, numberOption, runMain } from "./lib/cli";
import { eventBatchTemplate } from "./lib/events";
import { configNode, sink, tab, TAB_ID } from "./lib/flows";
import { runLoad, type LoadResult } from "./lib/load";
import { BenchRuntime } from "./lib/node-red";
import { measurePullIngest, type PullAckMode } from "./lib/pull-ingest";
import { ResourceMeter, round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const EVENTS_PATH = "/bench/events";
const BARE_PATH = "/bench/bare-events";
const SECRET = "bench-webhook-secret-0123456789abcdef";

export interface EventIngestOptions {
  seconds: number;
  connections: number;
  warmupSeconds: number;
  /** Rounds of bare, node, node, bare. */
  rounds: number;
  /** Events per pull measurement. */
  pullEvents: number;
}

interface HttpApp {
  post(path: string, handler: (req: Request, res: Response) => void): void;
}

/**
 * The baseline: parses the body and answers 200. With the admin and node roots both at "/" (the
 * default) the admin app's JSON parser has already parsed it, for this route and for the node's
 * alike (req._body set); otherwise it is read and parsed here.
 */
function mountBareEndpoint(app: HttpApp): void {
  app.post(BARE_PATH, (req, res) => {
    if ((req as Request & { _body?: boolean })._body) {
      res.status(200).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        JSON.parse(Buffer.concat(chunks).toString("utf8"));
        res.status(200).end();
      } catch {
        res.status(400).end();
      }
    });
  });
}

interface Segment {
  load: LoadResult;
  cpuMs: number;
  emitted: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
}

/**
 * One side's figures over its segments: rates over the summed time; latency percentiles of the
 * worst segment (autocannon gives percentiles, not histograms that could be merged).
 */
function summarise(segments: Segment[], batch: number) {
  const requests = segments.reduce((sum, segment) => sum + segment.load.requests, 0);
  const seconds = segments.reduce((sum, segment) => sum + segment.load.durationSeconds, 0);
  const worst = (key: keyof LoadResult["latencyMs"]) => Math.max(...segments.map((segment) => segment.load.latencyMs[key]));
  return {
    eventsPerSecond: round((requests * batch) / seconds),
    requestsPerSecond: round(requests / seconds),
    latencyMs: { p50: worst("p50"), p90: worst("p90"), p99: worst("p99"), max: worst("max") },
    non2xx: segments.reduce((sum, segment) => sum + segment.load.non2xx, 0),
    errors: segments.reduce((sum, segment) => sum + segment.load.errors + segment.load.timeouts, 0),
    cpuMsPerEvent: round(segments.reduce((sum, segment) => sum + segment.cpuMs, 0) / Math.max(1, requests * batch), 4),
    peakRssMiB: Math.max(...segments.map((segment) => segment.peakRssMiB)),
    peakHeapUsedMiB: Math.max(...segments.map((segment) => segment.peakHeapUsedMiB)),
  };
}

export async function runEventIngest(options: EventIngestOptions) {
  const sandbox = await RemoteSandbox.start({});
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab(),
      configNode(sandbox),
      { id: "bench-events", type: "acs-events", z: TAB_ID, config: "bench-acs", path: EVENTS_PATH, requireSecret: true, maxBodyKb: "1024", outputMode: "single", ackMode: "handed", credentials: { secret: SECRET }, wires: [["bench-sink"]] },
      sink("bench-sink"),
    ]);
    mountBareEndpoint(runtime.httpNode as HttpApp);
    let emitted = 0;
    runtime.node("bench-sink").on("input", (_msg: NodeMessageInFlow) => {
      emitted++;
    });

    const results: Record<string, unknown> = {};
    for (const batch of [1, 100]) {
      const bodyParts = eventBatchTemplate(batch);
      const drive = async (side: "bare" | "node", seconds: number): Promise<Segment> => {
        const url = side === "node" ? `${runtime.url.replace(/\/$/, "")}${EVENTS_PATH}?code=${SECRET}` : `${runtime.url.replace(/\/$/, "")}${BARE_PATH}`;
        const emittedBefore = emitted;
        const meter = new ResourceMeter();
        const load = await runLoad({ url, connections: options.connections, durationSeconds: seconds, bodyParts, idPrefix: `${side}-${batch}-${seconds}-${Date.now()}` });
        const figures = meter.stop();
        return { load, cpuMs: figures.cpuMs, emitted: emitted - emittedBefore, peakRssMiB: figures.peakRssMiB, peakHeapUsedMiB: figures.peakHeapUsedMiB };
      };
      await drive("bare", options.warmupSeconds);
      await drive("node", options.warmupSeconds);
      // The sides take turns (bare, node, node, bare, ...), `seconds` each in all.
      const order = alternating("bare" as const, "node" as const, options.rounds);
      const segmentSeconds = Math.max(1, Math.round(options.seconds / (order.length / 2)));
      const segments: Record<"bare" | "node", Segment[]> = { bare: [], node: [] };
      for (const side of order) segments[side].push(await drive(side, segmentSeconds));
      const nodeFigures = summarise(segments.node, batch);
      const bareFigures = summarise(segments.bare, batch);
      results[`batch${batch}`] = {
        bareHttpNode: bareFigures,
        node: {
          ...nodeFigures,
          // Every event of every answered request reached the next node once (a delivery still in
          // the pipe when the load stops can add a batch).
          eventsEmitted: segments.node.reduce((sum, segment) => sum + segment.emitted, 0),
          eventsAcknowledged: segments.node.reduce((sum, segment) => sum + (segment.load.requests - segment.load.non2xx) * batch, 0),
        },
        ratio: round(nodeFigures.eventsPerSecond / bareFigures.eventsPerSecond, 3),
      };
    }
    // Pull: a warm-up, then each events-per-receive and acknowledgement mode on a fresh deploy.
    await measurePullIngest(runtime, sandbox, { maxEvents: 100, ackMode: "onHandover", events: Math.min(1000, options.pullEvents) });
    const pull: Record<string, Record<string, unknown>> = {};
    for (const maxEvents of [10, 100]) {
      for (const ackMode of ["onHandover", "afterFlow"] as PullAckMode[]) {
        (pull[`receive${maxEvents}`] ??= {})[ackMode] = await measurePullIngest(runtime, sandbox, { maxEvents, ackMode, events: options.pullEvents });
      }
    }
    results.pull = pull;
    return {
      benchmark: "event-ingest",
      settings: { ...options, schema: "EventGrid", secret: "checked (?code=)", dedupe: "on", correlation: "looked up in the config node's store", eventMix: "40% SMS delivery reports, 20% email delivery reports, 20% email clicks, 20% inbound SMS / chat messages", pull: "SMS delivery reports published to the sandbox namespace first; events/s from the deploy until the next node finished the last one; max in flow twice the events per receive" },
      ...results,
      goal: "node events/s >= 0.8 x bare httpNode events/s",
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() =>
    runEventIngest({
      seconds: numberOption("seconds", 10),
      connections: numberOption("connections", 10),
      warmupSeconds: numberOption("warmup", 3),
      rounds: numberOption("rounds", 1),
      pullEvents: numberOption("pullEvents", 5000),
    }),
  );
}
