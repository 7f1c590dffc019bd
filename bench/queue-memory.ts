// Benchmark 7, memory per waiting message: N SMS handed to acs-sms at once while its sender's rate
// lets only the first leave (1 per minute), so the others all wait in the send queue. After a full
// garbage collection, once the RSS has settled (V8 hands freed pages back to the system over the next
// seconds), the heap and RSS over the idle runtime divided by N are what one waiting message costs.
// Unlike the burst's peak RSS (also reported), this does not depend on when the collector last ran.
// Run alone: `node dist/bench/queue-memory.js [--messages=20000]`.
import { numberOption, runMain } from "./lib/cli";
import { configNode, sink, tab, TAB_ID } from "./lib/flows";
import { settledMemory } from "./lib/memory";
import { BenchRuntime } from "./lib/node-red";
import { ResourceMeter, round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const SMS_NODE = "bench-sms";
const MiB = 1024 * 1024;

export async function runQueueMemory(options: { messages: number }) {
  const sandbox = await RemoteSandbox.start({ timeScale: 1, latencyMs: 5, quotas: { sms: { alphanumeric: { perMinute: 600 } } } });
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab(),
      configNode(sandbox, { smsPerMinute: "1", smsMaxInFlight: "1", maxQueued: String(options.messages + 1) }),
      { id: SMS_NODE, type: "acs-sms", z: TAB_ID, config: "bench-acs", from: "ACSBENCH", fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, outputMode: "perRecipient", wires: [["bench-sink"]] },
      sink("bench-sink"),
    ]);
    const idle = await settledMemory();
    const node = runtime.node(SMS_NODE);
    const burst = new ResourceMeter(10);
    for (let index = 0; index < options.messages; index++) {
      // Flat strings, as a msg parsed from JSON or read from a device carries them.
      node.receive({ payload: JSON.parse(`"Flash sale ends tonight (${index})"`) as string, to: JSON.parse(`"+1425${3_000_000 + index}"`) as string });
    }
    // Every msg is checked and queued within moments; only the first may leave.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const peak = burst.stop();
    const queued = await settledMemory();
    const heapBytes = queued.heapUsed - idle.heapUsed;
    const rssBytes = queued.rss - idle.rss;
    return {
      benchmark: "queue-memory",
      settings: options,
      heapOverIdleMiB: round(heapBytes / MiB),
      rssOverIdleMiB: round(rssBytes / MiB),
      rssOverIdleMB: round(rssBytes / 1e6),
      heapBytesPerWaitingMessage: Math.round(heapBytes / options.messages),
      rssBytesPerWaitingMessage: Math.round(rssBytes / options.messages),
      idleRssMiB: round(idle.rss / MiB),
      // While every msg is being checked at once, before the queue holds them all.
      burstPeakRssOverIdleMiB: round(peak.peakRssMiB - idle.rss / MiB),
      burstPeakHeapOverIdleMiB: round(peak.peakHeapUsedMiB - idle.heapUsed / MiB),
      goal: "20,000 waiting SMS <= 60 MB RSS over idle (rssOverIdleMB)",
      headline: {
        rssBytesPerWaitingMessage: Math.round(rssBytes / options.messages),
        heapBytesPerWaitingMessage: Math.round(heapBytes / options.messages),
        rssOverIdleMB: round(rssBytes / 1e6),
      },
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() => runQueueMemory({ messages: numberOption("messages", 20_000) }));
}
