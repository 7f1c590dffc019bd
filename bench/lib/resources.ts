// CPU time and memory of this process over one measured phase: process.cpuUsage() deltas, and
// process.memoryUsage() sampled on a short interval to catch the peaks between start and stop.

export interface ResourceFigures {
  elapsedMs: number;
  /** User plus system CPU time of this process (all its threads). */
  cpuMs: number;
  /** cpuMs / elapsedMs: 1.0 is one core fully busy. */
  cpuCores: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
  endRssMiB: number;
  endHeapUsedMiB: number;
}

const MiB = 1024 * 1024;

export class ResourceMeter {
  private readonly startedAt = process.hrtime.bigint();
  private readonly cpuAtStart = process.cpuUsage();
  private peakRss = 0;
  private peakHeapUsed = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(sampleEveryMs = 25) {
    this.sample();
    this.sampler = setInterval(() => this.sample(), sampleEveryMs);
  }

  /** Ends the phase and returns its figures. */
  stop(): ResourceFigures {
    clearInterval(this.sampler);
    const end = this.sample();
    const cpu = process.cpuUsage(this.cpuAtStart);
    const elapsedMs = Number(process.hrtime.bigint() - this.startedAt) / 1e6;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return {
      elapsedMs: round(elapsedMs),
      cpuMs: round(cpuMs),
      cpuCores: round(cpuMs / elapsedMs, 3),
      peakRssMiB: round(this.peakRss / MiB),
      peakHeapUsedMiB: round(this.peakHeapUsed / MiB),
      endRssMiB: round(end.rss / MiB),
      endHeapUsedMiB: round(end.heapUsed / MiB),
    };
  }

  private sample(): NodeJS.MemoryUsage {
    const usage = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakHeapUsed = Math.max(this.peakHeapUsed, usage.heapUsed);
    return usage;
  }
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Memory before a phase (a process.memoryUsage() taken then) beside the phase's peaks and end, in MiB. */
export function memoryFigures(before: NodeJS.MemoryUsage, figures: ResourceFigures) {
  return { rssBeforeMiB: round(before.rss / MiB), heapUsedBeforeMiB: round(before.heapUsed / MiB), peakRssMiB: figures.peakRssMiB, peakHeapUsedMiB: figures.peakHeapUsedMiB, endRssMiB: figures.endRssMiB };
}
