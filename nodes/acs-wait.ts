// acs-wait: a delay that survives a deploy, a restart and a crash. Each msg is kept in the
// connection's context store until its time (lib/wait/durable-waits.ts); an ACS event with the same
// correlation id can cancel it, or send it at once.
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import { AcsError } from "./lib/core/errors";
import type { AcsConfigNode } from "./lib/node-red/config-node";
import { handleInput, statusText } from "./lib/node-red/input-handler";
import { evaluateTyped } from "./lib/node-red/typed-input";
import { DurableWaits, type Fired } from "./lib/wait/durable-waits";
import { instanceId } from "./lib/wait/instance-id";
import { contextStore, type NodeContextApi } from "./lib/wait/keyed-store";
import { actionOf, correlationIdText, waitSettings, type WaitDef, type WaitSettings } from "./lib/wait/settings";

interface AcsWaitDef extends NodeDef, WaitDef {
  config: string;
  correlationId: string;
  correlationIdType: string;
}

/** Settings a runtime may give in settings.js as `acsWait: {...}`. */
interface RuntimeWaitSettings {
  instanceId?: string;
  leaseSeconds?: number;
  settleSeconds?: number;
}

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_SETTLE_MS = 2_000;

function register(RED: NodeAPI): void {
  function AcsWait(this: Node, def: AcsWaitDef) {
    RED.nodes.createNode(this, def);
    startWaitNode(RED, this, def);
  }

  RED.nodes.registerType("acs-wait", AcsWait as unknown as (this: Node, def: AcsWaitDef) => void);
}

function startWaitNode(RED: NodeAPI, node: Node, def: AcsWaitDef): void {
  let settings: WaitSettings;
  try {
    settings = waitSettings(def);
  } catch (err) {
    node.status({ fill: "red", shape: "ring", text: statusText(RED, "acs-wait.status.badSettings") });
    node.error(err instanceof AcsError ? statusText(RED, err.key, err.params) : String(err));
    return;
  }
  // Without a configured store Node-RED discards a node's context whenever the node stops.
  if ((RED.settings as unknown as { contextStorage?: unknown }).contextStorage === undefined) node.warn(statusText(RED, "acs-wait.warnings.noStore"));
  const config = def.config ? (RED.nodes.getNode(def.config) as AcsConfigNode | null) : null;
  const runtime = ((RED.settings as unknown as { acsWait?: RuntimeWaitSettings }).acsWait ?? {}) as RuntimeWaitSettings;
  const showCount = (count: number) => node.status(count > 0 ? { fill: "blue", shape: "dot", text: statusText(RED, "acs-wait.status.waiting", { count }) } : {});

  const waits = new DurableWaits({
    store: contextStore(node.context() as unknown as NodeContextApi, config?.contextStore),
    instanceId: instanceId(runtime.instanceId ?? process.env.ACS_INSTANCE_ID, (RED.settings as unknown as { userDir?: string }).userDir),
    maxWaiting: settings.maxWaiting,
    maxBytes: settings.maxBytes,
    leaseMs: (runtime.leaseSeconds ?? DEFAULT_LEASE_MS / 1000) * 1000,
    settleMs: (runtime.settleSeconds ?? DEFAULT_SETTLE_MS / 1000) * 1000,
    fire: (msg, fired) => node.send(firedMessage(msg, fired) as NodeMessage),
    changed: showCount,
    failed: (err) => node.error(statusText(RED, "acs-wait.errors.store", { reason: err instanceof Error ? err.message : String(err) })),
  });
  const started = waits.start().catch((err: unknown) => {
    node.status({ fill: "red", shape: "ring", text: statusText(RED, "acs-wait.status.storeFailed") });
    node.error(statusText(RED, "acs-wait.errors.store", { reason: err instanceof Error ? err.message : String(err) }));
  });

  let warnedDropped = false;
  // One msg at a time, in the order they came: an event right behind its msg finds it stored, and
  // the bounds count every msg before it.
  let previous: Promise<unknown> = started;
  handleInput(RED, node, "wait", (msg) => {
    const turn = previous.then(() => handle(msg));
    previous = turn.catch(() => undefined);
    return turn;
  });

  async function handle(msg: NodeMessage): Promise<void> {
    const action = actionOf(msg as Record<string, unknown>, settings);
    const field = def.correlationIdType === "msg" ? `msg.${def.correlationId}` : "correlationId";
    const correlation = correlationIdText(await correlationValue(RED, node, msg, def), field, action === "wait" && settings.cancellable);
    // An event without a correlation id (a send made elsewhere on the resource) matches no wait.
    if (action !== "wait" && correlation === undefined) return;
    if (action === "cancel") await waits.cancel(correlation as string, eventStatus(msg));
    else if (action === "sendNow") await waits.sendNow(correlation as string, eventStatus(msg));
    else {
      const { dropped } = await waits.add(msg as Record<string, unknown>, settings.delayMs, correlation);
      if (dropped.length > 0 && !warnedDropped) {
        warnedDropped = true;
        node.warn(statusText(RED, "acs-wait.warnings.droppedLive", { properties: dropped.map((name) => `msg.${name}`).join(", ") }));
      }
    }
  }

  node.on("close", (_removed: boolean, done: () => void) => {
    waits.close().then(done, done);
  });
}

/** The correlation id field's value; a msg path through a missing object gives undefined. */
async function correlationValue(RED: NodeAPI, node: Node, msg: NodeMessage, def: AcsWaitDef): Promise<unknown> {
  const type = def.correlationIdType || "msg";
  if (type === "msg") {
    try {
      return RED.util.getMessageProperty(msg, def.correlationId || "acs.correlationId");
    } catch {
      return undefined;
    }
  }
  return evaluateTyped(RED, node, msg, { value: def.correlationId, type });
}

function eventStatus(msg: object): string | undefined {
  const acs = (msg as { acs?: { status?: unknown } }).acs;
  return typeof acs?.status === "string" ? acs.status : undefined;
}

/** The stored msg as it goes on, with msg.waited saying why and when. */
function firedMessage(msg: Record<string, unknown>, fired: Fired): Record<string, unknown> {
  msg.waited = {
    reason: fired.reason,
    ...(fired.status === undefined ? {} : { status: fired.status }),
    ...(fired.correlationId === undefined ? {} : { correlationId: fired.correlationId }),
    since: new Date(fired.createdAt).toISOString(),
    due: new Date(fired.dueAt).toISOString(),
    late: Math.max(0, Date.now() - fired.dueAt),
  };
  return msg;
}

export = register;
