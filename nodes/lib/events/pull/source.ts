// The pull source of an acs-events node: the namespace client, the receive loop, what happens to each
// event, and the status and log lines, put together. The node gives it its settings and its one event
// path (the same messages, type filter and dedupe as the webhook).
import type { Node, NodeAPI } from "node-red";
import type { AzureKeyCredential, TokenCredential } from "@azure/core-auth";
import { statusText } from "../../node-red/input-handler";
import { shortEventType } from "../types";
import { createPullClient } from "./client";
import type { Fault } from "./faults";
import { Handover, type HandoverOptions } from "./handover";
import { PullReceiver } from "./receiver";
import type { PullSettings } from "./settings";
import { PullStatus } from "./status";

export type PullEventPath = Pick<HandoverOptions, "ackMode" | "selection" | "dedupe" | "completion" | "output">;

export interface PullSource {
  /** Stops receiving; releases what is still in the flow after `graceMs`. Never rejects. */
  close(graceMs: number): Promise<void>;
}

export function startPullSource(
  RED: NodeAPI,
  node: Node,
  settings: PullSettings,
  credential: AzureKeyCredential | TokenCredential,
  ca: string | undefined,
  path: PullEventPath,
): PullSource {
  const text = (key: string, params?: Record<string, string | number>) => statusText(RED, key, params);
  const status = new PullStatus(RED, node, `${settings.topic}/${settings.subscription}`);
  const { client, dispose } = createPullClient({ endpoint: settings.endpoint, topic: settings.topic, subscription: settings.subscription, credential, ca });
  const handover = new Handover({
    ...path,
    flowTimeoutMs: settings.flowTimeoutMs,
    releaseDelaySeconds: settings.releaseDelaySeconds,
    emitted: () => undefined,
    unreadable: (received, reason) => node.warn(text("acs-events.pull.unreadable", { reason, count: received.deliveryCount })),
    flowFailed: (event, reason) =>
      node.warn(text("acs-events.pull.released", { type: shortEventType(event.type), id: event.id, reason, seconds: settings.releaseDelaySeconds })),
  });
  // A fault is logged when it starts or changes, not on every retry.
  let lastFault = "";
  const receiver = new PullReceiver({
    client,
    maxEvents: settings.maxEvents,
    maxWaitTimeSeconds: settings.maxWaitTimeSeconds,
    maxInFlight: settings.maxInFlight,
    lockRenewalMs: settings.lockRenewalMs,
    handle: (received, closing) => handover.handle(received, closing),
    report: {
      connecting: () => status.connecting(),
      received: (count) => {
        if (lastFault) node.log(text("acs-events.pull.recovered"));
        lastFault = "";
        status.received(count);
      },
      fault: (fault: Fault, retryInMs: number) => {
        status.fault(fault, retryInMs);
        const key = `${fault.kind}:${fault.status ?? ""}:${fault.reason}`;
        if (key !== lastFault) node.warn(status.faultText(fault, retryInMs));
        lastFault = key;
      },
      settleFault: (action, fault, final) => {
        if (final) node.warn(text("acs-events.pull.settleFailed", { action, reason: fault.reason }));
      },
    },
  });
  receiver.start();
  return {
    async close(graceMs: number) {
      try {
        await receiver.close(graceMs);
      } finally {
        status.close();
        dispose();
      }
    },
  };
}
