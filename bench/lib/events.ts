// Real-shaped ACS events for the ingest benchmark, built with the sandbox's own event builders: a mix
// of SMS and email delivery reports, email engagement, inbound SMS and chat messages, as an ACS
// resource's subscription delivers them. Each event's id is left as a placeholder so that every
// request can carry fresh ids (the node drops repeats).
import { randomUUID } from "node:crypto";
import { chatMessageEvents, emailDeliveryReportEvent, emailEngagementEvent, smsDeliveryReportEvent, smsReceivedEvent, type EventContext } from "../../emulator/eventgrid/acs-events";
import type { EventGridEventShape } from "../../emulator/eventgrid/types";

const ID_PLACEHOLDER = "__EVENT_ID__";
const context: EventContext = {
  topic: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/bench/providers/Microsoft.Communication/communicationServices/bench",
  now: Date.now,
};

function eventNumber(index: number): EventGridEventShape {
  const now = Date.now();
  const to = `+1425${String(4_000_000 + index).padStart(7, "0")}`;
  switch (index % 5) {
    case 0:
    case 1:
      return smsDeliveryReportEvent(context, {
        messageId: `Outgoing_${now}${index}`,
        from: "+18005550100",
        to,
        deliveryStatus: index % 10 === 1 ? "Failed" : "Delivered",
        deliveryStatusDetails: "No error.",
        deliveryAttempts: [{ timestamp: new Date(now).toISOString(), segmentsSucceeded: 1, segmentsFailed: 0 }],
        receivedTimestamp: now,
        tag: randomUUID(),
      });
    case 2:
      return emailDeliveryReportEvent(context, {
        sender: "newsletter@news.bench.example",
        recipient: `subscriber${index}@customers.example`,
        messageId: randomUUID(),
        status: "Delivered",
        statusMessage: "No error.",
        deliveryAttemptTimestamp: now,
      });
    case 3:
      return emailEngagementEvent(context, {
        sender: "newsletter@news.bench.example",
        recipient: `subscriber${index}@customers.example`,
        messageId: randomUUID(),
        engagement: "click",
        engagementContext: "https://www.example.com/offer",
        userActionTimestamp: now,
      });
    default:
      return index % 2 === 0
        ? smsReceivedEvent(context, { messageId: `Incoming_${now}${index}`, from: to, to: "+18005550100", message: "YES", receivedTimestamp: now })
        : chatMessageEvents(context, { threadId: "19:bench@thread.v2", messageId: String(now + index), senderId: `8:acs:bench_${index}`, senderDisplayName: "Customer", type: "text", content: "Is my order on its way?", composeTime: now }, [])[0];
  }
}

/** A batch body (Event Grid delivers an array) of `count` events, split at each id: join with ids to get the body. */
export function eventBatchTemplate(count: number): string[] {
  const events = Array.from({ length: count }, (_, index) => ({ ...eventNumber(index), id: ID_PLACEHOLDER }));
  return JSON.stringify(events).split(ID_PLACEHOLDER);
}
