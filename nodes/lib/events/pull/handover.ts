// What happens to one pulled event, and the verdict the namespace gets for it:
// - it cannot be parsed: rejected (dead-lettered), with a warning;
// - its type is not selected, or it was already emitted and acknowledged: acknowledged, not emitted;
// - the same event is delivered again while its first delivery is still in the flow (its lock
//   expired): not emitted twice; both deliveries get the first one's verdict;
// - otherwise it is emitted. "onHandover" acknowledges once the message is handed to the flow;
//   "afterFlow" acknowledges when the flow has finished with it, and releases it (after a delay, so a
//   failing flow does not spin) when the flow fails or times out. A released event is forgotten by the
//   dedupe window, so its redelivery reaches the flow again.
// Nothing is acknowledged that the flow did not get: an event still waiting when the node closes is
// released at once.
import type { EventDedupe } from "../dedupe";
import type { FlowCompletion } from "../flow-completion";
import type { EventMessage } from "../message";
import type { ParsedEvent } from "../parse";
import type { EventTypeSelection } from "../types";
import { parsePulledEvent } from "./event";
import type { ReceivedEvent, Verdict } from "./receiver";

export type AckMode = "afterFlow" | "onHandover";

export interface HandoverOptions {
  ackMode: AckMode;
  selection: EventTypeSelection;
  dedupe: EventDedupe;
  /** Required for "afterFlow". */
  completion?: FlowCompletion;
  flowTimeoutMs: number;
  releaseDelaySeconds: number;
  output: {
    message(event: ParsedEvent): Promise<EventMessage>;
    send(msg: EventMessage, event: ParsedEvent): void;
  };
  /** An event was handed to the flow. */
  emitted(event: ParsedEvent): void;
  /** An event could not be parsed (it is rejected). */
  unreadable(received: ReceivedEvent, reason: string): void;
  /** The flow failed with an event or took too long (it is released). */
  flowFailed(event: ParsedEvent, reason: string): void;
}

const ACKNOWLEDGE: Verdict = { action: "acknowledge" };
const RELEASE_NOW: Verdict = { action: "release", delaySeconds: 0 };

export class Handover {
  /** Event id -> the verdict of its delivery still in the flow. */
  private readonly inFlow = new Map<string, Promise<Verdict>>();

  constructor(private readonly options: HandoverOptions) {}

  /** Events in the flow now. */
  get pending(): number {
    return this.inFlow.size;
  }

  async handle(received: ReceivedEvent, closing: AbortSignal): Promise<Verdict> {
    let event: ParsedEvent;
    try {
      event = await parsePulledEvent(received.event);
    } catch (err) {
      this.options.unreadable(received, err instanceof Error ? err.message : String(err));
      return { action: "reject" };
    }
    if (!this.options.selection.includes(event.type)) return ACKNOWLEDGE;
    const earlier = this.inFlow.get(event.id);
    if (earlier) return earlier;
    if (!this.options.dedupe.firstSighting(event.id)) return ACKNOWLEDGE;
    const verdict = this.emit(event, closing);
    this.inFlow.set(event.id, verdict);
    let result: Verdict = RELEASE_NOW;
    try {
      result = await verdict;
      return result;
    } finally {
      // Not acknowledged (or failed on the way): its redelivery must reach the flow again.
      if (result.action !== "acknowledge") this.options.dedupe.forget(event.id);
      this.inFlow.delete(event.id);
    }
  }

  private async emit(event: ParsedEvent, closing: AbortSignal): Promise<Verdict> {
    const msg = await this.options.output.message(event);
    if (closing.aborted) return RELEASE_NOW;
    const completion = this.options.ackMode === "afterFlow" ? this.options.completion : undefined;
    const watch = completion?.watch([msg._msgid]);
    this.options.output.send(msg, event);
    this.options.emitted(event);
    if (!watch) return ACKNOWLEDGE;
    try {
      await watch.finish(this.options.flowTimeoutMs, closing);
      return ACKNOWLEDGE;
    } catch (err) {
      if (closing.aborted) return RELEASE_NOW;
      this.options.flowFailed(event, err instanceof Error ? err.message : String(err));
      return { action: "release", delaySeconds: this.options.releaseDelaySeconds };
    }
  }
}
