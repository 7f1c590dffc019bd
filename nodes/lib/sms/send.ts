// Sends one SMS (or MMS) to any number of recipients through the sender's send queue: requests of at
// most 100 recipients, each paced and retried by the queue, results merged back in input order.
import type { SmsClient } from "@azure/communication-sms";
import type { RecipientItem } from "../connection/mms-client";
import { AcsError, serviceError } from "../core/errors";
import type { SendQueue } from "../core/send-queue";

/** The service takes 1 to 100 recipients per request (SMS and MMS alike). */
export const MAX_RECIPIENTS_PER_REQUEST = 100;

/** What became of one recipient: accepted, refused, or skipped because it is on the sender's opt-out list. */
export interface RecipientOutcome {
  to: string;
  status: "queued" | "failed" | "optedOut";
  messageId?: string;
  httpStatusCode?: number;
  error?: string;
}

/** Sends one request (at most 100 recipients); the signal aborts it when the queue closes. */
export type BatchSender = (recipients: string[], signal: AbortSignal) => Promise<RecipientItem[]>;

export interface BatchedSend {
  queue: SendQueue;
  /** The node the jobs belong to (cancelled when it closes). */
  owner: unknown;
  recipients: string[];
  send: BatchSender;
  /** Names the operation in error texts ("send SMS"). */
  operation: string;
  /** Called as soon as each request is answered, before the others finish (to remember sends early). */
  onBatch?: (outcomes: RecipientOutcome[]) => void;
  /** The signal a request in flight runs with, given the queue's: combined with its node's close (SendNode.abandonedOr). */
  signal?: (queueSignal: AbortSignal) => AbortSignal;
  /** Fires when its node starts closing: requests not yet handed to the queue are not sent. */
  stop?: AbortSignal;
}

export function inBatches<T>(items: readonly T[], size = MAX_RECIPIENTS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/**
 * Sends every batch through the queue and resolves with one outcome per recipient, in input order.
 * Rejects only when every request failed as a whole (nothing was sent); when some requests went
 * and others were refused, the refused recipients are reported as failed with the reason.
 *
 * Only a few requests of one msg wait in the queue at a time (twice the requests the queue runs at
 * once): a msg to 100,000 numbers neither fills the queue for every other msg nor holds 1,000
 * pending jobs, and a stop leaves nothing of it to cancel but those few.
 */
export function sendBatched(request: BatchedSend): Promise<RecipientOutcome[]> {
  return request.recipients.length <= MAX_RECIPIENTS_PER_REQUEST ? sendSingleRequest(request) : sendInLanes(request);
}

/**
 * One request (the common case): handed to the queue directly, without the lanes, so that a waiting
 * msg holds one queued job and no more (thousands of msgs may wait at once).
 */
async function sendSingleRequest(request: BatchedSend): Promise<RecipientOutcome[]> {
  if (request.recipients.length === 0) return [];
  try {
    if (request.stop?.aborted) throw new AcsError("acs-config.errors.queueClosed");
    return await request.queue.submit(request.recipients.length, request.owner, (queueSignal) => runRequest(request, request.recipients, queueSignal));
  } catch (err) {
    throw serviceError(err, request.operation);
  }
}

async function runRequest(request: BatchedSend, batch: string[], queueSignal: AbortSignal): Promise<RecipientOutcome[]> {
  const outcomes = mergeBatch(batch, await request.send(batch, request.signal?.(queueSignal) ?? queueSignal));
  request.onBatch?.(outcomes);
  return outcomes;
}

async function sendInLanes(request: BatchedSend): Promise<RecipientOutcome[]> {
  const batches = inBatches(request.recipients);
  const results = new Array<RecipientOutcome[]>(batches.length);
  let refusals = 0;
  let firstRefusal: unknown;
  let next = 0;
  const refuse = (index: number, reason: unknown) => {
    refusals++;
    firstRefusal ??= reason;
    results[index] = refused(batches[index], reason, request.operation);
  };
  const worker = async () => {
    while (next < batches.length) {
      const index = next++;
      const batch = batches[index];
      // Stopped (node closing, queue closed): the rest of this msg is not sent.
      if (request.stop?.aborted || isQueueClosed(firstRefusal)) {
        refuse(index, new AcsError("acs-config.errors.queueClosed"));
        continue;
      }
      try {
        results[index] = await request.queue.submit(batch.length, request.owner, (queueSignal) => runRequest(request, batch, queueSignal));
      } catch (err) {
        refuse(index, err);
      }
    }
  };
  const lanes = Math.min(batches.length, Math.max(1, request.queue.maxInFlight * 2));
  await Promise.all(Array.from({ length: lanes }, worker));
  if (refusals > 0 && refusals === batches.length) throw serviceError(firstRefusal, request.operation);
  return results.flat();
}

function isQueueClosed(err: unknown): boolean {
  return err instanceof AcsError && err.key === "acs-config.errors.queueClosed";
}

/** The outcome of each recipient of one request, in the request's order (matched by number). */
export function mergeBatch(batch: readonly string[], items: readonly RecipientItem[]): RecipientOutcome[] {
  const byNumber = new Map(items.map((item) => [item.to, item]));
  return batch.map((to, i) => {
    const item = byNumber.get(to) ?? (items[i]?.to === undefined ? items[i] : undefined);
    return item ? outcomeOf(to, item) : { to, status: "failed", error: "the service returned no result for this recipient" };
  });
}

export function outcomeOf(to: string, item: RecipientItem): RecipientOutcome {
  // "rejected" means this repeatabilityRequestId was accepted before (a retried request whose first
  // answer was lost): the message is on its way, just not a second time. (The SDK always sends a
  // valid repeatabilityFirstSent, the other reason the service gives for "rejected".)
  if (item.successful || item.repeatabilityResult?.toLowerCase() === "rejected") {
    return { to, status: "queued", messageId: item.messageId, httpStatusCode: item.httpStatusCode };
  }
  return { to, status: "failed", httpStatusCode: item.httpStatusCode, error: item.errorMessage ?? `HTTP ${item.httpStatusCode}` };
}

function refused(batch: string[], reason: unknown, operation: string): RecipientOutcome[] {
  const error = serviceError(reason, operation);
  return batch.map((to) => ({ to, status: "failed", httpStatusCode: error.statusCode, error: error.message }));
}

export interface SmsRequest {
  from: string;
  to: string[];
  message: string;
  enableDeliveryReport: boolean;
  /** Travels with the delivery report (the correlationId). */
  tag?: string;
}

/** How a send runs: through which queue, for which node, and what to do as each request is answered. */
export type SendContext = Pick<BatchedSend, "queue" | "owner" | "onBatch" | "signal" | "stop">;

/** Sends an SMS with the SDK (one call per 100 recipients; the SDK sets the repeatability ids). */
export function sendSms(client: SmsClient, sms: SmsRequest, context: SendContext): Promise<RecipientOutcome[]> {
  return sendBatched({
    ...context,
    recipients: sms.to,
    operation: "send SMS",
    send: (batch, signal) =>
      client.send(
        { from: sms.from, to: batch, message: sms.message },
        { enableDeliveryReport: sms.enableDeliveryReport, ...(sms.tag ? { tag: sms.tag } : {}), abortSignal: signal },
      ),
  });
}

/** The outcomes of every recipient in `to`'s order: `optedOut` ones skipped, the others from `sent` (which followed the same order). */
export function withSkipped(to: readonly string[], optedOut: ReadonlySet<string>, sent: readonly RecipientOutcome[]): RecipientOutcome[] {
  let next = 0;
  return to.map((number) => (optedOut.has(number) ? { to: number, status: "optedOut" } : sent[next++]));
}
