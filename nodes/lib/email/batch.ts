// Batch mode: one email per recipient, its subject and body rendered with mustache (the syntax of
// Node-RED's template node) from that recipient's fields. Recipients are handed to the send queue a
// window at a time, so a batch of 10,000 neither fills the queue nor keeps others waiting behind
// all of it; the queue paces them at the quota. Progress is reported as recipients finish, and the
// batch ends with a summary: sent, failed, and each failure with its reason.
import { randomUUID } from "node:crypto";
import Mustache from "mustache";
import type { EmailAddress } from "@azure/communication-email";
import { parseSingleAddress, quotedValue } from "./addresses";
import { AcsError, describeValue, fieldError } from "../core/errors";
import { flattened, isRecord, trimmedText } from "../core/values";

/** Recipients in progress at once (queued or waiting for their operation) per batch. */
export const BATCH_WINDOW = 64;

export interface BatchRecipient {
  address: EmailAddress;
  /** What templates see: the recipient's fields, and the incoming msg as `msg`. */
  view: Record<string, unknown>;
  correlationId: string;
  /** The recipient's other contact details, kept with the send for fallbacks. */
  contact?: Record<string, unknown>;
}

export interface BatchItemResult {
  index: number;
  entry: unknown;
  /** The recipient's address, or the entry as given when it had none. */
  to: string;
  status: "queued" | "sent" | "failed";
  messageId?: string;
  correlationId?: string;
  error?: string;
}

export interface BatchSummary {
  sent: number;
  failed: number;
  total: number;
  failures: { to: string; error: string }[];
}

export interface BatchRun {
  entries: unknown[];
  /** Sends one entry; may throw (that recipient fails with the error's message). */
  send(entry: unknown, index: number): Promise<Omit<BatchItemResult, "index" | "entry">>;
  /** Called once per recipient, in completion order. */
  onItem?(result: BatchItemResult): void;
  onProgress?(finished: number, total: number): void;
  /** Aborted: recipients not started yet fail with `stoppedError`. */
  stop?: AbortSignal;
  stoppedError?: string;
  window?: number;
}

/** The recipient list of a batch msg; throws when it is not a list. */
export function batchEntries(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw fieldError("acs-email.errors.batchNotList", "recipients", quotedValue(value));
  return value;
}

/** An entry: an address text, or an object with `address` (or `email`, `to`) and any fields. */
export function batchRecipient(entry: unknown, index: number, msg: object): BatchRecipient {
  const field = `recipients[${index}]`;
  if (typeof entry === "string") {
    const address = parseSingleAddress(field, entry);
    if (!address) throw fieldError("acs-email.errors.badAddress", field, entry);
    return { address, view: { msg, address: address.address, displayName: address.displayName }, correlationId: flattened(randomUUID()) };
  }
  if (!isRecord(entry)) throw fieldError("acs-email.errors.notAnAddress", field, quotedValue(entry));
  const fields = entry;
  const given = fields.address ?? fields.email ?? fields.to;
  const parsed = parseSingleAddress(field, given);
  if (!parsed) throw fieldError("acs-email.errors.notAnAddress", field, entry);
  const name = trimmedText(fields.displayName) ?? trimmedText(fields.name) ?? parsed.displayName;
  const contact = isRecord(fields.contact) ? fields.contact : fields;
  return {
    address: name ? { address: parsed.address, displayName: name } : { address: parsed.address },
    // msg last: an entry cannot replace the incoming msg templates see as {{msg...}}.
    view: { ...fields, msg },
    correlationId: trimmedText(fields.correlationId) ?? flattened(randomUUID()),
    contact,
  };
}

/** Throws a clear error now, before any email goes, when a template does not parse. */
export function checkTemplate(field: string, template: string | undefined): void {
  if (template === undefined) return;
  try {
    Mustache.parse(template);
  } catch (err) {
    throw new AcsError("acs-email.errors.badTemplate", { field, reason: err instanceof Error ? err.message : String(err) });
  }
}

/** Renders a mustache template; html escapes values (as the template node does), text keeps them as they are. */
export function renderTemplate(template: string | undefined, view: object, kind: "html" | "text"): string | undefined {
  if (template === undefined) return undefined;
  return kind === "html" ? Mustache.render(template, view) : Mustache.render(template, view, {}, { escape: (value: string) => value });
}

/** Runs the batch; resolves with the summary once every recipient has finished, failed or been stopped. */
export async function runBatch(run: BatchRun): Promise<BatchSummary> {
  const total = run.entries.length;
  const summary: BatchSummary = { sent: 0, failed: 0, total, failures: [] };
  let next = 0;
  let finished = 0;
  const record = (result: BatchItemResult) => {
    if (result.status === "failed") {
      summary.failed++;
      summary.failures.push({ to: result.to, error: result.error ?? "" });
    } else {
      summary.sent++;
    }
    finished++;
    run.onItem?.(result);
    run.onProgress?.(finished, total);
  };
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const entry = run.entries[index];
      if (run.stop?.aborted) {
        record({ index, entry, to: describeEntry(entry), status: "failed", error: run.stoppedError ?? "stopped" });
        continue;
      }
      try {
        record({ index, entry, ...(await run.send(entry, index)) });
      } catch (err) {
        record({ index, entry, to: describeEntry(entry), status: "failed", error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  const workers = Math.max(1, Math.min(run.window ?? BATCH_WINDOW, total));
  await Promise.all(Array.from({ length: workers }, worker));
  return summary;
}

/** The address of an entry for the summary, or the entry itself shortened. */
export function describeEntry(entry: unknown): string {
  if (typeof entry === "string") return entry;
  if (isRecord(entry)) {
    const given = entry.address ?? entry.email ?? entry.to;
    if (typeof given === "string") return given;
  }
  return describeValue(entry);
}
