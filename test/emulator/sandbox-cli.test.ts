// `npm run sandbox` as a script reads it: the Event Grid namespace line parsed into its parts and
// used, as printed, with the real SDK and the CA file the CLI wrote.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { AzureKeyCredential } from "@azure/core-auth";
import { EventGridReceiverClient, EventGridSenderClient } from "@azure/eventgrid-namespaces";
import { startUntil, type Started } from "../helpers/processes";

describe("the sandbox command line", function () {
  this.timeout(60_000);
  let stateDir: string;
  let cli: Started | undefined;

  before(function () {
    stateDir = mkdtempSync(join(tmpdir(), "sandbox-cli-"));
  });

  after(async function () {
    await cli?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("prints the Event Grid namespace on one line that a script can split and use", async function () {
    cli = await startUntil(process.execPath, [resolve(__dirname, "..", "..", "emulator", "cli.js")], {
      env: { ...process.env, SANDBOX_PORT: "0", SANDBOX_STATE_DIR: stateDir },
      ready: /Press Ctrl\+C/,
      timeoutMs: 30_000,
    });
    const line = cli.output().split("\n").find((text) => text.startsWith("  Event Grid namespace: "));
    assert.ok(line, `no namespace line in:\n${cli.output()}`);
    const parts = new Map(
      line
        .slice("  Event Grid namespace: ".length)
        .trim()
        .split(";")
        .map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    );
    assert.deepEqual([...parts.keys()], ["endpoint", "key", "topic", "subscription"]);
    const endpoint = parts.get("endpoint") as string;
    const topic = parts.get("topic") as string;
    const options = { tlsOptions: { ca: readFileSync(join(stateDir, "ca.pem"), "utf8") }, retryOptions: { maxRetries: 0 } };
    const credential = new AzureKeyCredential(parts.get("key") as string);

    await new EventGridSenderClient(endpoint, credential, topic, options).sendEvents({ id: "cli-1", type: "Cli.Test", source: "/cli", data: 1 });
    const receiver = new EventGridReceiverClient(endpoint, credential, topic, parts.get("subscription") as string, options);
    const { details } = await receiver.receiveEvents({ maxWaitTime: 10 });
    assert.deepEqual(details.map((d) => d.event.type), ["Cli.Test"]);
  });
});
