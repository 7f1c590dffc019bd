// A real redis-server (Debian's package) for the suites of several Node-RED instances: its own free
// port on loopback, its own temporary directory, nothing saved, stopped after the suite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, run, startUntil, type Started } from "./processes";

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  await run("redis-server", ["--version"]).catch((err: unknown) => {
    throw new Error(`redis-server is not installed (Debian's redis-server package; .ci/run installs it): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  const dir = mkdtempSync(join(tmpdir(), "acs-redis-"));
  const port = await freePort();
  let server: Started;
  try {
    server = await startUntil("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], {
      ready: /Ready to accept connections/,
      timeoutMs: 20_000,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`redis-server did not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
