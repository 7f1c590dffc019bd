// The receive loop of a pull source. It never holds more than `maxInFlight` events: each receive asks
// for no more than the free slots, and a slot is freed only when its event is settled. Each event
// goes to `handle`, whose verdict (acknowledge, release, reject) is then sent to the namespace; while
// the verdict is awaited the event's lock is renewed. A failed receive is tried again after a backoff
// with jitter, for as long as the node runs. Closing stops receiving, gives the events in the flow
// the grace period to finish, and then releases the rest at once, for another consumer to take.
import { setMaxListeners } from "node:events";
import type { CloudEvent } from "@azure/eventgrid-namespaces";
import { Backoff, pause } from "./backoff";
import type { PullClient } from "./client";
import { classifyFault, type Fault } from "./faults";
import { LockRenewal } from "./lock-renewal";
import { Settler, type SettleAction } from "./settler";

export interface ReceivedEvent {
  event: CloudEvent<unknown>;
  lockToken: string;
  deliveryCount: number;
}

export type Verdict = { action: "acknowledge" } | { action: "release"; delaySeconds: number } | { action: "reject" };

/** What the receiver tells the node, for its status and log. */
export interface PullReport {
  connecting(): void;
  /** A receive answered (possibly with no events: the long poll ended). */
  received(count: number): void;
  fault(fault: Fault, retryInMs: number): void;
  settleFault(action: SettleAction, fault: Fault, final: boolean): void;
}

export interface PullReceiverOptions {
  client: PullClient;
  maxEvents: number;
  maxWaitTimeSeconds: number;
  maxInFlight: number;
  lockRenewalMs: number;
  /** Hands one event to the flow; `closing` aborts when the close grace has passed. */
  handle(received: ReceivedEvent, closing: AbortSignal): Promise<Verdict>;
  report: PullReport;
  backoff?: Backoff;
  settler?: Settler;
}

/** A receive that has not answered this long after its wait time is given up (a silent network). */
const RECEIVE_MARGIN_MS = 30_000;

export class PullReceiver {
  private readonly stopping = new AbortController();
  private readonly flowClosing = new AbortController();
  private readonly settler: Settler;
  private readonly locks: LockRenewal;
  private readonly backoff: Backoff;
  private inFlight = 0;
  private slotFreed?: () => void;
  private loop?: Promise<void>;
  private readonly settling = new Set<Promise<void>>();

  constructor(private readonly options: PullReceiverOptions) {
    this.settler = options.settler ?? new Settler(options.client, { onFault: (action, fault, final) => options.report.settleFault(action, fault, final) });
    this.locks = new LockRenewal(this.settler, options.lockRenewalMs);
    this.backoff = options.backoff ?? new Backoff();
    // Every event in the flow listens for the close (up to maxInFlight of them): not a leak.
    setMaxListeners(0, this.flowClosing.signal);
  }

  /** Events received and not yet settled. */
  get held(): number {
    return this.inFlight;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops receiving; events still in the flow after `graceMs` are released. Never rejects. */
  async close(graceMs: number): Promise<void> {
    this.stopping.abort();
    await this.loop;
    const allSettled = this.allSettled();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allSettled, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.flowClosing.abort();
    await allSettled;
    this.locks.stop();
    await this.settler.drain();
  }

  private async allSettled(): Promise<void> {
    while (this.settling.size > 0) await Promise.all([...this.settling]);
  }

  private async run(): Promise<void> {
    const stop = this.stopping.signal;
    this.options.report.connecting();
    while (!stop.aborted) {
      const free = this.options.maxInFlight - this.inFlight;
      if (free <= 0) {
        await this.slotFree(stop);
        continue;
      }
      let details: ReceivedEvent[];
      try {
        details = await this.receive(Math.min(this.options.maxEvents, free), stop);
      } catch (err) {
        if (stop.aborted) break;
        const fault = classifyFault(err, "receive");
        const wait = this.backoff.next(fault.retryAfterMs);
        this.options.report.fault(fault, wait);
        await pause(wait, stop);
        if (!stop.aborted) this.options.report.connecting();
        continue;
      }
      this.backoff.reset();
      if (stop.aborted) {
        // Received as the node closed: the flow never gets them, so they go straight back.
        for (const received of details) void this.settler.release(received.lockToken, 0);
        break;
      }
      this.options.report.received(details.length);
      for (const received of details) this.take(received);
    }
  }

  /** One long poll, given up when the node stops or the answer is long overdue. */
  private async receive(maxEvents: number, stop: AbortSignal): Promise<ReceivedEvent[]> {
    const call = new AbortController();
    const abort = () => call.abort();
    stop.addEventListener("abort", abort, { once: true });
    const overdue = setTimeout(abort, this.options.maxWaitTimeSeconds * 1000 + RECEIVE_MARGIN_MS);
    try {
      const result = await this.options.client.receiveEvents<unknown>({ maxEvents, maxWaitTime: this.options.maxWaitTimeSeconds, abortSignal: call.signal });
      return result.details.map((detail) => ({ event: detail.event, lockToken: detail.brokerProperties.lockToken, deliveryCount: detail.brokerProperties.deliveryCount }));
    } finally {
      clearTimeout(overdue);
      stop.removeEventListener("abort", abort);
    }
  }

  private take(received: ReceivedEvent): void {
    this.inFlight++;
    this.locks.hold(received.lockToken);
    const settled = this.verdict(received)
      .then((verdict) => this.settle(received.lockToken, verdict))
      .finally(() => {
        this.locks.drop(received.lockToken);
        this.inFlight--;
        this.settling.delete(settled);
        this.slotFreed?.();
      });
    this.settling.add(settled);
  }

  private async verdict(received: ReceivedEvent): Promise<Verdict> {
    try {
      return await this.options.handle(received, this.flowClosing.signal);
    } catch {
      // The handler should not throw; if it does, the event is not lost.
      return { action: "release", delaySeconds: 0 };
    }
  }

  private async settle(token: string, verdict: Verdict): Promise<void> {
    if (verdict.action === "acknowledge") await this.settler.acknowledge(token);
    else if (verdict.action === "reject") await this.settler.reject(token);
    else await this.settler.release(token, verdict.delaySeconds);
  }

  private slotFree(stop: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.slotFreed = undefined;
        stop.removeEventListener("abort", done);
        resolve();
      };
      this.slotFreed = done;
      stop.addEventListener("abort", done, { once: true });
    });
  }
}
