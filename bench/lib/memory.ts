// Memory after a full garbage collection: what the runtime really holds at a moment, independent of
// when the collector last ran (a peak RSS mostly measures garbage V8 had not yet collected).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const MiB = 1024 * 1024;

/** A full collection (the flag is set for this one call, so the benchmark needs no node option). */
export function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
}

/** Memory after a full collection, once the RSS has stopped falling (within 0.5 MiB a second, 15 s at most). */
export async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  collectGarbage();
  let usage = process.memoryUsage();
  for (let second = 0; second < 15; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    collectGarbage();
    const next = process.memoryUsage();
    const settled = usage.rss - next.rss < 0.5 * MiB;
    usage = next;
    if (settled) break;
  }
  return usage;
}
