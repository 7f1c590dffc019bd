// Benchmark, memory of a waiting email batch: one msg listing N recipients handed to acs-email in
// batch mode while its sender's rate lets only the first email leave (1 per minute), so the batch
// waits with all N recipients still to send. After a full garbage collection, once the RSS has
// settled, the heap and RSS over the idle runtime divided by N are what one waiting recipient costs;
// the recipient list itself (which the incoming msg carries whatever the node does) is measured on
// its own, so the node's share is shown apart from it.
// Run alone: `node dist/bench/email-batch-memory.js [--recipients=10000]`.
import { numberOption, runMain } from "./lib/cli";
import { batchEmailNode, configNode, sink, tab } from "./lib/flows";
import { settledMemory } from "./lib/memory";
import { BenchRuntime } from "./lib/node-red";
import { round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const DOMAIN = "news.bench.example";
const EMAIL_NODE = "bench-email";
const MiB = 1024 * 1024;

/** The recipient list as a flow gets it (parsed from JSON: flat strings, one object per recipient). */
function recipientList(count: number): unknown[] {
  const entries = Array.from({ length: count }, (_, index) => ({
    address: `subscriber${index}@customers.example`,
    name: `Subscriber ${index}`,
    plan: index % 3 === 0 ? "Pro" : "Basic",
    date: "1 March",
  }));
  return JSON.parse(JSON.stringify(entries)) as unknown[];
}

export async function runEmailBatchMemory(options: { recipients: number }) {
  const sandbox = await RemoteSandbox.start({ timeScale: 1, latencyMs: 5, customDomains: [DOMAIN], quotas: { email: { custom: { perMinute: 600, perHour: 36_000 } } } });
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab(),
      configNode(sandbox, { emailPerMinute: "1", emailPerHour: "60", emailMaxInFlight: "1" }),
      batchEmailNode(EMAIL_NODE, `newsletter@${DOMAIN}`, ["bench-sink"]),
      sink("bench-sink"),
    ]);
    const idle = await settledMemory();
    const recipients = recipientList(options.recipients);
    const listed = await settledMemory();
    runtime.node(EMAIL_NODE).receive({ payload: recipients });
    // The first email leaves at once; every other recipient waits for the rate.
    const deadline = Date.now() + 30_000;
    while ((await sandbox.summary()).email.records < 1) {
      if (Date.now() > deadline) throw new Error("the first email of the batch was not sent within 30 s");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const waiting = await settledMemory();
    const recorded = (await sandbox.summary()).email.records;
    const waitingRecipients = options.recipients - recorded;
    const heapBytes = waiting.heapUsed - idle.heapUsed;
    const rssBytes = waiting.rss - idle.rss;
    const nodeHeapBytes = waiting.heapUsed - listed.heapUsed;
    return {
      benchmark: "email-batch-memory",
      headline: { rssOverIdleMB: round(rssBytes / 1e6), rssBytesPerWaitingRecipient: Math.round(rssBytes / waitingRecipients), nodeHeapBytesPerWaitingRecipient: Math.round(nodeHeapBytes / waitingRecipients) },
      settings: options,
      waitingRecipients,
      heapOverIdleMiB: round(heapBytes / MiB),
      rssOverIdleMiB: round(rssBytes / MiB),
      rssOverIdleMB: round(rssBytes / 1e6),
      heapBytesPerWaitingRecipient: Math.round(heapBytes / waitingRecipients),
      rssBytesPerWaitingRecipient: Math.round(rssBytes / waitingRecipients),
      // The list alone, and what the node holds beside it (its window of rendered emails, the batch state).
      listHeapMiB: round((listed.heapUsed - idle.heapUsed) / MiB),
      nodeHeapOverListMiB: round(nodeHeapBytes / MiB),
      nodeHeapBytesPerWaitingRecipient: Math.round(nodeHeapBytes / waitingRecipients),
      idleRssMiB: round(idle.rss / MiB),
      goal: "a waiting 10,000-recipient batch <= 40 MB RSS over idle (rssOverIdleMB)",
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() => runEmailBatchMemory({ recipients: numberOption("recipients", 10_000) }));
}
