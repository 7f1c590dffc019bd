// The events node's status: how many events it received and the type of the last one. Under a
// steady stream of deliveries the status is shown at most once a second (each change travels to
// every open editor), and the last count always ends up shown.
import type { Node, NodeAPI } from "node-red";
import { statusText } from "../node-red/input-handler";

const MIN_INTERVAL_MS = 1000;

export class EventStatus {
  private received = 0;
  private lastType = "";
  private shownAt = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly RED: NodeAPI,
    private readonly node: Node,
    private readonly now: () => number = Date.now,
  ) {}

  listening(path: string): void {
    this.node.status({ fill: "grey", shape: "ring", text: statusText(this.RED, "acs-events.status.listening", { path }) });
  }

  validated(schema: string): void {
    if (this.received === 0) this.node.status({ fill: "green", shape: "ring", text: statusText(this.RED, "acs-events.status.validated", { schema }) });
  }

  eventsReceived(count: number, lastType: string): void {
    this.received += count;
    this.lastType = lastType;
    const wait = this.shownAt + MIN_INTERVAL_MS - this.now();
    if (wait <= 0) this.show();
    else this.timer ??= setTimeout(() => this.show(), wait);
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private show(): void {
    this.close();
    this.shownAt = this.now();
    this.node.status({ fill: "green", shape: "dot", text: statusText(this.RED, "acs-events.status.received", { count: this.received, type: this.lastType }) });
  }
}
