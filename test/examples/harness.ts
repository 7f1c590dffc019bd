// The end-to-end set-up of the example flows: one sandbox and one embedded Node-RED for the whole
// process (a Node-RED runtime cannot be started twice in one process). Each suite deploys one
// example through the admin API, as the editor does after Import > Examples, with only the config
// node's endpoint and CA file changed and the delays scaled down; clicks its inject nodes through
// the admin API as the editor's button does; and sees what each node received through the runtime's
// onReceive hook. The sandbox plays the other side and tells what was sent on each channel.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventWebhooks, pointAtSandbox, readExample, scaleDelays, type FlowNode } from "../../scripts/demo-flows";
import { DURABLE_CONTEXT_STORAGE, startEmbeddedNodeRed, type EmbeddedNodeRed } from "../../scripts/embedded-node-red";
import { runtimeRequire } from "../helpers/runtime";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";

/** A 5-minute wait becomes 300 ms. */
export const DELAY_SCALE = 1 / 1000;
/** Simulated sandbox time runs this much faster (a 3 s delivery report arrives after 50 ms). */
export const SANDBOX_TIME_SCALE = 60;
/** Generous: a busy machine can take seconds to start a deployed flow; the tests' own timeouts are longer. */
const WAIT_TIMEOUT_MS = 20_000;
/** What examples/email-campaign.json's connection is set for, and `npm start`'s sandbox grants. */
export const RAISED_EMAIL_QUOTA = { perMinute: 600, perHour: 36_000 };

const LOG_LEVELS: Record<number, string> = { 10: "fatal", 20: "error", 30: "warn" };

export interface LogEntry {
  level: string;
  text: string;
  /** The node that logged it, if any. */
  id?: string;
  type?: string;
}

export interface Received {
  nodeId: string;
  msg: Record<string, unknown>;
}

interface HookEvent {
  msg: Record<string, unknown>;
  destination: { id: string };
}

interface FlowsStarted {
  config?: { flows?: { id: string }[] };
}

interface RuntimeEvent {
  id?: string;
  payload?: { error?: string; types?: string[]; modules?: unknown[] };
}

interface RuntimeEvents {
  on(event: "flows:started", listener: (event: FlowsStarted) => void): void;
  on(event: "runtime-event", listener: (event: RuntimeEvent) => void): void;
  removeListener(event: string, listener: (event: never) => void): void;
}

interface RuntimeExtras {
  hooks: { add(name: string, handler: (event: HookEvent) => void): void; remove(name: string): void };
  util: { cloneMessage<T>(msg: T): T };
}

export class ExampleRuntime {
  /** Warnings and errors the runtime logged since the last load(). */
  readonly logs: LogEntry[] = [];
  /** Every msg a node received since the last load(), in order. */
  readonly received: Received[] = [];
  flow: FlowNode[] = [];
  private readonly listeners = new Set<(entry: Received) => void>();
  /** The webhook secret a user types into each acs-events node after the import. */
  readonly webhookSecret = randomBytes(16).toString("hex");

  constructor(
    readonly sandbox: Sandbox,
    readonly nodeRed: EmbeddedNodeRed,
    readonly caFile: string,
    private readonly events: RuntimeEvents,
  ) {}

  /**
   * Deploys examples/<name>.json as the only flow (full deployment), forgetting what the sandbox
   * recorded and every rule and subscription, then subscribes the sandbox to its acs-events nodes.
   */
  load(name: string): Promise<FlowNode[]> {
    return this.loadFlow(readExample(name));
  }

  /** load() for a flow given as nodes. */
  async loadFlow(example: FlowNode[]): Promise<FlowNode[]> {
    const control = this.sandbox.control;
    for (const subscription of control.subscriptions()) control.unsubscribe(subscription.id);
    control.setRules([]);
    control.reset();
    const flow = scaleDelays(pointAtSandbox(example, { endpoint: this.sandbox.endpoint, caFile: this.caFile }), DELAY_SCALE);
    this.flow = flow;
    this.logs.length = 0;
    this.received.length = 0;
    this.listeners.clear();
    await this.deploy(flow.map((node) => this.withWebhookSecret(node)));
    for (const webhook of eventWebhooks(flow)) {
      await control.subscribe({
        endpoint: `${this.nodeRed.url.replace(/\/$/, "")}${webhook.path}?code=${this.webhookSecret}`,
        name: `example-${webhook.nodeId}`,
        includedEventTypes: webhook.eventTypes,
      });
    }
    return flow;
  }

  /** A node of the loaded example by its name (throws when there is not exactly one). */
  node(name: string, type?: string): FlowNode {
    const found = this.flow.filter((node) => node.name === name && (type === undefined || node.type === type));
    if (found.length !== 1) throw new Error(`the example has ${found.length} nodes named "${name}"${type ? ` of type ${type}` : ""}`);
    return found[0];
  }

  /** Clicks an inject node's button. */
  async inject(name: string): Promise<void> {
    const node = this.node(name, "inject");
    const response = await fetch(`${this.nodeRed.url}inject/${node.id}`, { method: "POST" });
    if (response.status !== 200) throw new Error(`inject ${name}: HTTP ${response.status}`);
  }

  /** The msgs the named node received so far. */
  receivedBy(name: string): Record<string, unknown>[] {
    const id = this.node(name).id;
    return this.received.filter((entry) => entry.nodeId === id).map((entry) => entry.msg);
  }

  /** Waits until the named node has received `count` msgs; returns them. */
  async waitForMessages(name: string, count = 1): Promise<Record<string, unknown>[]> {
    return waitFor(`${count} msg(s) at "${name}"`, () => {
      const messages = this.receivedBy(name);
      return messages.length >= count ? messages : undefined;
    });
  }

  /**
   * Calls `listener` with each msg the named node receives, as it receives it (before the node
   * handles it): the moment for the sandbox to play the other side. Ends when the next example loads.
   */
  whenReceived(name: string, listener: (msg: Record<string, unknown>) => void): void {
    const id = this.node(name).id;
    this.listeners.add((entry) => {
      if (entry.nodeId === id) listener(entry.msg);
    });
  }

  /** Warnings and errors logged by the runtime or this example's nodes since the load, as text. */
  problems(): string[] {
    const ids = new Set(this.flow.map((node) => node.id));
    return this.logs.filter((entry) => entry.id === undefined || ids.has(entry.id)).map((entry) => `${entry.level} [${entry.type ?? ""}:${entry.id ?? ""}] ${entry.text}`);
  }

  private withWebhookSecret(node: FlowNode): FlowNode {
    if (node.type === "acs-events" && node.source === "namespace") return this.withNamespaceKey(node);
    if (node.type !== "acs-events" || node.requireSecret === false) return node;
    const given = (node.credentials as { secret?: unknown } | undefined)?.secret;
    const envName = typeof given === "string" ? /^\$\{(\w+)\}$/.exec(given.trim())?.[1] : undefined;
    if (envName) {
      // The example reads the secret from the environment, as its comment asks the user to set it.
      process.env[envName] = this.webhookSecret;
      return node;
    }
    return { ...node, credentials: { secret: this.webhookSecret } };
  }

  /** A pull node gets the sandbox namespace's key, from the environment variable it names as its comment asks. */
  private withNamespaceKey(node: FlowNode): FlowNode {
    const given = (node.credentials as { nsKey?: unknown } | undefined)?.nsKey;
    const envName = typeof given === "string" ? /^\$\{(\w+)\}$/.exec(given.trim())?.[1] : undefined;
    if (envName) {
      process.env[envName] = this.sandbox.namespace.key;
      return node;
    }
    return { ...node, credentials: { nsKey: this.sandbox.namespace.key } };
  }

  /**
   * Deploys as the editor does, and resolves once the runtime has started these flows; rejects when
   * it refuses to start them (missing node types or modules).
   */
  private async deploy(flows: FlowNode[]): Promise<void> {
    const ids = new Set(flows.map((node) => node.id));
    let onStarted: (event: FlowsStarted) => void = () => undefined;
    let onRuntimeEvent: (event: RuntimeEvent) => void = () => undefined;
    const started = new Promise<void>((resolve, reject) => {
      onStarted = (event) => {
        const active = new Set((event.config?.flows ?? []).map((node) => node.id));
        if ([...ids].every((id) => active.has(id))) resolve();
      };
      onRuntimeEvent = (event) => {
        const error = event.id === "runtime-state" ? event.payload?.error : undefined;
        if (error) reject(new Error(`the runtime did not start the flows: ${error} ${JSON.stringify(event.payload?.types ?? event.payload?.modules ?? [])}`));
      };
      this.events.on("flows:started", onStarted);
      this.events.on("runtime-event", onRuntimeEvent);
    });
    // It may reject before the POST returns: mark it handled now, it is awaited below.
    started.catch(() => undefined);
    const stopListening = () => {
      this.events.removeListener("flows:started", onStarted);
      this.events.removeListener("runtime-event", onRuntimeEvent);
    };
    const response = await fetch(`${this.nodeRed.url}flows`, {
      method: "POST",
      headers: { "content-type": "application/json", "Node-RED-API-Version": "v2", "Node-RED-Deployment-Type": "full" },
      body: JSON.stringify({ flows }),
    });
    if (response.status !== 200) {
      stopListening();
      throw new Error(`deploy: HTTP ${response.status} ${await response.text()}`);
    }
    await waitOrTimeout(started, "the deployed flows to start").finally(stopListening);
  }

  record(entry: Received): void {
    this.received.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  log(entry: LogEntry): void {
    this.logs.push(entry);
  }
}

/** Polls `check` until it gives a value; rejects after the timeout, saying what it waited for. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function waitOrTimeout<T>(promise: Promise<T>, what: string, timeoutMs = WAIT_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let starting: Promise<ExampleRuntime> | undefined;
let cleanup: (() => Promise<void>) | undefined;

/** The process's sandbox and Node-RED, started on first use. */
export function exampleRuntime(): Promise<ExampleRuntime> {
  starting ??= startRuntime();
  return starting;
}

async function startRuntime(): Promise<ExampleRuntime> {
  const stateDir = mkdtempSync(join(tmpdir(), "acs-examples-sandbox-"));
  const userDir = mkdtempSync(join(tmpdir(), "acs-examples-node-red-"));
  // The resource has the raised email quota that the campaign example's connection is set for.
  const sandbox = await startTestSandbox({ timeScale: SANDBOX_TIME_SCALE, stateDir, quotas: { email: { managed: RAISED_EMAIL_QUOTA } } });
  // The logger exists before the runtime object it reports to.
  const sink: { runtime?: ExampleRuntime } = {};
  const nodeRed = await startEmbeddedNodeRed({
    userDir,
    settings: {
      credentialSecret: false,
      // A persistent store, as the README asks for durable waits and records (and as npm start sets).
      contextStorage: DURABLE_CONTEXT_STORAGE,
      logging: {
        console: { level: "off", metrics: false, audit: false },
        capture: {
          level: "warn",
          metrics: false,
          audit: false,
          handler: () => (entry: { level: number; msg: unknown; id?: string; type?: string }) => {
            const text = entry.msg instanceof Error ? entry.msg.message : typeof entry.msg === "string" ? entry.msg : JSON.stringify(entry.msg);
            sink.runtime?.log({ level: LOG_LEVELS[entry.level] ?? String(entry.level), text, id: entry.id, type: entry.type });
          },
        },
      },
    },
  });
  const runtime = new ExampleRuntime(sandbox, nodeRed, join(stateDir, "ca.pem"), runtimeEvents());
  sink.runtime = runtime;
  const extras = nodeRed.RED as unknown as RuntimeExtras;
  extras.hooks.add("onReceive.examples", (event) => {
    runtime.record({ nodeId: event.destination.id, msg: extras.util.cloneMessage(event.msg) });
  });
  cleanup = async () => {
    extras.hooks.remove("onReceive.examples");
    await nodeRed.close();
    await sandbox.close();
    rmSync(userDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  };
  return runtime;
}

/** The event bus of the Node-RED runtime under test (the one NODE_RED_PATH chose). */
function runtimeEvents(): RuntimeEvents {
  return runtimeRequire<{ events: RuntimeEvents }>("@node-red/util").events;
}

// Registered on the root suite: stops the shared runtime once every example suite has run.
after(async function () {
  this.timeout(30_000);
  await cleanup?.();
});
