// The example flows as `npm start` and the end-to-end tests load them: read from examples/, pointed
// at a sandbox (endpoint and CA file, the only setting a user changes after Import > Examples), and
// with delays scaled so that a "5 minute" wait takes a moment. Also finds the Event Grid webhooks
// the flows expose, so the sandbox can be subscribed to them.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AdvancedFilter } from "../emulator/eventgrid/types";
import { PROJECT_ROOT } from "./embedded-node-red";

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export const EXAMPLES_DIR = join(PROJECT_ROOT, "examples");

/** Basic examples first, then the fallback patterns, in the order the README presents them. */
export const EXAMPLE_ORDER = [
  "send-sms",
  "send-email",
  "chat-thread",
  "delivery-events",
  "pull-events",
  "chat-then-sms",
  "sms-failed-then-email",
  "email-bounced-then-sms",
  "two-way-sms",
  "email-campaign",
];

/** Every example file name (without .json), in EXAMPLE_ORDER first, then any other alphabetically. */
export function exampleNames(): string[] {
  const present = readdirSync(EXAMPLES_DIR)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length));
  const ordered = EXAMPLE_ORDER.filter((name) => present.includes(name));
  return [...ordered, ...present.filter((name) => !ordered.includes(name)).sort()];
}

export function readExample(name: string): FlowNode[] {
  const flow = JSON.parse(readFileSync(join(EXAMPLES_DIR, `${name}.json`), "utf8")) as unknown;
  if (!Array.isArray(flow)) throw new Error(`examples/${name}.json is not a list of nodes`);
  return flow as FlowNode[];
}

export interface SandboxTarget {
  endpoint: string;
  /** Path of the sandbox's CA (PEM). */
  caFile: string;
}

/** The flow with every acs-config node, and every acs-events node pulling from a namespace, pointing at this sandbox; nothing else changes. */
export function pointAtSandbox(flow: FlowNode[], target: SandboxTarget): FlowNode[] {
  return flow.map((node) => {
    if (node.type === "acs-config") return { ...node, authMode: "sandbox", endpoint: target.endpoint, caFile: target.caFile };
    // The sandbox serves its namespace on the same server.
    if (isPullNode(node)) return { ...node, nsEndpoint: target.endpoint };
    return { ...node };
  });
}

export function isPullNode(node: FlowNode): boolean {
  return node.type === "acs-events" && node.source === "namespace";
}

/** The environment variable the demo's and examples' pull nodes read the namespace key from. */
export const NAMESPACE_KEY_ENV = "ACS_NAMESPACE_KEY";

/** The namespace subscription the demo gives an acs-events node (one each: they must not compete). */
export function demoSubscription(nodeId: string): string {
  return `demo-${nodeId.replace(/[^A-Za-z0-9-]/g, "").slice(-40)}`;
}

/**
 * The flow with every webhook acs-events node turned into one that pulls from the namespace topic,
 * each from a subscription of its own (a copy of every event for each, as separate webhooks get),
 * reading the key from ${ACS_NAMESPACE_KEY}. Its other settings (event types, outputs,
 * acknowledgement) stay.
 */
export function pullFromNamespace(flow: FlowNode[], namespace: { endpoint: string; topic: string }): FlowNode[] {
  return flow.map((node) => {
    if (node.type !== "acs-events" || isPullNode(node)) return node;
    const credentials = { ...((node.credentials as Record<string, unknown> | undefined) ?? {}), nsKey: `\${${NAMESPACE_KEY_ENV}}` };
    return { ...node, source: "namespace", nsEndpoint: namespace.endpoint, nsTopic: namespace.topic, nsSubscription: demoSubscription(node.id), nsAuth: "key", credentials };
  });
}

/** The namespace subscriptions the pull nodes of a flow read. */
export function pullSubscriptions(flow: FlowNode[]): string[] {
  return [...new Set(flow.filter(isPullNode).map((node) => String(node.nsSubscription ?? "")).filter(Boolean))];
}

const DELAY_UNIT_MS: Record<string, number> = { milliseconds: 1, seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
const TRIGGER_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, min: 60_000, hr: 3_600_000 };

/**
 * The flow with every fixed wait multiplied by `factor` (delay nodes' delay and random delay,
 * trigger nodes' duration, acs-wait nodes' time), expressed in milliseconds. Rate limits are left as they are.
 */
export function scaleDelays(flow: FlowNode[], factor: number): FlowNode[] {
  const scaled = (value: unknown, unitMs: number | undefined): string | undefined => {
    const number = Number(value);
    if (unitMs === undefined || !Number.isFinite(number)) return undefined;
    return String(Math.max(1, Math.round(number * unitMs * factor)));
  };
  return flow.map((node) => {
    if (node.type === "delay" && (node.pauseType === "delay" || node.pauseType === "random")) {
      const copy = { ...node };
      if (node.pauseType === "delay") {
        const timeout = scaled(node.timeout, DELAY_UNIT_MS[String(node.timeoutUnits ?? "seconds")]);
        if (timeout !== undefined) Object.assign(copy, { timeout, timeoutUnits: "milliseconds" });
      } else {
        const unitMs = DELAY_UNIT_MS[String(node.randomUnits ?? "seconds")];
        const first = scaled(node.randomFirst, unitMs);
        const last = scaled(node.randomLast, unitMs);
        if (first !== undefined && last !== undefined) Object.assign(copy, { randomFirst: first, randomLast: last, randomUnits: "milliseconds" });
      }
      return copy;
    }
    if (node.type === "acs-wait") {
      const timeout = scaled(node.timeout, DELAY_UNIT_MS[String(node.timeoutUnits ?? "seconds")]);
      return timeout === undefined ? { ...node } : { ...node, timeout, timeoutUnits: "milliseconds" };
    }
    if (node.type === "trigger" && Number(node.duration) > 0) {
      const duration = scaled(node.duration, TRIGGER_UNIT_MS[String(node.units ?? "ms")]);
      return duration === undefined ? { ...node } : { ...node, duration, units: "ms" };
    }
    return { ...node };
  });
}

export interface EventWebhook {
  nodeId: string;
  /** The tab the node is on. */
  tabId: string;
  /** The node's path as routed (leading slash). */
  path: string;
  /** The ACS event types the node emits ("other" dropped); empty means every type. */
  eventTypes: string[];
}

/** The webhook acs-events nodes of a flow (pull nodes, disabled ones and those on disabled tabs left out). */
export function eventWebhooks(flow: FlowNode[]): EventWebhook[] {
  const disabledTabs = new Set(flow.filter((node) => node.type === "tab" && node.disabled === true).map((node) => node.id));
  return flow
    .filter((node) => node.type === "acs-events" && !isPullNode(node) && node.d !== true && !disabledTabs.has(String(node.z)))
    .map((node) => {
      const path = String(node.path ?? "").trim();
      const types = Array.isArray(node.eventTypes) ? node.eventTypes.filter((type): type is string => typeof type === "string") : [];
      return {
        nodeId: node.id,
        tabId: String(node.z),
        path: path.startsWith("/") ? path : `/${path}`,
        eventTypes: types.includes("other") ? [] : types,
      };
    });
}

/**
 * Several examples as one set of flows: each keeps its tab, and acs-config nodes with the same
 * settings (names aside) become one, the first, so that a delivery event finds the record of a send
 * made on another tab.
 */
export function combineExamples(flows: FlowNode[][]): FlowNode[] {
  const combined: FlowNode[] = [];
  const configBySettings = new Map<string, string>();
  const configIds = new Map<string, string>();
  const seen = new Set<string>();
  const add = (node: FlowNode) => {
    if (seen.has(node.id)) throw new Error(`node id ${node.id} is used by two examples`);
    seen.add(node.id);
    combined.push(node);
  };
  for (const node of flows.flat()) {
    if (node.type !== "acs-config") continue;
    const key = configSettings(node);
    const kept = configBySettings.get(key);
    if (kept === undefined) {
      configBySettings.set(key, node.id);
      add(node);
    }
    configIds.set(node.id, kept ?? node.id);
  }
  for (const node of flows.flat()) {
    if (node.type === "acs-config") continue;
    const config = typeof node.config === "string" ? configIds.get(node.config) : undefined;
    add(config === undefined ? node : { ...node, config });
  }
  return combined;
}

function configSettings(node: FlowNode): string {
  const settings = Object.entries(node).filter(([key]) => key !== "id" && key !== "name" && key !== "credentials");
  return JSON.stringify(settings.sort(([a], [b]) => a.localeCompare(b)));
}

/** The flow without inline credentials, and those credentials by node id (as flows_cred.json keeps them). */
export function splitCredentials(flow: FlowNode[]): { flow: FlowNode[]; credentials: Record<string, Record<string, unknown>> } {
  const credentials: Record<string, Record<string, unknown>> = {};
  const stripped = flow.map((node) => {
    if (node.credentials === undefined) return node;
    const { credentials: own, ...rest } = node;
    credentials[node.id] = own as Record<string, unknown>;
    return rest as FlowNode;
  });
  return { flow: stripped, credentials };
}

/** The sender number and email address every example uses; the demo gives each tab its own. */
export const EXAMPLE_SMS_SENDER = "+18005550100";
export const EXAMPLE_EMAIL_SENDER = "DoNotReply@sandbox.azurecomm.net";

export interface TabSender {
  sms: string;
  email: string;
}

/**
 * What one tab sends from in the demo: its own number and address, so that Event Grid can route each
 * tab's events to that tab alone. The two-way example keeps the examples' number: it is the one the
 * customer texts.
 */
export function tabSender(example: string): TabSender {
  if (example === "two-way-sms") return { sms: EXAMPLE_SMS_SENDER, email: EXAMPLE_EMAIL_SENDER };
  const index = Math.max(0, exampleNames().indexOf(example));
  return { sms: `+1800555${String(101 + index).padStart(4, "0")}`, email: `${example}@sandbox.azurecomm.net` };
}

/** The flow with its sends from `sender` instead of the examples' shared number and address. */
export function withSender(flow: FlowNode[], sender: TabSender): FlowNode[] {
  return flow.map((node) => {
    if (node.type === "acs-sms" && (node.fromType ?? "str") === "str" && node.from === EXAMPLE_SMS_SENDER) return { ...node, from: sender.sms };
    if (node.type === "acs-email" && (node.senderType ?? "str") === "str" && node.sender === EXAMPLE_EMAIL_SENDER) return { ...node, sender: sender.email };
    return { ...node };
  });
}

/** Event types that name the tab's sender, and the data key that holds it. */
const OWN_EVENTS: { types: string[]; key: string; of: (sender: TabSender) => string }[] = [
  { types: ["Microsoft.Communication.SMSDeliveryReportReceived"], key: "data.from", of: (sender) => sender.sms },
  { types: ["Microsoft.Communication.SMSReceived"], key: "data.to", of: (sender) => sender.sms },
  {
    types: ["Microsoft.Communication.EmailDeliveryReportReceived", "Microsoft.Communication.EmailEngagementTrackingReportReceived"],
    key: "data.sender",
    of: (sender) => sender.email,
  },
];

export interface TabSubscription {
  includedEventTypes: string[];
  advancedFilters: AdvancedFilter[];
}

/**
 * The Event Grid subscriptions that give one tab's webhook the events of that tab's sender only: one
 * per kind of sender key (an SMS report's from, an inbound SMS's to, an email's sender), each with an
 * advanced filter, plus one for the types that name no sender (chat).
 */
export function tabSubscriptions(webhook: EventWebhook, sender: TabSender): TabSubscription[] {
  const wanted = (types: string[]) => (webhook.eventTypes.length === 0 ? types : types.filter((type) => webhook.eventTypes.includes(type)));
  const subscriptions: TabSubscription[] = [];
  for (const own of OWN_EVENTS) {
    const types = wanted(own.types);
    if (types.length > 0) subscriptions.push({ includedEventTypes: types, advancedFilters: [{ operatorType: "StringIn", key: own.key, values: [own.of(sender)] }] });
  }
  const owned = OWN_EVENTS.flatMap((own) => own.types);
  if (webhook.eventTypes.length === 0) {
    subscriptions.push({ includedEventTypes: [], advancedFilters: [{ operatorType: "StringNotIn", key: "eventType", values: owned }] });
  } else {
    const rest = webhook.eventTypes.filter((type) => !owned.includes(type));
    if (rest.length > 0) subscriptions.push({ includedEventTypes: rest, advancedFilters: [] });
  }
  return subscriptions;
}
