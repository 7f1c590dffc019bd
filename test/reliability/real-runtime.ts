// The test's handle on a real Node-RED runtime running in a child process (real-runtime-process.ts):
// deploys flows through the admin API as the editor does, clicks inject nodes, and keeps what the
// runtime reported (logs, msgs, done() calls, refused name lookups). `alive` tells whether it is
// still running: a crash ends the process.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RuntimeProcessOptions, RuntimeReport } from "./real-runtime-process";

type Report<K extends RuntimeReport["kind"]> = Extract<RuntimeReport, { kind: K }>;

export class RealRuntime {
  readonly logs: Report<"log">[] = [];
  readonly msgs: Report<"msg">[] = [];
  readonly completions: Report<"complete">[] = [];
  readonly refusedNames: string[] = [];
  private exitCode: number | null = null;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly userDir: string,
    readonly url: string,
    private readonly ownsUserDir: boolean,
  ) {
    child.on("message", (message: RuntimeReport) => this.record(message));
    child.on("exit", (code) => {
      this.exited = true;
      this.exitCode = code;
    });
  }

  /**
   * Starts a runtime. With `userDir` given, that directory is used and kept (a restart starts another
   * runtime on it); otherwise a new one is made and removed by stop().
   */
  static start(capture: RuntimeProcessOptions["capture"], extra: { userDir?: string; port?: number; settings?: Record<string, unknown> } = {}): Promise<RealRuntime> {
    const userDir = extra.userDir ?? mkdtempSync(join(tmpdir(), "acs-reliability-"));
    const options: RuntimeProcessOptions = { userDir, capture, port: extra.port, settings: extra.settings };
    const child = fork(join(__dirname, "real-runtime-process.js"), [JSON.stringify(options)], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      const early: RuntimeReport[] = [];
      const onMessage = (message: RuntimeReport) => {
        if (message.kind !== "ready") return void early.push(message);
        child.off("message", onMessage);
        const runtime = new RealRuntime(child, userDir, message.url, extra.userDir === undefined);
        for (const report of early) runtime.record(report);
        resolve(runtime);
      };
      child.on("message", onMessage);
      child.once("exit", (code) => reject(new Error(`the runtime exited with ${code} before it was ready`)));
    });
  }

  /** The runtime's process id (to read its memory). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the runtime process runs. */
  get alive(): boolean {
    return !this.exited;
  }

  get exitStatus(): number | null {
    return this.exitCode;
  }

  /** POST /flows, credentials inline as the editor sends them; resolves once the flows have started. */
  async deploy(flow: Record<string, unknown>[]): Promise<void> {
    const started = this.logs.filter((entry) => entry.text === "Started flows").length;
    const response = await this.request("flows", { method: "POST", headers: { "content-type": "application/json", "node-red-deployment-type": "full" }, body: JSON.stringify(flow) });
    if (!response.ok) throw new Error(`deploy answered ${response.status}: ${await response.text()}`);
    await this.until(() => this.logs.filter((entry) => entry.text === "Started flows").length > started, 10_000, "the flows did not start");
  }

  /** Clicks an inject node's button, as the editor does. */
  async inject(id: string): Promise<void> {
    const response = await this.request(`inject/${id}`, { method: "POST" });
    if (!response.ok) throw new Error(`inject ${id} answered ${response.status}`);
  }

  request(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path.replace(/^\//, "")}`, init);
  }

  /** Resolves once `condition` holds (checked every 20 ms); rejects with `what` after `limitMs`. */
  async until(condition: () => boolean, limitMs: number, what: string): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`${what} within ${limitMs} ms`);
      if (!this.alive) throw new Error(`the runtime exited with ${this.exitCode} while waiting: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    if (this.alive) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.send({ kind: "stop" });
      const force = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(force);
    }
    if (this.ownsUserDir) rmSync(this.userDir, { recursive: true, force: true });
  }

  /** Ends the runtime process at once with SIGKILL, as a crash or `kill -9` would. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGKILL");
    await exited;
  }

  private record(message: RuntimeReport): void {
    if (message.kind === "log") this.logs.push(message);
    else if (message.kind === "msg") this.msgs.push(message);
    else if (message.kind === "complete") this.completions.push(message);
    else if (message.kind === "dns") this.refusedNames.push(message.host);
  }
}
