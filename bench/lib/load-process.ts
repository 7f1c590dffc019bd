// The load generator in a process of its own (autocannon on loopback), so that it neither shares
// the event loop nor the CPU figures of the Node-RED process it drives. Started by load.ts: the
// options arrive in argv as JSON, the result goes back over IPC.
import autocannon from "autocannon";
import type { LoadOptions, LoadResult } from "./load";

/** Splices a fresh id into each placeholder of the body template: every request carries new events. */
function bodyMaker(options: LoadOptions): () => string {
  let counter = 0;
  return () => {
    let body = options.bodyParts[0];
    for (let i = 1; i < options.bodyParts.length; i++) body += `${options.idPrefix}-${counter++}${options.bodyParts[i]}`;
    return body;
  };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as LoadOptions;
  if (!/^http:\/\/127\.0\.0\.1[:/]/.test(options.url)) throw new Error(`load is only sent to 127.0.0.1, not ${options.url}`);
  const nextBody = bodyMaker(options);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    method: "POST",
    headers: { "content-type": "application/json", ...options.headers },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: nextBody() }),
      },
    ],
  });
  const answer: LoadResult = {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    durationSeconds: result.duration,
  };
  process.send?.(answer);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
