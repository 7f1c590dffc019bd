// The sandbox in a process of its own, so that the CPU time and memory a benchmark measures are the
// Node-RED side's alone and the sandbox has the other core. Started by RemoteSandbox (sandbox.ts):
// options arrive in argv as JSON, the connection details go back over IPC, and the parent asks for
// record summaries over the same channel.
import { startSandbox, type Sandbox, type SandboxNamespace, type SandboxOptions } from "../../emulator";
import type { EmailRecord, SmsRecord } from "../../emulator/state/types";

export interface SandboxReady {
  type: "ready";
  endpoint: string;
  connectionString: string;
  accessKey: string;
  ca: string;
  namespace: SandboxNamespace;
}

/** What was recorded on one channel: counts, duplicates and the span of the sends. */
export interface ChannelSummary {
  records: number;
  distinctRecipients: number;
  /** Records beyond the first for a recipient (each benchmark message goes to its own recipient). */
  duplicateRecipients: number;
  /** Records beyond the first for an idempotency key (SMS repeatability id, email Operation-Id). */
  duplicateIdempotencyKeys: number;
  firstSentAt?: number;
  lastSentAt?: number;
}

export interface SandboxSummary {
  sms: ChannelSummary;
  email: ChannelSummary;
  requests: number;
  throttled: Record<string, number>;
  serverErrors: number;
  droppedConnections: number;
  authFailures: number;
  /** CPU time the sandbox process has used since it started (user + system). */
  cpuMs: number;
}

export type SandboxRequest = { id: number; method: "summary" | "reset" | "close" };
export type SandboxAnswer = { type: "answer"; id: number; value?: unknown; error?: string };

function summarise<T>(records: T[], recipient: (record: T) => string, key: (record: T) => string | undefined, sentAt: (record: T) => number): ChannelSummary {
  const recipients = new Set(records.map(recipient));
  const keys = records.map(key).filter((value): value is string => value !== undefined);
  const times = records.map(sentAt);
  return {
    records: records.length,
    distinctRecipients: recipients.size,
    duplicateRecipients: records.length - recipients.size,
    duplicateIdempotencyKeys: keys.length - new Set(keys).size,
    ...(times.length > 0 ? { firstSentAt: Math.min(...times), lastSentAt: Math.max(...times) } : {}),
  };
}

export function sandboxSummary(sandbox: Sandbox): SandboxSummary {
  const counters = sandbox.store.getCounters();
  const emailTo = (record: EmailRecord) => [...record.recipients.to, ...record.recipients.cc, ...record.recipients.bcc].map((r) => r.address.toLowerCase()).join(",");
  return {
    sms: summarise<SmsRecord>(sandbox.control.sentSms(), (r) => r.to, (r) => r.repeatabilityRequestId, (r) => r.sentAt),
    email: summarise<EmailRecord>(sandbox.control.sentEmails(), emailTo, (r) => r.operationId, (r) => r.sentAt),
    requests: counters.requests,
    throttled: counters.throttled,
    serverErrors: counters.serverErrors,
    droppedConnections: counters.droppedConnections,
    authFailures: counters.authFailures,
    cpuMs: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000),
  };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as SandboxOptions;
  const sandbox = await startSandbox(options);
  const send = (message: SandboxReady | SandboxAnswer) => process.send?.(message);
  process.on("message", (request: SandboxRequest) => {
    void (async () => {
      try {
        if (request.method === "summary") return send({ type: "answer", id: request.id, value: sandboxSummary(sandbox) });
        if (request.method === "reset") {
          sandbox.control.reset();
          return send({ type: "answer", id: request.id });
        }
        await sandbox.close();
        send({ type: "answer", id: request.id });
        process.disconnect();
      } catch (err) {
        send({ type: "answer", id: request.id, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  // The parent went away: nothing is left to serve.
  process.on("disconnect", () => void sandbox.close());
  send({ type: "ready", endpoint: sandbox.endpoint, connectionString: sandbox.connectionString, accessKey: sandbox.accessKey, ca: sandbox.ca, namespace: sandbox.namespace });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
