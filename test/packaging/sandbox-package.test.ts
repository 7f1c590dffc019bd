// The sandbox as palette users get it: both packages packed, installed into a fresh directory, the
// sandbox started with its bin, and an example flow (as the node package ships it) run in a fresh
// Node-RED against it. The only change to the example is the sandbox's port, so that this test
// never collides with a sandbox already on the default 5443.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { freePort, run, startUntil, type Started } from "../helpers/processes";

const root = resolve(__dirname, "..", "..", "..");
const sandboxDir = join(root, "sandbox");
const nodePackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string };
const sandboxPackage = JSON.parse(readFileSync(join(sandboxDir, "package.json"), "utf8")) as { name: string; bin: Record<string, string> };

type FlowNode = Record<string, unknown> & { id: string; type: string };

async function pack(cwd: string, destination: string): Promise<{ tarball: string; files: string[] }> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", destination], { cwd, maxBuffer: 16 * 1024 * 1024 });
  // prepack's own output may precede the JSON.
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

function getJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    request(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolvePromise(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
    })
      .on("error", reject)
      .end();
  });
}

function withoutEnv(name: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== name));
}

describe("sandbox package", function () {
  this.timeout(300_000);
  let work: string;
  let nodeTarball: { tarball: string; files: string[] };
  let sandboxTarball: { tarball: string; files: string[] };
  let sandbox: Started | undefined;
  let nodeRed: Started | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "acs-sandbox-pack-"));
    nodeTarball = await pack(root, work);
    sandboxTarball = await pack(sandboxDir, work);
  });

  after(async () => {
    await nodeRed?.stop();
    await sandbox?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("ships the compiled sandbox, its UI and its bin; no sources, tests or nodes", () => {
    const files = sandboxTarball.files;
    for (const file of ["bin/acs-sandbox.js", "dist/emulator/cli.js", "dist/emulator/index.js", "dist/emulator/ui/static/app.js", "dist/emulator/ui/static/index.html", "README.md", "LICENSE"]) {
      assert.ok(files.includes(file), `${file} missing`);
    }
    assert.deepEqual(files.filter((file) => /\.ts$|^dist\/(test|nodes|scripts|bench)\/|^(emulator|test|nodes)\//.test(file)), []);
    assert.deepEqual(Object.keys(sandboxPackage.bin), ["acs-sandbox"]);
  });

  it("leaves the node package free of the sandbox", () => {
    assert.deepEqual(nodeTarball.files.filter((file) => /^sandbox\/|emulator/.test(file)), []);
  });

  it("installs both, starts the sandbox with its bin, and runs an example flow in a fresh Node-RED against it", async () => {
    const app = join(work, "app");
    await run("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "node-red-project", private: true }));
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", nodeTarball.tarball, sandboxTarball.tarball], { cwd: app });

    const sandboxPort = await freePort();
    sandbox = await startUntil(join(app, "node_modules", ".bin", "acs-sandbox"), [], {
      cwd: app,
      // The default state directory, .sandbox in the working directory, where the example looks.
      env: { ...withoutEnv("SANDBOX_STATE_DIR"), SANDBOX_PORT: String(sandboxPort) },
      ready: /^ {2}sandbox UI: (\S+)$/m,
      timeoutMs: 60_000,
    });
    assert.match(sandbox.output(), new RegExp(`sandbox UI: https://127\\.0\\.0\\.1:${sandboxPort}/_sandbox/ui/`));

    // The example exactly as the node package ships it, on the test's port.
    const example = JSON.parse(readFileSync(join(app, "node_modules", ...nodePackage.name.split("/"), "examples", "send-sms.json"), "utf8")) as FlowNode[];
    const config = example.find((node) => node.type === "acs-config");
    assert.deepEqual([config?.authMode, config?.endpoint, config?.caFile], ["sandbox", "https://127.0.0.1:5443", ".sandbox/ca.pem"]);
    const flow = example.map((node) => (node.type === "acs-config" ? { ...node, endpoint: `https://127.0.0.1:${sandboxPort}` } : node));
    writeFileSync(join(app, "flows.json"), JSON.stringify(flow));

    const nodeRedPort = await freePort();
    const nodeRedPackage = require.resolve(join(process.env.NODE_RED_PATH ?? "node-red", "package.json"));
    nodeRed = await startUntil(process.execPath, [join(dirname(nodeRedPackage), "red.js"), "-u", app, "-p", String(nodeRedPort), "flows.json"], {
      cwd: app,
      ready: /Started flows/,
      timeoutMs: 90_000,
    });
    const inject = flow.find((node) => node.type === "inject");
    assert.ok(inject, "the example has an inject node");
    const clicked = await fetch(`http://127.0.0.1:${nodeRedPort}/inject/${inject.id}`, { method: "POST" });
    assert.equal(clicked.status, 200);

    const ca = readFileSync(join(app, ".sandbox", "ca.pem"), "utf8");
    const started = Date.now();
    let sent: { to: string }[] = [];
    while (sent.length < 2 && Date.now() - started < 60_000) {
      sent = ((await getJson(`https://127.0.0.1:${sandboxPort}/_sandbox/sms`, ca)) as { value: { to: string }[] }).value;
      if (sent.length < 2) await new Promise((wait) => setTimeout(wait, 200));
    }
    assert.deepEqual(sent.map((sms) => sms.to).sort(), ["+14255550123", "+14255550124"], nodeRed.output());
  });
});
