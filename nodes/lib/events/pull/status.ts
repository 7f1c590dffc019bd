// The pull source's status: connecting, receiving (with the rate over the last few seconds and the
// count), or what is wrong in words and when the next try is. While events flow the status changes
// at most once a second (each change travels to every open editor).
import type { Node, NodeAPI } from "node-red";
import { statusText, withoutHint } from "../../node-red/input-handler";
import type { Fault } from "./faults";

const MIN_INTERVAL_MS = 1000;
/** The rate is the events of the last RATE_WINDOW seconds, per second. */
const RATE_WINDOW = 10;

export class PullStatus {
  private total = 0;
  private readonly perSecond = new Array<number>(RATE_WINDOW).fill(0);
  private second = 0;
  private started = 0;
  private shownAt = 0;
  private timer?: NodeJS.Timeout;
  private faulty = false;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly target: string,
    private readonly now: () => number = Date.now,
  ) {}

  connecting(): void {
    this.faulty = false;
    this.show("grey", "ring", "acs-events.status.connecting", { target: this.target });
  }

  /** A receive answered with `count` events. */
  received(count: number): void {
    this.faulty = false;
    this.total += count;
    this.count(count);
    this.throttled();
  }

  /** The events per second over the last few seconds. */
  rate(): number {
    this.count(0);
    const span = Math.max(1, Math.min(RATE_WINDOW, Math.ceil((this.now() - this.started) / 1000)));
    const sum = this.perSecond.reduce((a, b) => a + b, 0);
    return sum / span;
  }

  fault(fault: Fault, retryInMs: number): void {
    this.faulty = true;
    this.close();
    const text = this.faultText(fault, retryInMs);
    this.node.status({ fill: "red", shape: "ring", text: withoutHint(text) });
  }

  faultText(fault: Fault, retryInMs: number): string {
    return statusText(this.RED, `acs-events.pull.${fault.kind}`, {
      status: fault.status ?? "",
      reason: fault.reason,
      seconds: Math.max(1, Math.round(retryInMs / 1000)),
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private count(events: number): void {
    const second = Math.floor(this.now() / 1000);
    if (this.started === 0) {
      this.started = this.now();
      this.second = second;
    }
    // Clear the seconds that passed without a receive.
    for (let passed = this.second + 1; passed <= second && passed <= this.second + RATE_WINDOW; passed++) this.perSecond[passed % RATE_WINDOW] = 0;
    this.second = Math.max(this.second, second);
    this.perSecond[second % RATE_WINDOW] += events;
  }

  private throttled(): void {
    const wait = this.shownAt + MIN_INTERVAL_MS - this.now();
    if (wait <= 0) this.showReceiving();
    else this.timer ??= setTimeout(() => this.showReceiving(), wait);
  }

  private showReceiving(): void {
    this.close();
    if (this.faulty) return;
    this.shownAt = this.now();
    const rate = this.rate();
    this.show("green", "dot", "acs-events.status.receiving", { rate: rate >= 10 ? Math.round(rate) : Math.round(rate * 10) / 10, count: this.total });
  }

  private show(fill: "grey" | "green", shape: "ring" | "dot", key: string, params: Record<string, string | number>): void {
    this.node.status({ fill, shape, text: statusText(this.RED, key, params) });
  }
}
