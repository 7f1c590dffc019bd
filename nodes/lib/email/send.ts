// Sends one email through the shared send queue with the SDK's EmailClient.beginSend. The
// Operation-Id is chosen once, before the first try, so that every retry (the SDK's own after a
// dropped connection, the queue's after a 429) names the same operation and the service cannot send
// the email twice. "accepted" returns once the service took the request; "wait" then polls the
// long-running operation until it Succeeded or Failed.
import { randomUUID } from "node:crypto";
import type { EmailClient, EmailMessage } from "@azure/communication-email";
import { AcsError } from "../core/errors";
import { flattened } from "../core/values";
import type { SendQueue } from "../core/send-queue";

export type Completion = "wait" | "accepted";

type EmailPoller = Awaited<ReturnType<EmailClient["beginSend"]>>;

export interface EmailSendRequest {
  client: Pick<EmailClient, "beginSend">;
  queue: SendQueue;
  /** The node the queued job belongs to (cancelled when it closes). */
  owner: unknown;
  message: EmailMessage;
  completion: Completion;
  /** Poll interval while waiting when the service gives no Retry-After; the SDK's default otherwise. */
  pollIntervalMs?: number;
  /** Aborting stops waiting for the result (the node is closing); the email stays accepted. */
  stop?: AbortSignal;
  /** The signal the request in flight runs with, given the queue's: combined with its node's close (SendNode.abandonedOr). */
  signal?: (queueSignal: AbortSignal) => AbortSignal;
  /** Called as soon as the service accepted the email, before any wait (e.g. to remember it). */
  onAccepted?: (messageId: string) => void;
}

export type EmailSendOutcome =
  /** queued: accepted, final status not known (yet); sent: the operation Succeeded. */
  | { messageId: string; status: "queued" | "sent"; waitStopped?: boolean }
  /** The operation ended Failed or Canceled. */
  | { messageId: string; status: "failed"; error: AcsError };

/**
 * Sends `message`. Resolves with the operation's outcome; rejects when the request itself was
 * refused (invalid, unauthorised, throttled past every retry, queue full or closed).
 */
export async function sendEmail(request: EmailSendRequest): Promise<EmailSendOutcome> {
  const operationId = flattened(randomUUID());
  let poller: EmailPoller;
  try {
    poller = await request.queue.submit(1, request.owner, (queueSignal) =>
      request.client.beginSend(request.message, { operationId, abortSignal: request.signal?.(queueSignal) ?? queueSignal, updateIntervalInMs: request.pollIntervalMs }),
    );
  } catch (err) {
    // beginSend polls once after the 202: an operation that failed that fast is an outcome, not a refusal.
    const failure = operationFailure(err, operationId);
    if (!failure) throw err;
    request.onAccepted?.(operationId);
    return failure;
  }
  const messageId = poller.getOperationState().result?.id ?? operationId;
  request.onAccepted?.(messageId);
  if (request.completion === "accepted") {
    // "queued" even when the first poll already saw it succeed, so that this mode always reads the same.
    const outcome = outcomeOf(poller, messageId);
    return outcome.status === "failed" ? outcome : { messageId, status: "queued" };
  }
  if (poller.isDone()) return outcomeOf(poller, messageId);
  try {
    await poller.pollUntilDone({ abortSignal: request.stop });
  } catch (err) {
    if (request.stop?.aborted) return { messageId, status: "queued", waitStopped: true };
    const failure = operationFailure(err, messageId);
    if (failure) return failure;
    throw err;
  }
  return outcomeOf(poller, messageId);
}

function outcomeOf(poller: EmailPoller, messageId: string): EmailSendOutcome {
  const state = poller.getOperationState();
  if (state.status === "succeeded") return { messageId, status: "sent" };
  if (state.status === "failed" || state.status === "canceled") {
    return operationFailure(state.error ?? new Error(state.status), messageId) as EmailSendOutcome;
  }
  return { messageId, status: "queued" };
}

const LRO_FAILED = "The long-running operation has failed";

/**
 * The outcome for an error the SDK's poller throws when the operation ended Failed ("The
 * long-running operation has failed. EmailDropped. Email was dropped...") or Canceled; undefined
 * for any other error.
 */
function operationFailure(err: unknown, messageId: string): EmailSendOutcome | undefined {
  const text = err instanceof Error ? err.message : String(err);
  if (text === "Operation was canceled" || text === "canceled") {
    return { messageId, status: "failed", error: new AcsError("acs-email.errors.canceled", { messageId }, { code: "Canceled" }) };
  }
  if (!text.startsWith(LRO_FAILED) && text !== "failed") return undefined;
  const detail = text.slice(LRO_FAILED.length).replace(/^\.\s*/, "");
  const match = /^([A-Za-z][\w.]*)\.\s*(.*)$/s.exec(detail);
  const code = match?.[1] ?? "Failed";
  const reason = (match ? `${match[1]}: ${match[2]}` : detail).trim() || "Failed";
  return { messageId, status: "failed", error: new AcsError("acs-email.errors.operationFailed", { messageId, reason }, { code }) };
}
