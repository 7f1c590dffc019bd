// A real Node-RED runtime for the benchmarks: embedded in this process with the package installed
// (scripts/embedded-node-red.ts), flows deployed through the admin API as the editor deploys them,
// messages handed to a node's input, and every done() seen through the runtime's onComplete hook.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Node } from "node-red";
import { startEmbeddedNodeRed, type EmbeddedNodeRed } from "../../scripts/embedded-node-red";

export type FlowNode = Record<string, unknown>;

/** A node as the runtime holds it; receive() is how the test helper and the inject node feed it. */
export type RuntimeNode = Node & { receive(msg: object): void };

interface CompleteEvent {
  msg: { _msgid?: string };
  error?: unknown;
  node: { id: string };
}

interface RuntimeInternals {
  nodes: { getNode(id: string): RuntimeNode | null };
  hooks: { add(name: string, hook: (event: CompleteEvent) => void): void; remove(name: string): void };
}

/** Counts the done() and done(err) calls of one node. */
export interface Completions {
  done: number;
  failed: number;
  /** The first few error texts, to show what went wrong. */
  errors: string[];
}

export class BenchRuntime {
  private readonly completions = new Map<string, Completions>();
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly embedded: EmbeddedNodeRed,
    private readonly userDir: string,
  ) {
    this.internals.hooks.add("onComplete.bench", (event) => {
      const counts = this.completions.get(event.node.id);
      if (!counts) return;
      if (event.error) {
        counts.failed++;
        if (counts.errors.length < 5) counts.errors.push(event.error instanceof Error ? event.error.message : String(event.error));
      } else {
        counts.done++;
      }
      for (const wake of this.waiters) wake();
    });
  }

  static async start(): Promise<BenchRuntime> {
    const userDir = mkdtempSync(join(tmpdir(), "acs-bench-"));
    const embedded = await startEmbeddedNodeRed({
      userDir,
      settings: {
        credentialSecret: false,
        // stdout carries the figures: the runtime's warnings and errors go to stderr.
        logging: { stderr: { level: "warn", metrics: false, audit: false, handler: () => (entry: { msg: unknown }) => process.stderr.write(`node-red: ${String(entry.msg)}\n`) } },
      },
    });
    return new BenchRuntime(embedded, userDir);
  }

  get url(): string {
    return this.embedded.url;
  }

  /** Node-RED's HTTP-in app (the bare endpoint baseline is mounted there). */
  get httpNode(): unknown {
    return this.embedded.RED.httpNode;
  }

  private get internals(): RuntimeInternals {
    return this.embedded.RED as unknown as RuntimeInternals;
  }

  /** Deploys `flow` (credentials inline, as the editor sends them) and waits until its nodes run. */
  async deploy(flow: FlowNode[]): Promise<void> {
    const response = await fetch(`${this.url}flows`, {
      method: "POST",
      headers: { "content-type": "application/json", "node-red-deployment-type": "full" },
      body: JSON.stringify(flow),
    });
    if (!response.ok) throw new Error(`deploy failed: HTTP ${response.status} ${await response.text()}`);
    for (const node of flow) {
      if (typeof node.id === "string" && node.type !== "tab") await this.waitFor(() => this.internals.nodes.getNode(node.id as string) !== null, 10_000);
    }
  }

  node(id: string): RuntimeNode {
    const node = this.internals.nodes.getNode(id);
    if (!node) throw new Error(`no node ${id} is deployed`);
    return node;
  }

  /** Starts counting the done() calls of node `id` (from zero). */
  track(id: string): Completions {
    const counts: Completions = { done: 0, failed: 0, errors: [] };
    this.completions.set(id, counts);
    return counts;
  }

  /** Resolves once `condition` holds, checked after each completion and every 50 ms; rejects after timeoutMs. */
  waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (err?: Error) => {
        clearInterval(poll);
        clearTimeout(limit);
        this.waiters.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const check = () => {
        if (condition()) finish();
      };
      const poll = setInterval(check, 50);
      const limit = setTimeout(() => finish(new Error(`not done after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    this.internals.hooks.remove("onComplete.bench");
    await this.embedded.close();
    rmSync(this.userDir, { recursive: true, force: true });
  }
}
