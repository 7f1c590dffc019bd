// Figures of one side of a comparison (node or bare SDK) that sent its share in several segments.
import { alternating, splitEvenly } from "./cli";
import { ResourceMeter, round, type ResourceFigures } from "./resources";

export interface Segment {
  messages: number;
  failed: number;
  errors: string[];
  figures: ResourceFigures;
}

/** One side's figures over its segments: rate and CPU per message over the summed time. */
export function combineSegments(segments: Segment[]) {
  const messages = segments.reduce((sum, segment) => sum + segment.messages, 0);
  const elapsedMs = segments.reduce((sum, segment) => sum + segment.figures.elapsedMs, 0);
  const cpuMs = segments.reduce((sum, segment) => sum + segment.figures.cpuMs, 0);
  const errors = segments.flatMap((segment) => segment.errors).slice(0, 5);
  return {
    messages,
    messagesPerSecond: round(messages / (elapsedMs / 1000)),
    failed: segments.reduce((sum, segment) => sum + segment.failed, 0),
    cpuMsPerMessage: round(cpuMs / messages, 3),
    cpuCores: round(cpuMs / elapsedMs, 3),
    elapsedMs: round(elapsedMs),
    peakRssMiB: Math.max(...segments.map((segment) => segment.figures.peakRssMiB)),
    peakHeapUsedMiB: Math.max(...segments.map((segment) => segment.figures.peakHeapUsedMiB)),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

type Outcome = { failed: number; errors: string[] };

/**
 * Node and bare SDK send `messages` each, taking turns (bare, node, node, bare, ... over `rounds`)
 * so that a drift during the run weighs on both alike; `send(side, first, count)` sends messages
 * first..first+count-1. Resolves with each side's figures.
 */
export async function inTurns(messages: number, rounds: number, first: number, send: (side: "bare" | "node", first: number, count: number) => Promise<Outcome>) {
  const order = alternating("bare" as const, "node" as const, rounds);
  const shares = { bare: splitEvenly(messages, order.length / 2), node: splitEvenly(messages, order.length / 2) };
  const segments: Record<"bare" | "node", Segment[]> = { bare: [], node: [] };
  let next = first;
  for (const side of order) {
    const count = shares[side].shift() ?? 0;
    const meter = new ResourceMeter();
    const outcome = await send(side, next, count);
    segments[side].push({ messages: count, ...outcome, figures: meter.stop() });
    next += count;
  }
  return { bare: combineSegments(segments.bare), node: combineSegments(segments.node), next };
}
