// Benchmark 1, SMS send throughput: N messages through acs-sms in a real Node-RED runtime versus the
// bare SmsClient sending the same messages at the same concurrency, in the same process, against
// the sandbox with a fixed latency and no quota. Prints JSON: both rates and their ratio, and both
// CPU times per message and their ratio. Run alone: `node dist/bench/sms-throughput.js [--messages=5000] [--concurrency=8] [--latency=20] [--warmup=1000] [--rounds=2]`.
import { randomUUID } from "node:crypto";
import { SmsClient } from "@azure/communication-sms";
import { numberOption, runMain } from "./lib/cli";
import { configNode, sink, tab, TAB_ID } from "./lib/flows";
import { BenchRuntime } from "./lib/node-red";
import { round } from "./lib/resources";
import { inTurns } from "./lib/segments";
import { RemoteSandbox } from "./lib/sandbox";

const FROM = "+18005550100";
const SMS_NODE = "bench-sms";

export interface SmsThroughputOptions {
  messages: number;
  concurrency: number;
  latencyMs: number;
  warmup: number;
  /** Rounds of bare, node, node, bare. */
  rounds: number;
}

/** Distinct recipients, so that the sandbox's records show any duplicate. */
function recipient(index: number): string {
  return `+1425${String(2_000_000 + index).padStart(7, "0")}`;
}

function messageText(index: number): string {
  return `Your code is ${String(100_000 + (index % 900_000))}. It expires in 10 minutes.`;
}

/** The baseline: `concurrency` workers, each sending one message at a time with the SDK. */
async function sendBare(client: SmsClient, first: number, count: number, concurrency: number): Promise<number> {
  let next = first;
  let failed = 0;
  const worker = async () => {
    while (next < first + count) {
      const index = next++;
      const [result] = await client.send({ from: FROM, to: [recipient(index)], message: messageText(index) }, { enableDeliveryReport: true, tag: randomUUID() });
      if (!result.successful) failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failed;
}

/** Hands `count` messages to the acs-sms node at once and waits until each is done. */
async function sendThroughNode(runtime: BenchRuntime, first: number, count: number): Promise<{ failed: number; errors: string[] }> {
  const counts = runtime.track(SMS_NODE);
  const node = runtime.node(SMS_NODE);
  for (let index = first; index < first + count; index++) node.receive({ payload: messageText(index), to: recipient(index) });
  await runtime.waitFor(() => counts.done + counts.failed >= count, 3 * 60_000);
  return { failed: counts.failed, errors: counts.errors };
}

export async function runSmsThroughput(options: SmsThroughputOptions) {
  const sandbox = await RemoteSandbox.start({
    latencyMs: options.latencyMs,
    quotas: { sms: { tollFree: null, shortCode: null, alphanumeric: null, longCode: null } },
  });
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab(),
      configNode(sandbox, { smsMaxInFlight: String(options.concurrency), smsPerMinute: "1000000000" }),
      { id: SMS_NODE, type: "acs-sms", z: TAB_ID, config: "bench-acs", from: FROM, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, correlationId: "correlationId", correlationIdType: "msg", outputMode: "perRecipient", wires: [["bench-sink"]] },
      sink("bench-sink"),
    ]);
    const client = new SmsClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });

    // Warm both paths up (JIT, TLS sessions, pooled sockets) before anything is measured.
    let next = 0;
    await sendBare(client, next, options.warmup, options.concurrency);
    next += options.warmup;
    await sendThroughNode(runtime, next, options.warmup);
    next += options.warmup;

    // The sides take turns, each sending its share in segments.
    const turns = await inTurns(options.messages, options.rounds, next, async (side, first, count) =>
      side === "bare" ? { failed: await sendBare(client, first, count, options.concurrency), errors: [] } : sendThroughNode(runtime, first, count),
    );
    const { bare, node: viaNode } = turns;

    const recorded = await sandbox.summary();
    const bareRate = bare.messagesPerSecond;
    const nodeRate = viaNode.messagesPerSecond;
    return {
      benchmark: "sms-throughput",
      settings: { ...options, sandboxQuota: "none", from: FROM },
      bareSdk: bare,
      node: viaNode,
      ratio: round(nodeRate / bareRate, 3),
      cpuRatio: round(viaNode.cpuMsPerMessage / bare.cpuMsPerMessage, 3),
      headline: {
        rateRatio: round(nodeRate / bareRate, 3),
        cpuMsPerMessage: viaNode.cpuMsPerMessage,
        bareCpuMsPerMessage: bare.cpuMsPerMessage,
        cpuRatio: round(viaNode.cpuMsPerMessage / bare.cpuMsPerMessage, 3),
      },
      goal: "node rate >= 0.95 x bare SDK rate (ratio); node CPU per message <= 1.5 x bare (cpuRatio)",
      sandbox: {
        smsRecorded: recorded.sms.records,
        smsExpected: turns.next,
        duplicateRecipients: recorded.sms.duplicateRecipients,
        duplicateRepeatabilityIds: recorded.sms.duplicateIdempotencyKeys,
        throttled: recorded.throttled.sms ?? 0,
      },
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() =>
    runSmsThroughput({
      messages: numberOption("messages", 5000),
      concurrency: numberOption("concurrency", 8),
      latencyMs: numberOption("latency", 20),
      warmup: numberOption("warmup", 1000),
      rounds: numberOption("rounds", 2),
    }),
  );
}
