// Shared set-up of the pull suites: the events node with the runtime's message hooks (the helper's RED
// lacks them), an acs-events node pulling from the sandbox's Event Grid namespace, publishing
// CloudEvents to that namespace with the SDK, and watching a node's status.
import type { EventEmitter } from "node:events";
import { Agent } from "node:https";
import { AzureKeyCredential } from "@azure/core-auth";
import { EventGridSenderClient, type CloudEvent } from "@azure/eventgrid-namespaces";
import acsEvents from "../../nodes/acs-events";
import { capturingRed, helper, type NodeModule } from "../helpers/node-red";
import { runtimeRequire } from "../helpers/runtime";
import type { Sandbox } from "../helpers/sandbox";

/** The events module, given the runtime's hooks as Node-RED gives them to nodes. */
export function pullEventsModule(): NodeModule {
  const hooks = runtimeRequire<{ hooks: unknown }>("@node-red/util").hooks;
  return capturingRed(acsEvents, (RED) => {
    (RED as unknown as { hooks?: unknown }).hooks ??= hooks;
  });
}

/** An acs-events node pulling from the sandbox's namespace (settings overridable), and its credentials. */
export function pullNode(sandbox: Sandbox, props: Record<string, unknown> = {}, key = sandbox.namespace.key) {
  return {
    node: {
      id: "events",
      type: "acs-events",
      config: "acs",
      source: "namespace",
      nsEndpoint: sandbox.namespace.endpoint,
      nsTopic: sandbox.namespace.topic,
      nsSubscription: sandbox.namespace.subscription,
      nsAuth: "key",
      maxEvents: 10,
      maxWaitTime: 10,
      maxInFlight: 20,
      lockRenewal: 1,
      releaseDelay: "10",
      ackMode: "afterFlow",
      ackTimeout: 30,
      wires: [["out"]],
      ...props,
    },
    credentials: { events: { nsKey: key } },
  };
}

/** Publishes CloudEvents to the sandbox namespace's topic with the SDK's sender. */
export async function publish(sandbox: Sandbox, events: CloudEvent<unknown>[]): Promise<void> {
  const agent = new Agent({ ca: sandbox.ca });
  try {
    const sender = new EventGridSenderClient(sandbox.namespace.endpoint, new AzureKeyCredential(sandbox.namespace.key), sandbox.namespace.topic, { agent });
    await sender.sendEvents(events);
  } finally {
    agent.destroy();
  }
}

/** An SMS delivery report in CloudEvents, as ACS routes it into a namespace topic. */
export function smsReportEvent(id: string, tag = `corr-${id}`): CloudEvent<unknown> {
  return {
    id,
    source: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/sandbox",
    type: "Microsoft.Communication.SMSDeliveryReportReceived",
    subject: "/phonenumber/15555550100",
    time: new Date(),
    data: { messageId: `msg-${id}`, from: "+18005550100", to: "+15555550100", deliveryStatus: "Delivered", deliveryStatusDetails: "No error.", receivedTimestamp: new Date().toISOString(), tag },
  };
}

export interface StatusEntry {
  fill?: string;
  shape?: string;
  text?: string;
}

/** Every status the node shows from now on. */
export function statuses(id = "events"): StatusEntry[] {
  const seen: StatusEntry[] = [];
  (helper.getNode(id) as unknown as EventEmitter).on("call:status", (call: { args: [StatusEntry] }) => seen.push(call.args[0]));
  return seen;
}

/** Everything that reaches helper node `id` from now on. */
export function collect<T>(id = "out"): T[] {
  const seen: T[] = [];
  (helper.getNode(id) as unknown as EventEmitter).on("input", (msg: T) => seen.push(msg));
  return seen;
}

/** Waits for a condition, checking every 20 ms; fails with `what` after `ms` (generous: the machine is shared). */
export async function until(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Log lines of a level (20 error, 30 warn, 40 info) the node wrote. */
export function logged(level: number, id = "events"): string[] {
  return helper
    .log()
    .args.filter(([entry]) => entry.level === level && entry.id === id)
    .map(([entry]) => String(entry.msg));
}
