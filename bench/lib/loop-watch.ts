// How long the event loop was held: perf_hooks' event-loop delay (wall clock), and the time the main
// thread spent on the CPU between two turns of a 1 ms timer. On a machine shared with other work the
// wall clock also counts the time the OS ran other processes; the on-CPU time counts only what this
// process did while it held the loop, so it is the figure tests assert on (Linux: the thread's
// schedstat; elsewhere the process CPU time, an upper bound).
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

function mainThreadCpuNs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]);
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) * 1000;
  }
}

export interface LoopFigures {
  /** perf_hooks monitorEventLoopDelay: the longest delay (wall clock), ms. */
  delayMaxMs: number;
  /** Its 99th percentile, ms. */
  delayP99Ms: number;
  /** The longest time the main thread ran without letting a timer fire, ms of CPU. */
  busyMaxMs: number;
}

export class LoopWatch {
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 5 });
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = 0;
  private busyMaxNs = 0;

  start(): this {
    this.delay.enable();
    this.lastCpu = mainThreadCpuNs();
    const tick = () => {
      const cpu = mainThreadCpuNs();
      this.busyMaxNs = Math.max(this.busyMaxNs, cpu - this.lastCpu);
      this.lastCpu = cpu;
      this.timer = setTimeout(tick, 1);
    };
    this.timer = setTimeout(tick, 1);
    return this;
  }

  stop(): LoopFigures {
    clearTimeout(this.timer);
    this.delay.disable();
    return {
      delayMaxMs: round(this.delay.max / 1e6),
      delayP99Ms: round(this.delay.percentile(99) / 1e6),
      busyMaxMs: round(this.busyMaxNs / 1e6),
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
