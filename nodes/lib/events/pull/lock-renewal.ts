// Keeps the locks of events that are still in the flow: every `intervalMs` each held lock is renewed,
// so that a flow slower than the subscription's lock duration does not have its event delivered to
// another consumer meanwhile. A lock the service no longer knows (it expired) is dropped.
import type { Settler } from "./settler";

export class LockRenewal {
  private readonly held = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly settler: Settler,
    private readonly intervalMs: number,
    private readonly onLost: (token: string) => void = () => undefined,
  ) {}

  hold(token: string): void {
    this.held.add(token);
    this.timer ??= setInterval(() => this.renewAll(), this.intervalMs);
  }

  drop(token: string): void {
    this.held.delete(token);
    if (this.held.size === 0) this.stop();
  }

  get size(): number {
    return this.held.size;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private renewAll(): void {
    for (const token of this.held) {
      void this.settler.renew(token).then((renewed) => {
        if (!renewed && this.held.delete(token)) this.onLost(token);
      });
    }
  }
}
