// Benchmark 3, SMS burst: N messages handed to acs-sms at once, from an alphanumeric sender whose
// quota (600 per minute) runs `timeScale` times faster in the sandbox; the config node's rate is
// set to the same scaled quota, and its requests in flight high enough that the loopback round trip
// (which does not scale with time) does not hold the scaled rate back. Prints JSON: peak RSS and heap, the achieved rate against the
// quota, the 429s the sandbox answered, and messages lost (neither sent nor failed).
// Compression is kept honest: jitter does not scale with time, and the node's headroom below the
// quota covers a fixed share of the window, so the jitter it tolerates shrinks as the time scale
// grows (reported as jitterToleranceMs: 60 ms at the default 10, 0.6 s in real time). Scaling much
// further would measure the loopback's jitter, not the node.
// Run alone: `node dist/bench/sms-burst.js [--messages=20000] [--timeScale=10] [--latency=5] [--maxInFlight=32]`.
import { numberOption, runMain } from "./lib/cli";
import { configNode, sink, tab, TAB_ID } from "./lib/flows";
import { BenchRuntime } from "./lib/node-red";
import { QUOTA_HEADROOM } from "../nodes/lib/connection/channel-limits";
import { memoryFigures, ResourceMeter, round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const FROM = "ACSBENCH";
const QUOTA_PER_MINUTE = 600;
const SMS_NODE = "bench-sms";

export interface SmsBurstOptions {
  messages: number;
  timeScale: number;
  latencyMs: number;
  maxInFlight: number;
}

function recipient(index: number): string {
  return `+1425${String(3_000_000 + index).padStart(7, "0")}`;
}

export async function runSmsBurst(options: SmsBurstOptions) {
  const sandbox = await RemoteSandbox.start({
    timeScale: options.timeScale,
    latencyMs: options.latencyMs,
    quotas: { sms: { alphanumeric: { perMinute: QUOTA_PER_MINUTE } } },
  });
  const runtime = await BenchRuntime.start();
  try {
    const scaledPerMinute = QUOTA_PER_MINUTE * options.timeScale;
    await runtime.deploy([
      tab(),
      configNode(sandbox, { smsPerMinute: String(scaledPerMinute), smsMaxInFlight: String(options.maxInFlight) }),
      { id: SMS_NODE, type: "acs-sms", z: TAB_ID, config: "bench-acs", from: FROM, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, correlationId: "correlationId", correlationIdType: "msg", outputMode: "perRecipient", wires: [["bench-sink"]] },
      sink("bench-sink"),
    ]);
    const before = process.memoryUsage();
    const counts = runtime.track(SMS_NODE);
    const node = runtime.node(SMS_NODE);
    const meter = new ResourceMeter();
    for (let index = 0; index < options.messages; index++) {
      node.receive({ payload: `Flash sale ends tonight (${index})`, to: recipient(index) });
    }
    // Paced at the quota the burst takes messages / rate; anything still open after twice that is lost.
    const expectedMs = (options.messages / scaledPerMinute) * 60_000;
    let timedOut = false;
    await runtime.waitFor(() => counts.done + counts.failed >= options.messages, expectedMs * 2 + 30_000).catch(() => {
      timedOut = true;
    });
    const figures = meter.stop();
    const recorded = await sandbox.summary();
    const spanMs = (recorded.sms.lastSentAt ?? 0) - (recorded.sms.firstSentAt ?? 0);
    // Rates in simulated messages per minute, comparable with the quota. Paced evenly, n messages
    // take (n - 1) intervals, hence the -1 in the sandbox's own measure.
    const achievedPerMinute = (options.messages / figures.elapsedMs) * 60_000 / options.timeScale;
    const sandboxPerMinute = spanMs > 0 ? ((recorded.sms.records - 1) / spanMs) * 60_000 / options.timeScale : 0;
    const cpuMsPerMessage = round(figures.cpuMs / options.messages, 3);
    return {
      benchmark: "sms-burst",
      headline: { quotaUsed: round(achievedPerMinute / QUOTA_PER_MINUTE, 3), quotaUsedAsTheSandboxCounts: round(sandboxPerMinute / QUOTA_PER_MINUTE, 3), throttled429: recorded.throttled.sms ?? 0, lost: options.messages - counts.done - counts.failed, cpuMsPerMessage },
      settings: { ...options, from: FROM, quotaPerMinute: QUOTA_PER_MINUTE, nodeRatePerRealMinute: scaledPerMinute },
      messages: options.messages,
      sent: counts.done,
      failed: counts.failed,
      lost: options.messages - counts.done - counts.failed,
      timedOut,
      ...(counts.errors.length > 0 ? { errors: counts.errors } : {}),
      throttled429: recorded.throttled.sms ?? 0,
      achievedPerMinute: round(achievedPerMinute),
      achievedVersusQuota: round(achievedPerMinute / QUOTA_PER_MINUTE, 3),
      jitterToleranceMs: round((60_000 / options.timeScale) * (1 - QUOTA_HEADROOM)),
      sandboxMeasuredPerMinute: round(sandboxPerMinute),
      goal: "at least 97% of the quota, no 429, nothing lost",
      memory: memoryFigures(before, figures),
      cpuMsPerMessage,
      elapsedMs: figures.elapsedMs,
      sandbox: {
        smsRecorded: recorded.sms.records,
        duplicateRecipients: recorded.sms.duplicateRecipients,
        duplicateRepeatabilityIds: recorded.sms.duplicateIdempotencyKeys,
      },
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() =>
    runSmsBurst({
      messages: numberOption("messages", 20_000),
      timeScale: numberOption("timeScale", 10),
      latencyMs: numberOption("latency", 5),
      maxInFlight: numberOption("maxInFlight", 32),
    }),
  );
}
