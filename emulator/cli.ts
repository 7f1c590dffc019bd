// `npm run sandbox`: the sandbox on a fixed port, its CA written to .sandbox/ca.pem (kept across
// restarts while valid), the endpoint, connection string, CA path, Event Grid namespace and Entra ID
// application printed. Ctrl+C stops it.
//
// Environment: SANDBOX_PORT (default 5443), SANDBOX_HOST (default 127.0.0.1), SANDBOX_TIME_SCALE
// (default 1), SANDBOX_STATE_DIR (default .sandbox), SANDBOX_CUSTOM_DOMAINS (comma separated).

import { resolve } from "node:path";
import { startSandbox } from "./index";

export const DEFAULT_SANDBOX_PORT = 5443;

export async function main(): Promise<void> {
  const stateDir = resolve(process.env.SANDBOX_STATE_DIR ?? ".sandbox");
  const customDomains = (process.env.SANDBOX_CUSTOM_DOMAINS ?? "")
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  const sandbox = await startSandbox({
    port: numberFromEnv("SANDBOX_PORT", DEFAULT_SANDBOX_PORT),
    host: process.env.SANDBOX_HOST ?? "127.0.0.1",
    timeScale: numberFromEnv("SANDBOX_TIME_SCALE", 1),
    stateDir,
    customDomains
  });
  const caPath = resolve(stateDir, "ca.pem");
  console.log("ACS sandbox running");
  console.log(`  endpoint:          ${sandbox.endpoint}`);
  console.log(`  connection string: ${sandbox.connectionString}`);
  console.log(`  CA certificate:    ${caPath}`);
  console.log(`  control API:       ${sandbox.endpoint}_sandbox/`);
  console.log(`  time scale:        ${sandbox.timeScale}`);
  const ns = sandbox.namespace;
  // One line a script can split on ";" and "=" (the key is base64, so it may end in "=").
  console.log(`  Event Grid namespace: endpoint=${ns.endpoint};key=${ns.key};topic=${ns.topic};subscription=${ns.subscription}`);
  const entra = sandbox.entra;
  console.log(`  Entra ID:          authorityHost=${entra.authorityHost};tenantId=${entra.tenantId};clientId=${entra.clientId};clientSecret=${entra.clientSecret}`);
  // Exactly this form, so a script can read the address.
  console.log(`  sandbox UI: ${sandbox.uiUrl}`);
  console.log("Press Ctrl+C to stop.");

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      }
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

/** Starts the CLI; exits with 1 when the sandbox cannot start (the package's bin calls this). */
export function run(): void {
  main().catch((error: unknown) => {
    console.error("sandbox: could not start:", error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

if (require.main === module) run();
