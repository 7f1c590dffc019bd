// Benchmark: the sandbox's Event Grid namespace as @azure/eventgrid-namespaces sees it, the sandbox
// in its own process. Three figures: how long a receive takes when an event is already waiting, how
// long a waiting receive (long poll) takes to answer once an event is published, and how many events
// per second one receiver takes and acknowledges at 100 per receive.
// Run alone: `node dist/bench/namespace-latency.js [--samples=200] [--events=5000]`.
import { AzureKeyCredential } from "@azure/core-auth";
import { EventGridReceiverClient, EventGridSenderClient, type CloudEvent } from "@azure/eventgrid-namespaces";
import { Agent } from "node:https";
import { numberOption, runMain } from "./lib/cli";
import { round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

interface Clients {
  sender: EventGridSenderClient;
  receiver: EventGridReceiverClient;
}

function clients(sandbox: RemoteSandbox): Clients {
  const { endpoint, key, topic, subscription } = sandbox.namespace;
  const credential = new AzureKeyCredential(key);
  // Keep-alive connections, as a long-running receiver has them.
  const options = { agent: new Agent({ keepAlive: true, ca: sandbox.ca }), retryOptions: { maxRetries: 0 } };
  return {
    sender: new EventGridSenderClient(endpoint, credential, topic, options),
    receiver: new EventGridReceiverClient(endpoint, credential, topic, subscription, options),
  };
}

function event(n: number): CloudEvent<{ n: number }> {
  return { id: `bench-${n}`, type: "Bench.Event", source: "/bench", data: { n } };
}

function percentiles(samples: number[]): { median: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
  return { median: round(at(0.5), 2), p95: round(at(0.95), 2), max: round(sorted[sorted.length - 1], 2) };
}

async function settle(receiver: EventGridReceiverClient, tokens: string[]): Promise<void> {
  if (tokens.length > 0) await receiver.acknowledgeEvents(tokens);
}

/** A receive of one event that was published before the receive started. */
async function availableLatency({ sender, receiver }: Clients, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < samples; index++) {
    await sender.sendEvents(event(index));
    const started = performance.now();
    const { details } = await receiver.receiveEvents({ maxEvents: 1, maxWaitTime: 10 });
    times.push(performance.now() - started);
    await settle(receiver, details.map((d) => d.brokerProperties.lockToken));
  }
  return times;
}

/** A receive already waiting, answered by a publish: from the publish's start to the receive's answer. */
async function wakeUpLatency({ sender, receiver }: Clients, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < samples; index++) {
    const receiving = receiver.receiveEvents({ maxEvents: 1, maxWaitTime: 60 });
    // Give the receive time to reach the sandbox and wait there.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const published = performance.now();
    await sender.sendEvents(event(index));
    const { details } = await receiving;
    times.push(performance.now() - published);
    await settle(receiver, details.map((d) => d.brokerProperties.lockToken));
  }
  return times;
}

/** One receiver draining `total` events at 100 per receive, acknowledging each batch. */
async function drainRate({ sender, receiver }: Clients, total: number): Promise<number> {
  for (let start = 0; start < total; start += 100) {
    await sender.sendEvents(Array.from({ length: Math.min(100, total - start) }, (_, index) => event(start + index)));
  }
  const started = performance.now();
  let received = 0;
  while (received < total) {
    const { details } = await receiver.receiveEvents({ maxEvents: 100, maxWaitTime: 10 });
    received += details.length;
    await settle(receiver, details.map((d) => d.brokerProperties.lockToken));
  }
  return total / ((performance.now() - started) / 1000);
}

async function main() {
  const samples = numberOption("samples", 200);
  const events = numberOption("events", 5000);
  const sandbox = await RemoteSandbox.start({});
  try {
    const pair = clients(sandbox);
    await availableLatency(pair, 20); // warm-up: connections, JIT
    const available = percentiles(await availableLatency(pair, samples));
    const wakeUp = percentiles(await wakeUpLatency(pair, Math.max(1, Math.floor(samples / 2))));
    const perSecond = await drainRate(pair, events);
    return {
      command: "node dist/bench/namespace-latency.js",
      samples,
      receiveOfAvailableEventMs: available,
      longPollWakeUpMs: { ...wakeUp, note: "from the start of the publish to the waiting receive's answer (includes the publish round trip)" },
      drain: { events, maxEventsPerReceive: 100, eventsPerSecond: round(perSecond, 0), note: "one receiver, acknowledge after each receive" },
    };
  } finally {
    await sandbox.close();
  }
}

runMain(main);
