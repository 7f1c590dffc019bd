// The package as a user gets it: `npm pack` in a fresh clone of the committed tree (its prepack
// script builds), the tarball installed into a fresh Node-RED user directory and loaded by the real
// node-red command. Fails when the tarball lacks the build, or a node type is missing or does not load.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { freePort, run, startUntil, type Started } from "../helpers/processes";

const root = resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string; "node-red": { nodes: Record<string, string> } };
const nodeTypes = Object.keys(manifest["node-red"].nodes).sort();
const EXPECTED_TYPES = ["acs-chat", "acs-config", "acs-email", "acs-events", "acs-sms", "acs-wait"];
// Installs come from the npm cache when it holds the packages, so the suite needs no network then.
const npmInstallFlags = ["--no-audit", "--no-fund", "--prefer-offline"];

interface NodeSet {
  module: string;
  name: string;
  types: string[];
  enabled: boolean;
  err?: unknown;
}

describe("package", function () {
  // A build and an install on a busy machine: minutes, not seconds.
  this.timeout(600_000);
  let work: string;
  let tarball: string;
  let files: string[];
  let nodeRed: Started | undefined;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "acs-pack-"));
    const clone = join(work, "clone");
    await run("git", ["clone", "--quiet", root, clone]);
    assert.ok(!existsSync(join(clone, "dist")), "a fresh clone has no build");
    // What `npm ci` would install there: the same lockfile, so the dependencies already installed
    // here serve (a second install of them would add minutes and prove nothing more about prepack).
    assert.equal(readFileSync(join(clone, "package-lock.json"), "utf8"), readFileSync(join(root, "package-lock.json"), "utf8"), "commit package-lock.json first");
    symlinkSync(join(root, "node_modules"), join(clone, "node_modules"), "dir");
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: clone });
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

  it("ships the nodes its prepack script built, their html, locales and icons, the examples, README and LICENSE", () => {
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
    await run("npm", ["install", ...npmInstallFlags, tarball], { cwd: userDir });
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
