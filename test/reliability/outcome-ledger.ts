// The reliability suites' bookkeeping: which input msgs came out of a node (a helper node on its
// output), which reached a Catch node, and how many times the runtime saw each one finished (its
// onComplete hook fires for every done() and done(err)). Every input msg carries a `trackingKey`;
// `problems()` lists each key that did not end exactly once.
import type { Node, NodeMessageInFlow } from "node-red";
import { runtimeRequire } from "../helpers/runtime";

interface CompleteEvent {
  msg: { trackingKey?: unknown };
  error?: unknown;
  node: { id: string };
}

interface Hooks {
  add(name: string, hook: (event: CompleteEvent) => void): void;
  remove(name: string): void;
}

const HOOK = "onComplete.reliability";

/** The hooks of the runtime under test (the one the helper loads; NODE_RED_PATH may point elsewhere). */
export function runtimeHooks(): Hooks {
  return runtimeRequire<{ hooks: Hooks }>("@node-red/util").hooks;
}

interface Tally {
  outputs: number;
  caught: number;
  done: number;
  failed: number;
  lastError?: string;
}

export class OutcomeLedger {
  private readonly tallies = new Map<string, Tally>();
  private readonly hooks = runtimeHooks();

  constructor(private readonly nodeIds: readonly string[]) {
    this.hooks.add(HOOK, (event) => {
      if (!this.nodeIds.includes(event.node.id)) return;
      const tally = this.tallyOf(event.msg.trackingKey);
      if (!tally) return;
      if (event.error) {
        tally.failed++;
        tally.lastError = event.error instanceof Error ? event.error.message : String(event.error);
      } else {
        tally.done++;
      }
    });
  }

  /** Expects an outcome for `key` (call before the msg is sent). */
  expect(key: string): void {
    this.tallies.set(key, { outputs: 0, caught: 0, done: 0, failed: 0 });
  }

  /** Counts msgs arriving at `node` (a helper node) as outputs, or as caught for a Catch node's helper. */
  listen(node: Node, kind: "outputs" | "caught"): void {
    (node as unknown as { on(event: "input", listener: (msg: NodeMessageInFlow) => void): void }).on("input", (msg) => {
      const tally = this.tallyOf((msg as { trackingKey?: unknown }).trackingKey);
      if (tally) tally[kind]++;
    });
  }

  get expected(): number {
    return this.tallies.size;
  }

  /** Keys whose msg has been finished (done or done(err)) at least once. */
  get finished(): number {
    return [...this.tallies.values()].filter((tally) => tally.done + tally.failed > 0).length;
  }

  /** The sum of one tally over the keys starting with `prefix` (all keys by default). */
  count(kind: keyof Omit<Tally, "lastError">, prefix = ""): number {
    let sum = 0;
    for (const [key, tally] of this.tallies) if (key.startsWith(prefix)) sum += tally[kind];
    return sum;
  }

  /** The errors the msgs ended with, most frequent first, with their counts. */
  errorSummary(): string[] {
    const counts = new Map<string, number>();
    for (const tally of this.tallies.values()) if (tally.lastError) counts.set(tally.lastError, (counts.get(tally.lastError) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([text, count]) => `${count} x ${text}`);
  }

  /**
   * Every key whose msg did not end exactly once: finished by the runtime exactly once, and (when
   * `routed`) seen exactly once at the output or at the Catch node.
   */
  problems(routed = true): string[] {
    const found: string[] = [];
    for (const [key, tally] of this.tallies) {
      const finishes = tally.done + tally.failed;
      const seen = tally.outputs + tally.caught;
      if (finishes !== 1 || (routed && seen !== 1)) {
        found.push(`${key}: done ${tally.done}, done(err) ${tally.failed}, outputs ${tally.outputs}, caught ${tally.caught}`);
      }
    }
    return found;
  }

  close(): void {
    this.hooks.remove(HOOK);
  }

  private tallyOf(key: unknown): Tally | undefined {
    return typeof key === "string" ? this.tallies.get(key) : undefined;
  }
}
