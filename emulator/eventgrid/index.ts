// The Event Grid side of the sandbox, as the rest of the emulator uses it.
export { EventGridBroker, defaultTopic, resourceTopic } from "./broker";
export type { EventGridBrokerOptions } from "./broker";
export { toCloudEvent } from "./schemas";
export { retryDelaysMs, retryDelayMs } from "./retry-schedule";
export type * from "./types";
