// Benchmark 2, event ingest: Event Grid deliveries (batches of 1 and of 100 real-shaped ACS events,
// fresh ids on every request) POSTed by autocannon on loopback, in the same Node-RED, to three routes:
// - acs-events (secret checked, duplicates dropped, correlation looked up in the config node's
//   store, events normalised, one msg per event to the next node);
// - the hand-built flow a user without this package would build (bench/lib/flows.ts
//   handBuiltEventFlow: http in -> function checking the secret and answering the validation
//   handshake -> split -> the same kind of next node, and http response answering 200 once the
//   events are handed on, as acs-events does): the fair baseline, the goal is >= 1.0x of it;
// - a bare endpoint on the same httpNode that only parses the JSON (context: what HTTP and JSON cost).
// Beside them, pull ingest: acs-events reading the sandbox's Event Grid namespace at 10 and 100
// events per receive, for each acknowledgement mode. Prints JSON: events per second, p99 latency
// and CPU per event of each route, the ratios of acs-events to the hand-built flow and to the bare
// endpoint.
// Run alone: `node dist/bench/event-ingest.js [--seconds=10] [--connections=10] [--warmup=3] [--rounds=1] [--pullEvents=5000]`
// (`--pullEvents=0` leaves pull ingest out).
import type { Request, Response } from "express";
import type { NodeMessageInFlow } from "node-red";
import { numberOption, runMain } from "./lib/cli";
import { eventBatchTemplate } from "./lib/events";
import { configNode, handBuiltEventFlow, sink, tab, TAB_ID } from "./lib/flows";
import { runLoad, type LoadResult } from "./lib/load";
import { BenchRuntime } from "./lib/node-red";
import { measurePullIngest, type PullAckMode } from "./lib/pull-ingest";
import { ResourceMeter, round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const EVENTS_PATH = "/bench/events";
const BARE_PATH = "/bench/bare-events";
const HAND_BUILT_PATH = "/bench/hand-built-events";
const SECRET = "bench-webhook-secret-0123456789abcdef";
const SECRET_ENV = "ACS_WEBHOOK_SECRET";

type Side = "bare" | "handBuilt" | "node";
const SIDES: readonly Side[] = ["bare", "handBuilt", "node"];

export interface EventIngestOptions {
  seconds: number;
  connections: number;
  warmupSeconds: number;
  /** Rounds of bare, hand-built, node, node, hand-built, bare. */
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
    cpuUsPerEvent: round((1000 * segments.reduce((sum, segment) => sum + segment.cpuMs, 0)) / Math.max(1, requests * batch), 2),
    peakRssMiB: Math.max(...segments.map((segment) => segment.peakRssMiB)),
    peakHeapUsedMiB: Math.max(...segments.map((segment) => segment.peakHeapUsedMiB)),
  };
}

export async function runEventIngest(options: EventIngestOptions) {
  const sandbox = await RemoteSandbox.start({});
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab({ [SECRET_ENV]: SECRET }),
      configNode(sandbox),
      { id: "bench-events", type: "acs-events", z: TAB_ID, config: "bench-acs", path: EVENTS_PATH, requireSecret: true, maxBodyKb: "1024", outputMode: "single", ackMode: "handed", credentials: { secret: SECRET }, wires: [["bench-sink"]] },
      ...handBuiltEventFlow({ path: HAND_BUILT_PATH, secretEnv: SECRET_ENV, next: "bench-sink" }),
      sink("bench-sink"),
    ]);
    mountBareEndpoint(runtime.httpNode as HttpApp);
    let emitted = 0;
    runtime.node("bench-sink").on("input", (_msg: NodeMessageInFlow) => {
      emitted++;
    });

    const base = runtime.url.replace(/\/$/, "");
    const urls: Record<Side, string> = { bare: `${base}${BARE_PATH}`, handBuilt: `${base}${HAND_BUILT_PATH}?code=${SECRET}`, node: `${base}${EVENTS_PATH}?code=${SECRET}` };
    const results: Record<string, unknown> = {};
    const headline: Record<string, unknown> = {};
    for (const batch of [1, 100]) {
      const bodyParts = eventBatchTemplate(batch);
      const drive = async (side: Side, seconds: number): Promise<Segment> => {
        const emittedBefore = emitted;
        const meter = new ResourceMeter();
        const load = await runLoad({ url: urls[side], connections: options.connections, durationSeconds: seconds, bodyParts, idPrefix: `${side}-${batch}-${seconds}-${Date.now()}` });
        const figures = meter.stop();
        return { load, cpuMs: figures.cpuMs, emitted: emitted - emittedBefore, peakRssMiB: figures.peakRssMiB, peakHeapUsedMiB: figures.peakHeapUsedMiB };
      };
      for (const side of SIDES) await drive(side, options.warmupSeconds);
      // The sides take turns (bare, hand-built, node, node, hand-built, bare, ...), `seconds` each in
      // all, so that a drift during the run weighs on each alike.
      const order = Array.from({ length: Math.max(1, options.rounds) }, () => [...SIDES, ...[...SIDES].reverse()]).flat();
      const segmentSeconds = Math.max(1, Math.round(options.seconds / (order.length / SIDES.length)));
      const segments: Record<Side, Segment[]> = { bare: [], handBuilt: [], node: [] };
      for (const side of order) segments[side].push(await drive(side, segmentSeconds));
      const figures = (side: Side) => ({
        ...summarise(segments[side], batch),
        // Every event of every answered request reached the next node once (a delivery still in
        // the pipe when the load stops can add a batch).
        eventsEmitted: segments[side].reduce((sum, segment) => sum + segment.emitted, 0),
        eventsAcknowledged: segments[side].reduce((sum, segment) => sum + (segment.load.requests - segment.load.non2xx) * batch, 0),
      });
      const node = figures("node");
      const handBuilt = figures("handBuilt");
      const bareHttpNode = summarise(segments.bare, batch);
      const ratio = {
        nodeToHandBuilt: round(node.eventsPerSecond / handBuilt.eventsPerSecond, 3),
        nodeToBare: round(node.eventsPerSecond / bareHttpNode.eventsPerSecond, 3),
        handBuiltToBare: round(handBuilt.eventsPerSecond / bareHttpNode.eventsPerSecond, 3),
        cpuPerEventNodeToHandBuilt: round(node.cpuUsPerEvent / handBuilt.cpuUsPerEvent, 3),
      };
      results[`batch${batch}`] = { node, handBuilt, bareHttpNode, ratio };
      const perRoute = (route: ReturnType<typeof summarise>) => ({ eventsPerSecond: route.eventsPerSecond, p99Ms: route.latencyMs.p99, cpuUsPerEvent: route.cpuUsPerEvent });
      headline[`batch${batch}`] = { ...ratio, node: perRoute(node), handBuilt: perRoute(handBuilt), bareHttpNode: perRoute(bareHttpNode) };
    }
    // Pull: a warm-up, then each events-per-receive and acknowledgement mode on a fresh deploy.
    if (options.pullEvents > 0) await pullIngest(runtime, sandbox, options.pullEvents, results);
    return {
      benchmark: "event-ingest",
      settings: {
        ...options,
        schema: "EventGrid",
        secret: "checked (?code=)",
        dedupe: "on",
        correlation: "looked up in the config node's store",
        eventMix: "40% SMS delivery reports, 20% email delivery reports, 20% email clicks, 20% inbound SMS / chat messages",
        handBuilt: "http in -> function (secret, validation handshake) -> split -> the same next node; http response 200 once the events are handed on",
        pull: "SMS delivery reports published to the sandbox namespace first; events/s from the deploy until the next node finished the last one; max in flow twice the events per receive",
      },
      headline,
      ...results,
      goal: "node events/s >= 1.0 x the hand-built flow's, at both batch sizes",
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

async function pullIngest(runtime: BenchRuntime, sandbox: RemoteSandbox, events: number, results: Record<string, unknown>): Promise<void> {
  await measurePullIngest(runtime, sandbox, { maxEvents: 100, ackMode: "onHandover", events: Math.min(1000, events) });
  const pull: Record<string, Record<string, unknown>> = {};
  for (const maxEvents of [10, 100]) {
    for (const ackMode of ["onHandover", "afterFlow"] as PullAckMode[]) {
      (pull[`receive${maxEvents}`] ??= {})[ackMode] = await measurePullIngest(runtime, sandbox, { maxEvents, ackMode, events });
    }
  }
  results.pull = pull;
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
