// Settles events with the namespace: acknowledge, release (after a delay), reject, renew a lock. The
// calls of one kind made in the same turn go out as one request (up to 100 lock tokens), which is
// what lets the node keep up with a busy subscription. The service answers per token: a token it
// could not settle (its lock was lost) resolves false; it is not an error. A request that failed as
// a whole is tried again while the fault may pass (network, throttling, 5xx), then given up.
import type { PullClient } from "./client";
import { Backoff, pause } from "./backoff";
import { classifyFault, isTransient, type Fault } from "./faults";

export type SettleAction = "acknowledge" | "release" | "reject" | "renew";

export interface SettlerOptions {
  /** Tries of a request that failed as a whole (default 5). */
  attempts?: number;
  backoff?: () => Backoff;
  /** A request failed as a whole; `final` when it is given up. */
  onFault?(action: SettleAction, fault: Fault, final: boolean): void;
}

/** Lock tokens per request. */
const MAX_BATCH = 100;

interface Waiting {
  token: string;
  resolve(settled: boolean): void;
}

interface Batch {
  action: SettleAction;
  releaseDelaySeconds: number;
  waiting: Waiting[];
}

export class Settler {
  private readonly batches = new Map<string, Batch>();
  private readonly sending = new Set<Promise<void>>();
  private scheduled = false;
  private readonly attempts: number;

  constructor(
    private readonly client: PullClient,
    private readonly options: SettlerOptions = {},
  ) {
    this.attempts = options.attempts ?? 5;
  }

  acknowledge(token: string): Promise<boolean> {
    return this.queue("acknowledge", token, 0);
  }

  release(token: string, delaySeconds: number): Promise<boolean> {
    return this.queue("release", token, delaySeconds);
  }

  reject(token: string): Promise<boolean> {
    return this.queue("reject", token, 0);
  }

  renew(token: string): Promise<boolean> {
    return this.queue("renew", token, 0);
  }

  /** Resolves when every settlement queued so far has been answered (or given up). */
  async drain(): Promise<void> {
    while (this.batches.size > 0 || this.sending.size > 0) {
      this.flush();
      await Promise.all([...this.sending]);
    }
  }

  private queue(action: SettleAction, token: string, releaseDelaySeconds: number): Promise<boolean> {
    return new Promise((resolve) => {
      const key = `${action}:${releaseDelaySeconds}`;
      let batch = this.batches.get(key);
      if (!batch) this.batches.set(key, (batch = { action, releaseDelaySeconds, waiting: [] }));
      batch.waiting.push({ token, resolve });
      if (batch.waiting.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const batch of batches) {
      for (let start = 0; start < batch.waiting.length; start += MAX_BATCH) {
        const sent = this.send(batch, batch.waiting.slice(start, start + MAX_BATCH));
        this.sending.add(sent);
        void sent.finally(() => this.sending.delete(sent));
      }
    }
  }

  private async send(batch: Batch, waiting: Waiting[]): Promise<void> {
    const tokens = waiting.map((entry) => entry.token);
    const backoff = this.options.backoff?.() ?? new Backoff({ initialMs: 200, maxMs: 5_000 });
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.call(batch, tokens);
        const succeeded = new Set(result.succeededLockTokens);
        for (const entry of waiting) entry.resolve(succeeded.has(entry.token));
        return;
      } catch (err) {
        const fault = classifyFault(err, batch.action);
        const final = !isTransient(fault) || attempt >= this.attempts;
        this.options.onFault?.(batch.action, fault, final);
        if (final) {
          for (const entry of waiting) entry.resolve(false);
          return;
        }
        await pause(backoff.next(fault.retryAfterMs));
      }
    }
  }

  private call(batch: Batch, tokens: string[]): Promise<{ succeededLockTokens: string[] }> {
    switch (batch.action) {
      case "acknowledge":
        return this.client.acknowledgeEvents(tokens);
      case "release":
        return this.client.releaseEvents(tokens, { releaseDelay: String(batch.releaseDelaySeconds) });
      case "reject":
        return this.client.rejectEvents(tokens);
      case "renew":
        return this.client.renewEventLocks(tokens);
    }
  }
}
