// Benchmark 4, email batch: one msg whose payload lists N recipients, sent by acs-email in batch
// mode (one personalised email each, mustache templates) from a custom-domain sender whose quota
// (30 per minute, 100 per hour) runs `timeScale` times faster in the sandbox. The hourly quota is the
// one that binds; scaled, the sandbox's "hour" lasts seconds, while the node keeps an hourly quota
// over a real hour, so the config node is given the scaled hourly rate as its per-minute rate (paced
// evenly) and no hourly limit of its own. Prints JSON: peak RSS and heap, the achieved rate against
// the binding (hourly) quota, 429s, and recipients lost (neither sent nor failed in the summary).
// Memory is also measured after a full garbage collection, over the idle runtime (before the list
// was built) and once the batch ended: what stays held (the list, the records kept to match delivery
// events to each email), which unlike the peak does not depend on when the collector last ran.
// The time scale is kept low enough to be honest: the node's headroom (1% of the hour, one email)
// must cover real jitter, which does not scale with time; jitterToleranceMs reports it (60 ms at the
// default 600, 36 s in real time). At 6000 it would be 6 ms, and a garbage collection in either
// process would show up as 429s that no real deployment would see. At 600 the sandbox's hour lasts
// 6 s, so the default batch is 5,000 recipients (50 scaled hours, about 5 minutes); the memory of a
// 10,000-recipient batch is measured by email-batch-memory.
// Run alone: `node dist/bench/email-batch.js [--recipients=5000] [--timeScale=600] [--latency=5]`.
import type { NodeMessageInFlow } from "node-red";
import { numberOption, runMain } from "./lib/cli";
import { batchEmailNode, configNode, sink, tab, TAB_ID } from "./lib/flows";
import { settledMemory } from "./lib/memory";
import { BenchRuntime } from "./lib/node-red";
import { QUOTA_HEADROOM } from "../nodes/lib/connection/channel-limits";
import { memoryFigures, ResourceMeter, round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const DOMAIN = "news.bench.example";
const SENDER = `newsletter@${DOMAIN}`;
const QUOTA = { perMinute: 30, perHour: 100 };
const EMAIL_NODE = "bench-email";
const MIB = 1024 * 1024;

export interface EmailBatchOptions {
  recipients: number;
  timeScale: number;
  latencyMs: number;
  maxInFlight: number;
}

interface BatchSummary {
  sent: number;
  failed: number;
  total: number;
  failures: { to: string; error: string }[];
}

export async function runEmailBatch(options: EmailBatchOptions) {
  const sandbox = await RemoteSandbox.start({
    timeScale: options.timeScale,
    latencyMs: options.latencyMs,
    customDomains: [DOMAIN],
    quotas: { email: { custom: QUOTA } },
  });
  const runtime = await BenchRuntime.start();
  try {
    // The hourly quota in emails per real minute, at this time scale.
    const scaledPerMinute = (QUOTA.perHour * options.timeScale) / 60;
    const nodeRates = { emailPerMinute: String(scaledPerMinute), emailPerHour: "1000000000" };
    await runtime.deploy([
      tab(),
      configNode(sandbox, { ...nodeRates, emailMaxInFlight: String(options.maxInFlight) }),
      batchEmailNode(EMAIL_NODE, SENDER, ["bench-sink", "bench-summary"]),
      sink("bench-sink"),
      // Where the summary msg goes: a node the benchmark listens on.
      { id: "bench-summary", type: "junction", z: TAB_ID, wires: [] },
    ]);
    const idle = await settledMemory();
    const recipients = Array.from({ length: options.recipients }, (_, index) => ({
      address: `subscriber${index}@customers.example`,
      name: `Subscriber ${index}`,
      plan: index % 3 === 0 ? "Pro" : "Basic",
      date: "1 March",
    }));
    const summaries: BatchSummary[] = [];
    runtime.node("bench-summary").on("input", (msg: NodeMessageInFlow) => {
      summaries.push(msg.payload as BatchSummary);
    });
    const counts = runtime.track(EMAIL_NODE);
    const before = process.memoryUsage();
    const meter = new ResourceMeter();
    runtime.node(EMAIL_NODE).receive({ payload: recipients });
    const expectedMs = (options.recipients / scaledPerMinute) * 60_000;
    let timedOut = false;
    await runtime.waitFor(() => counts.done + counts.failed >= 1, expectedMs * 2 + 30_000).catch(() => {
      timedOut = true;
    });
    const figures = meter.stop();
    const recorded = await sandbox.summary();
    const ended = await settledMemory();
    const summary = summaries[0] ?? { sent: 0, failed: 0, total: 0, failures: [] };
    // The hourly quota is the one that binds: compare with it, in simulated emails per hour.
    const achievedPerHour = (options.recipients / figures.elapsedMs) * 3_600_000 / options.timeScale;
    const cpuMsPerEmail = round(figures.cpuMs / options.recipients, 3);
    return {
      benchmark: "email-batch",
      headline: { quotaUsed: round(achievedPerHour / QUOTA.perHour, 3), throttled429: recorded.throttled.email ?? 0, lost: options.recipients - summary.sent - summary.failed, cpuMsPerEmail },
      settings: { ...options, sender: SENDER, domainKind: "custom", quota: QUOTA, nodeRates, completion: "wait" },
      recipients: options.recipients,
      sent: summary.sent,
      failed: summary.failed,
      lost: options.recipients - summary.sent - summary.failed,
      timedOut,
      ...(summary.failures.length > 0 ? { failures: summary.failures.slice(0, 5) } : {}),
      ...(counts.errors.length > 0 ? { errors: counts.errors } : {}),
      throttled429: recorded.throttled.email ?? 0,
      achievedPerHour: round(achievedPerHour),
      achievedVersusQuota: round(achievedPerHour / QUOTA.perHour, 3),
      jitterToleranceMs: round((3_600_000 / options.timeScale) * (1 - QUOTA_HEADROOM)),
      goal: "at least 97% of the quota, no 429, nothing lost",
      memory: {
        ...memoryFigures(before, figures),
        idleRssMiB: round(idle.rss / MIB),
        peakRssOverIdleMiB: round(figures.peakRssMiB - idle.rss / MIB),
        heapAfterGcOverIdleMiB: round((ended.heapUsed - idle.heapUsed) / MIB),
        rssAfterGcOverIdleMiB: round((ended.rss - idle.rss) / MIB),
        heapAfterGcBytesPerRecipient: Math.round((ended.heapUsed - idle.heapUsed) / options.recipients),
      },
      cpuMsPerEmail,
      elapsedMs: figures.elapsedMs,
      sandbox: {
        emailsRecorded: recorded.email.records,
        duplicateRecipients: recorded.email.duplicateRecipients,
        duplicateOperationIds: recorded.email.duplicateIdempotencyKeys,
      },
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() =>
    runEmailBatch({
      recipients: numberOption("recipients", 5_000),
      timeScale: numberOption("timeScale", 600),
      latencyMs: numberOption("latency", 5),
      maxInFlight: numberOption("maxInFlight", 16),
    }),
  );
}
