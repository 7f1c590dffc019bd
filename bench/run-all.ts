// `npm run bench`: runs every benchmark, one after the other, each in a fresh process (so that one's
// memory and JIT state do not colour the next), and prints all figures as one JSON document with the
// machine they came from. Benchmark options pass through: `npm run bench -- --messages=2000`.
// Each benchmark's `headline` (its ratios and per-message figures) is also gathered into `summary`,
// the figures the README's Performance table shows.
import { fork } from "node:child_process";
import { join } from "node:path";
import { printFigures } from "./lib/cli";
import { machineInfo } from "./lib/machine";

const BENCHMARKS = ["sms-throughput", "chat-post", "event-ingest", "sms-burst", "queue-memory", "email-batch", "email-batch-memory", "namespace-latency", "sms-recipients"];

function runBenchmark(name: string, args: string[]): Promise<unknown> {
  const child = fork(join(__dirname, `${name}.js`), args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    let figures: unknown;
    child.on("message", (message: { type?: string; figures?: unknown }) => {
      if (message.type === "figures") figures = message.figures;
    });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 && figures !== undefined ? resolve(figures) : reject(new Error(`${name} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.filter((arg) => !arg.startsWith("--"));
  const options = args.filter((arg) => arg.startsWith("--"));
  const results: Record<string, unknown> = {};
  const summary: Record<string, unknown> = {};
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  for (const name of BENCHMARKS.filter((benchmark) => only.length === 0 || only.includes(benchmark))) {
    console.error(`bench: ${name} ...`);
    const began = Date.now();
    try {
      const figures = await runBenchmark(name, options);
      results[name] = figures;
      const headline = (figures as { headline?: unknown }).headline;
      if (headline !== undefined) summary[name] = headline;
    } catch (err) {
      results[name] = { error: err instanceof Error ? err.message : String(err) };
      process.exitCode = 1;
    }
    console.error(`bench: ${name} done in ${Math.round((Date.now() - began) / 1000)} s`);
  }
  // printFigures sends over IPC when this runner is itself forked; run from npm it prints.
  printFigures({ startedAt, machine, command: "npm run bench", summary, results });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
