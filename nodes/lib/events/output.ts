// The one way from parsed events to the flow, whatever brought them (the webhook or a pull from an
// Event Grid namespace): each event becomes one message (normalised, matched to what was sent), sent
// on the single output or on its group's output.
import type { Node, NodeMessage } from "node-red";
import type { CorrelationStore } from "../core/correlation-store";
import { correlate } from "./correlation";
import { eventMessage, type EventMessage } from "./message";
import { normaliseEvent } from "./normalise";
import type { ParsedEvent } from "./parse";
import { EVENT_GROUPS, eventGroup } from "./types";

export class EventOutput {
  constructor(
    private readonly node: Node,
    private readonly generateId: () => string,
    private readonly perGroup: boolean,
    private readonly correlation: CorrelationStore | undefined,
  ) {}

  /** The message of each event, in order. */
  messages(events: readonly ParsedEvent[]): Promise<EventMessage[]> {
    return Promise.all(events.map((event) => this.message(event)));
  }

  async message(event: ParsedEvent): Promise<EventMessage> {
    const fields = normaliseEvent(event);
    return eventMessage(this.generateId(), event, fields, await correlate(fields, this.correlation));
  }

  send(msg: EventMessage, event: ParsedEvent): void {
    this.node.send(this.perGroup ? this.byGroup(msg, event) : msg);
  }

  private byGroup(msg: EventMessage, event: ParsedEvent): (NodeMessage | null)[] {
    const group = eventGroup(event.type);
    return EVENT_GROUPS.map((each) => (each === group ? msg : null));
  }
}
