// The package as a user gets it: `npm pack`, installed into a fresh Node-RED user directory, loaded by
// the real node-red command. Fails when a node type is missing or does not load.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { freePort, run, startUntil, type Started } from "../helpers/processes";

const root = resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; "node-red": { nodes: Record<string, string> } };
const nodeTypes = Object.keys(manifest["node-red"].nodes).sort();
const EXPECTED_TYPES = ["acs-chat", "acs-config", "acs-email", "acs-events", "acs-sms", "acs-wait"];

interface NodeSet {
  module: string;
  name: string;
  types: string[];
  enabled: boolean;
  err?: unknown;
}

describe("package", function () {
  this.timeout(240_000);
  let work: string;
  let tarball: string;
  let files: string[];
  let nodeRed: Started | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "acs-pack-"));
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: root });
    const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, packed.filename);
    files = packed.files.map((file) => file.path);
  });

  after(async () => {
    await nodeRed?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("registers the six node types in package.json", () => {
    assert.deepEqual(nodeTypes, EXPECTED_TYPES);
  });

  it("ships the built nodes, their html, locales and icons, the examples, README and LICENSE", () => {
    for (const type of nodeTypes) {
      assert.ok(files.includes(`dist/nodes/${type}.js`), `${type}.js missing`);
      assert.ok(files.includes(`dist/nodes/${type}.html`), `${type}.html missing`);
      assert.ok(files.includes(`dist/nodes/locales/en-US/${type}.json`), `${type} locale missing`);
      assert.ok(files.includes(`dist/nodes/icons/${type}.svg`), `${type} icon missing`);
    }
    for (const file of ["README.md", "LICENSE", "package.json"]) assert.ok(files.includes(file), `${file} missing`);
    assert.ok(files.some((file) => /^examples\/.+\.json$/.test(file)), "no example flows");
  });

  it("ships nothing a user does not need: no sources, tests, emulator or benchmarks", () => {
    const extra = files.filter((file) => /\.ts$|^dist\/(test|emulator|bench|scripts)\/|^(test|emulator|bench|nodes|scripts)\//.test(file));
    assert.deepEqual(extra, []);
  });

  it("installs into a fresh user directory where node-red registers every node type without errors", async () => {
    const userDir = join(work, "user");
    await run("mkdir", ["-p", userDir]);
    writeFileSync(join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }));
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], { cwd: userDir });
    const port = await freePort();
    const nodeRedPackage = require.resolve(join(process.env.NODE_RED_PATH ?? "node-red", "package.json"));
    nodeRed = await startUntil(process.execPath, [join(dirname(nodeRedPackage), "red.js"), "-u", userDir, "-p", String(port)], {
      ready: /Server now running at/,
      timeoutMs: 60_000,
    });
    const response = await fetch(`http://127.0.0.1:${port}/nodes`, { headers: { accept: "application/json" } });
    const sets = ((await response.json()) as NodeSet[]).filter((set) => set.module === manifest.name);
    const failures = sets.filter((set) => set.err).map((set) => `${set.name}: ${JSON.stringify(set.err)}`);
    assert.deepEqual(failures, []);
    assert.deepEqual(sets.flatMap((set) => set.types).sort(), nodeTypes);
    assert.ok(sets.every((set) => set.enabled));
  });
});
