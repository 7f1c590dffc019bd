// The Event Grid namespace (pull delivery) side of the sandbox.
import { toCloudEvent } from "../schemas";
import type { EventGridEventShape } from "../types";
import type { EventGridNamespace } from "./namespace";

export { EventGridNamespace, SANDBOX_NAMESPACE_KEY } from "./namespace";
export type { NamespaceOptions, NamespaceSnapshot } from "./namespace";
export { namespaceRoutes } from "./routes";
export type { NamespaceDeadLetter, NamespaceEvent, ReceivedEvent, SettleResult } from "./subscription-queue";

/** What the report scheduler publishes to. */
export interface EventPublisher {
  publish(events: EventGridEventShape[]): void;
}

/**
 * Publishes every ACS event to the webhook broker and, as CloudEvents 1.0, into the namespace's
 * topic: the route an event subscription with a namespace topic destination gives on Azure.
 */
export function routeToNamespace(broker: EventPublisher, namespace: EventGridNamespace): EventPublisher {
  return {
    publish(events) {
      broker.publish(events);
      namespace.publish(namespace.topic, events.map((event) => ({ ...toCloudEvent(event) })));
    },
  };
}
