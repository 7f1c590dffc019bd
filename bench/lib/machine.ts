// The machine a run came from, printed with every set of figures so that they can be compared.
import { cpus, loadavg, totalmem } from "node:os";
import { readFileSync } from "node:fs";

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  nodeRed: string;
  platform: string;
  /** 1-minute load average when the run started: above the CPU count, other work shared the machine. */
  loadAverageAtStart: number;
}

export function machineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpuModel(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    nodeRed: nodeRedVersion(),
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: Math.round(loadavg()[0] * 100) / 100,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((text) => text.startsWith("model name"));
    if (line) return line.split(":")[1].trim();
  } catch {
    // not Linux: fall back to what os reports
  }
  return cpus()[0]?.model ?? "unknown";
}

function nodeRedVersion(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime is chosen at run time
    return (require(require.resolve(`${process.env.NODE_RED_PATH ?? "node-red"}/package.json`)) as { version: string }).version;
  } catch {
    return "unknown";
  }
}
