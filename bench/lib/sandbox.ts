// The parent's handle on a sandbox running in its own process (sandbox-process.ts).
import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { SandboxNamespace, SandboxOptions } from "../../emulator";
import type { SandboxAnswer, SandboxReady, SandboxRequest, SandboxSummary } from "./sandbox-process";

export type { ChannelSummary, SandboxSummary } from "./sandbox-process";

export class RemoteSandbox {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
    readonly connectionString: string,
    readonly accessKey: string,
    readonly ca: string,
    /** The sandbox's Event Grid namespace (pull delivery). */
    readonly namespace: SandboxNamespace,
  ) {
    child.on("message", (message: SandboxAnswer) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error) waiting.reject(new Error(message.error));
      else waiting.resolve(message.value);
    });
  }

  static start(options: SandboxOptions): Promise<RemoteSandbox> {
    const child = fork(join(__dirname, "sandbox-process.js"), [JSON.stringify(options)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the sandbox process exited with ${code} before it was ready`)));
      child.once("message", (message: SandboxReady) => {
        resolve(new RemoteSandbox(child, message.endpoint, message.connectionString, message.accessKey, message.ca, message.namespace));
      });
    });
  }

  summary(): Promise<SandboxSummary> {
    return this.call("summary") as Promise<SandboxSummary>;
  }

  async reset(): Promise<void> {
    await this.call("reset");
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    await this.call("close");
    await exited;
  }

  private call(method: SandboxRequest["method"]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, method } satisfies SandboxRequest);
    });
  }
}
