// Pull ingest: acs-events reading an Event Grid namespace subscription of the sandbox (in its own
// process) with the SDK, one msg per event to the next node. The events are published first; the
// figure is events per second from the deploy until the next node has finished with the last one.
import { Agent } from "node:https";
import { AzureKeyCredential } from "@azure/core-auth";
import { EventGridSenderClient, type CloudEvent } from "@azure/eventgrid-namespaces";
import { configNode, sink, tab, TAB_ID } from "./flows";
import type { BenchRuntime } from "./node-red";
import { ResourceMeter, round } from "./resources";
import type { RemoteSandbox } from "./sandbox";

export type PullAckMode = "onHandover" | "afterFlow";

export interface PullIngestFigures {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpuMsPerEvent: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
}

/** An SMS delivery report as ACS routes it into a namespace topic (CloudEvents). */
function report(id: string): CloudEvent<unknown> {
  return {
    id,
    source: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/bench/providers/Microsoft.Communication/communicationServices/bench",
    type: "Microsoft.Communication.SMSDeliveryReportReceived",
    subject: "/phonenumber/15555550100",
    time: new Date(),
    data: { messageId: `msg-${id}`, from: "+18005550100", to: "+15555550100", deliveryStatus: "Delivered", deliveryStatusDetails: "No error.", receivedTimestamp: new Date().toISOString() },
  };
}

async function publish(sandbox: RemoteSandbox, prefix: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, ca: sandbox.ca });
  try {
    const sender = new EventGridSenderClient(sandbox.namespace.endpoint, new AzureKeyCredential(sandbox.namespace.key), sandbox.namespace.topic, { agent });
    for (let start = 0; start < count; start += 100) {
      await sender.sendEvents(Array.from({ length: Math.min(100, count - start) }, (_, index) => report(`${prefix}-${start + index}`)));
    }
  } finally {
    agent.destroy();
  }
}

export async function measurePullIngest(runtime: BenchRuntime, sandbox: RemoteSandbox, options: { maxEvents: number; ackMode: PullAckMode; events: number }): Promise<PullIngestFigures> {
  const label = `pull-${options.maxEvents}-${options.ackMode}`;
  await publish(sandbox, `${label}-${Date.now()}`, options.events);
  const sinkId = `${label}-sink`;
  const done = runtime.track(sinkId);
  const meter = new ResourceMeter();
  const started = performance.now();
  await runtime.deploy([
    tab(),
    configNode(sandbox),
    {
      id: label,
      type: "acs-events",
      z: TAB_ID,
      config: "bench-acs",
      source: "namespace",
      nsEndpoint: sandbox.namespace.endpoint,
      nsTopic: sandbox.namespace.topic,
      nsSubscription: sandbox.namespace.subscription,
      nsAuth: "key",
      maxEvents: options.maxEvents,
      maxWaitTime: 10,
      maxInFlight: options.maxEvents * 2,
      ackMode: options.ackMode,
      outputMode: "single",
      credentials: { nsKey: sandbox.namespace.key },
      wires: [[sinkId]],
    },
    sink(sinkId),
  ]);
  await runtime.waitFor(() => done.done + done.failed >= options.events, 300_000);
  const seconds = (performance.now() - started) / 1000;
  const figures = meter.stop();
  // Stop the node (its last acknowledgements go out as it closes), so that it takes none of the next run's events.
  await runtime.deploy([tab(), configNode(sandbox)]);
  return {
    events: done.done,
    seconds: round(seconds, 2),
    eventsPerSecond: round(options.events / seconds),
    cpuMsPerEvent: round(figures.cpuMs / options.events, 4),
    peakRssMiB: figures.peakRssMiB,
    peakHeapUsedMiB: figures.peakHeapUsedMiB,
  };
}
