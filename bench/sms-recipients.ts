// Benchmark 5, SMS recipients: one msg to 1,000, 10,000 and 100,000 numbers through acs-sms (one
// result msg per recipient), no quota, the sandbox in its own process. Prints JSON per size: the
// time until the msg is done, CPU, RSS and heap growth per recipient, and how long the event loop
// was held meanwhile (perf_hooks event-loop delay, and the main thread's longest stretch on the CPU).
// Run alone: `node dist/bench/sms-recipients.js [--sizes=1000,10000,100000] [--maxInFlight=8] [--outputMode=perRecipient|single]`.
import { numberOption, runMain } from "./lib/cli";
import { configNode, sink, tab, TAB_ID } from "./lib/flows";
import { LoopWatch } from "./lib/loop-watch";
import { BenchRuntime } from "./lib/node-red";
import { ResourceMeter, round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";

const SMS_NODE = "bench-sms";
const FROM = "+18005550100";

function numbers(count: number, first: number): string[] {
  return Array.from({ length: count }, (_, i) => `+1425${String(first + i).padStart(7, "0")}`);
}

function textOption(name: string, fallback: string): string {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given === undefined ? fallback : given.slice(name.length + 3);
}

export async function runSmsRecipients(options: { sizes: number[]; maxInFlight: number; outputMode: string }) {
  const sandbox = await RemoteSandbox.start({ timeScale: 1, quotas: { sms: { tollFree: null } } });
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab(),
      configNode(sandbox, { smsPerMinute: "100000000", smsMaxInFlight: String(options.maxInFlight) }),
      { id: SMS_NODE, type: "acs-sms", z: TAB_ID, config: "bench-acs", from: FROM, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, correlationId: "correlationId", correlationIdType: "msg", outputMode: options.outputMode, wires: [["bench-sink"]] },
      sink("bench-sink"),
    ]);
    const node = runtime.node(SMS_NODE);
    // Opens the connections first (their TLS handshakes happen once, whatever the msg size).
    const warm = runtime.track(SMS_NODE);
    node.receive({ payload: "warming up", to: numbers(options.maxInFlight * 100, 9_000_000) });
    await runtime.waitFor(() => warm.done + warm.failed > 0, 120_000);

    const results = [];
    let first = 1_000_000;
    for (const size of options.sizes) {
      const to = numbers(size, first);
      first += size;
      const counts = runtime.track(SMS_NODE);
      const before = process.memoryUsage();
      const meter = new ResourceMeter(10);
      const loop = new LoopWatch().start();
      node.receive({ payload: "Doors open at 7", to });
      await runtime.waitFor(() => counts.done + counts.failed > 0, 30 * 60_000);
      const held = loop.stop();
      const figures = meter.stop();
      results.push({
        recipients: size,
        done: counts.done,
        failed: counts.failed,
        ...(counts.errors.length > 0 ? { errors: counts.errors } : {}),
        elapsedMs: figures.elapsedMs,
        msPerRecipient: round(figures.elapsedMs / size, 3),
        cpuMsPerRecipient: round(figures.cpuMs / size, 3),
        rssBeforeMiB: round(before.rss / 1024 / 1024),
        peakRssMiB: figures.peakRssMiB,
        peakRssGrowthBytesPerRecipient: Math.round((figures.peakRssMiB * 1024 * 1024 - before.rss) / size),
        peakHeapGrowthBytesPerRecipient: Math.round((figures.peakHeapUsedMiB * 1024 * 1024 - before.heapUsed) / size),
        eventLoop: held,
      });
    }
    const recorded = await sandbox.summary();
    return {
      benchmark: "sms-recipients",
      headline: results.map((result) => ({ recipients: result.recipients, cpuMsPerRecipient: result.cpuMsPerRecipient, eventLoopBusyMaxMs: result.eventLoop.busyMaxMs })),
      settings: { ...options, from: FROM },
      goal: "event loop never held over 50 ms, memory at most 2 KB per recipient result, cost linear in recipients",
      results,
      sandbox: { smsRecorded: recorded.sms.records, duplicateRecipients: recorded.sms.duplicateRecipients },
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() =>
    runSmsRecipients({
      sizes: textOption("sizes", "1000,10000,100000").split(",").map(Number),
      maxInFlight: numberOption("maxInFlight", 8),
      outputMode: textOption("outputMode", "perRecipient"),
    }),
  );
}
