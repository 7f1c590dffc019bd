// A stand-in for the namespace client in unit tests of the settlement logic: it hands out queued
// events with lock tokens, records every call, and can be told to fail. (The node tests use the
// sandbox's namespace over HTTPS; this only drives the receive loop and settlement rules.)
import type { CloudEvent } from "@azure/eventgrid-namespaces";
import type { PullClient } from "../../../../nodes/lib/events/pull/client";

type Result = Awaited<ReturnType<PullClient["acknowledgeEvents"]>>;

export class RecordingClient implements PullClient {
  readonly queued: { event: CloudEvent<unknown>; lockToken: string; deliveryCount: number }[] = [];
  /** maxEvents of each receive, in order. */
  readonly asked: number[] = [];
  readonly calls: { op: string; tokens: string[]; delay?: string }[] = [];
  /** Tokens the service no longer knows (their lock was lost). */
  readonly lost = new Set<string>();
  /** Errors the next calls throw, per operation (receive, acknowledge, release, reject, renew). */
  readonly failNext = new Map<string, unknown[]>();
  private wake?: () => void;
  private nextToken = 1;

  push(event: CloudEvent<unknown>, deliveryCount = 1): string {
    const lockToken = `lock-${this.nextToken++}`;
    this.queued.push({ event, lockToken, deliveryCount });
    this.wake?.();
    return lockToken;
  }

  tokensOf(op: string): string[] {
    return this.calls.filter((call) => call.op === op).flatMap((call) => call.tokens);
  }

  receiveEvents: PullClient["receiveEvents"] = async (options = {}) => {
    this.throwIfTold("receive");
    const max = options.maxEvents ?? 1;
    this.asked.push(max);
    if (this.queued.length === 0) {
      await new Promise<void>((resolve) => {
        const signal = options.abortSignal;
        const done = () => {
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
      if (options.abortSignal?.aborted) throw Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    }
    const taken = this.queued.splice(0, max);
    return { details: taken.map((item) => ({ event: item.event as never, brokerProperties: { lockToken: item.lockToken, deliveryCount: item.deliveryCount } })) };
  };

  acknowledgeEvents: PullClient["acknowledgeEvents"] = async (tokens) => this.settle("acknowledge", tokens);
  releaseEvents: PullClient["releaseEvents"] = async (tokens, options) => this.settle("release", tokens, options?.releaseDelay);
  rejectEvents: PullClient["rejectEvents"] = async (tokens) => this.settle("reject", tokens);
  renewEventLocks: PullClient["renewEventLocks"] = async (tokens) => this.settle("renew", tokens);

  private settle(op: string, tokens: string[], delay?: string): Result {
    this.throwIfTold(op);
    this.calls.push({ op, tokens: [...tokens], ...(delay !== undefined ? { delay } : {}) });
    return {
      succeededLockTokens: tokens.filter((token) => !this.lost.has(token)),
      failedLockTokens: tokens.filter((token) => this.lost.has(token)).map((lockToken) => ({ lockToken, error: { code: "TokenLost", message: "lock lost", details: [] } })),
    };
  }

  private throwIfTold(op: string): void {
    const errors = this.failNext.get(op);
    if (errors && errors.length > 0) throw errors.shift();
  }
}

/** An ACS SMS delivery report as the SDK hands it over. */
export function smsReport(id: string, status = "Delivered"): CloudEvent<unknown> {
  return {
    id,
    source: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/sandbox",
    type: "Microsoft.Communication.SMSDeliveryReportReceived",
    subject: "phonenumber/15555550100",
    time: new Date("2024-01-01T00:00:00Z"),
    specVersion: "1.0",
    data: { messageId: `msg-${id}`, from: "+18005550100", to: "+15555550100", deliveryStatus: status, deliveryStatusDetails: "", receivedTimestamp: "2024-01-01T00:00:00Z", tag: `corr-${id}` },
  };
}

/** An error shaped as the SDK throws for an HTTP answer. */
export function httpError(statusCode: number, code = "Error"): Error {
  return Object.assign(new Error(JSON.stringify({ error: { code, message: `status ${statusCode}` } })), { name: "RestError", statusCode });
}

/** An error shaped as the SDK throws when the connection fails. */
export function networkError(code = "ECONNREFUSED"): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { name: "RestError", code });
}

/** Resolves once `condition` holds, checking every few milliseconds (fails after `ms`). */
export async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
