// Drives an HTTP endpoint with autocannon from a child process (load-process.ts) and returns its figures.
import { fork } from "node:child_process";
import { join } from "node:path";

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** The body split at each event id: request n joins the parts with fresh ids. */
  bodyParts: string[];
  idPrefix: string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  durationSeconds: number;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const child = fork(join(__dirname, "load-process.js"), [JSON.stringify(options)], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    let result: LoadResult | undefined;
    child.once("message", (message: LoadResult) => {
      result = message;
    });
    child.once("error", reject);
    child.once("exit", (code) => (result ? resolve(result) : reject(new Error(`the load generator exited with ${code} and no result`))));
  });
}
