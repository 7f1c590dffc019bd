// The one way from parsed events to the flow, whatever brought them (the webhook or a pull from an
// Event Grid namespace): each event becomes one message (normalised, matched to what was sent), sent
// on the single output or on its group's output.
import type { Node, NodeMessage } from "node-red";
import type { CorrelationStore } from "../core/correlation-store";
import { correlateAll } from "./correlation";
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

  /** The message of each event, in order; the sends they report on are looked up for the batch at once. */
  async messages(events: readonly ParsedEvent[]): Promise<EventMessage[]> {
    const fields = events.map(normaliseEvent);
    const correlations = await correlateAll(fields, this.correlation);
    return events.map((event, index) => eventMessage(this.generateId(), event, fields[index], correlations[index]));
  }

  async message(event: ParsedEvent): Promise<EventMessage> {
    const [msg] = await this.messages([event]);
    return msg;
  }

  send(msg: EventMessage, event: ParsedEvent): void {
    this.node.send(this.perGroup ? this.byGroup(msg, event) : msg);
  }

  private byGroup(msg: EventMessage, event: ParsedEvent): (NodeMessage | null)[] {
    const group = eventGroup(event.type);
    return EVENT_GROUPS.map((each) => (each === group ? msg : null));
  }
}
