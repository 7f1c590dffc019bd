// Figures of one side of a comparison (node or bare SDK) that sent its share in several segments.
import { round, type ResourceFigures } from "./resources";

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
