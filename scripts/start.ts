// `npm start`: the ACS sandbox and an embedded Node-RED with this package, a config node pointing at
// the sandbox, ready in the editor. With ACS_CONNECTION_STRING set, the real service is used instead
// and no sandbox starts. Ctrl+C stops both.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../emulator";
import { PROJECT_ROOT, startEmbeddedNodeRed } from "./embedded-node-red";

const userDir = join(PROJECT_ROOT, ".node-red");
const stateDir = join(PROJECT_ROOT, ".sandbox");

function configNode(sandbox: Sandbox | undefined): Record<string, unknown> {
  return sandbox
    ? { id: "acs-demo-config", type: "acs-config", name: "ACS sandbox", authMode: "sandbox", endpoint: sandbox.endpoint, caFile: join(stateDir, "ca.pem") }
    : { id: "acs-demo-config", type: "acs-config", name: "ACS (from ACS_CONNECTION_STRING)", authMode: "connectionString" };
}

async function main(): Promise<void> {
  const useRealService = Boolean(process.env.ACS_CONNECTION_STRING);
  const sandbox = useRealService ? undefined : await startSandbox({ port: Number(process.env.SANDBOX_PORT ?? 5443), stateDir });

  const flowFile = join(userDir, "flows.json");
  if (!existsSync(flowFile)) {
    const { mkdirSync } = await import("node:fs");
    mkdirSync(userDir, { recursive: true });
    writeFileSync(flowFile, JSON.stringify([{ id: "acs-demo-tab", type: "tab", label: "ACS" }, configNode(sandbox)], null, 2));
    if (useRealService) {
      writeFileSync(join(userDir, "flows_cred.json"), JSON.stringify({ "acs-demo-config": { connectionString: "${ACS_CONNECTION_STRING}" } }));
    }
  }

  const nodeRed = await startEmbeddedNodeRed({
    userDir,
    port: Number(process.env.NODE_RED_PORT ?? 1880),
    logLevel: "warn",
    settings: { credentialSecret: false },
  });

  if (sandbox) {
    console.log(`ACS sandbox:      ${sandbox.endpoint} (CA: ${join(stateDir, "ca.pem")})`);
  } else {
    console.log("ACS:              the real service, from ACS_CONNECTION_STRING");
  }
  console.log(`Node-RED editor:  ${nodeRed.url}`);
  console.log("Ready. Press Ctrl+C to stop.");

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping...");
    Promise.all([nodeRed.close(), sandbox?.close()]).then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error("npm start failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
