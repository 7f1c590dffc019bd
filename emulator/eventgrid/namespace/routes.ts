// The Event Grid namespace data plane (api-version 2024-06-01) as @azure/eventgrid-namespaces calls
// it: publish one CloudEvent or a batch, receive (a long poll), and acknowledge, release, reject
// and renewLock with per-token results. Authentication (SharedAccessKey or an Entra ID Bearer
// token) is checked by the server before the body is read.
import { serviceRoutes, headerValue, type RequestInfo, type Route } from "../../handlers/services";
import { serviceError, type ServiceError, type ServiceResponse } from "../../http/errors";
import { isObject } from "../../http/json";
import type { EventGridNamespace } from "./namespace";
import type { NamespaceEvent, SubscriptionQueue } from "./subscription-queue";

/** The api-versions of the namespace data plane the sandbox answers. */
const API_VERSIONS = ["2023-06-01-preview", "2023-10-01-preview", "2023-11-01", "2024-06-01"];
/** The service takes at most 1 MB per publish request. */
const MAX_PUBLISH_BYTES = 1024 * 1024;
const RELEASE_DELAYS = [0, 10, 60, 600, 3600];
const MAX_LOCK_TOKENS = 100;

const NAME = "([^/:]+)";

export function namespaceRoutes(namespace: EventGridNamespace): Route[] {
  const settle = (action: "acknowledge" | "reject" | "renewLock") => (request: RequestInfo) => {
    const queue = findQueue(namespace, request);
    const tokens = lockTokens(request);
    const result = action === "acknowledge" ? queue.acknowledge(tokens) : action === "reject" ? queue.reject(tokens) : queue.renewLocks(tokens);
    return { status: 200, body: result };
  };
  return serviceRoutes("eventgrid", "namespace", [
    ["POST", new RegExp(`^/topics/${NAME}:publish$`), (request) => publish(namespace, request)],
    ["POST", subscriptionAction("receive"), (request) => receive(namespace, request)],
    ["POST", subscriptionAction("acknowledge"), settle("acknowledge")],
    ["POST", subscriptionAction("release"), (request) => release(namespace, request)],
    ["POST", subscriptionAction("reject"), settle("reject")],
    ["POST", subscriptionAction("renewLock"), settle("renewLock")],
  ]);
}

function subscriptionAction(action: string): RegExp {
  return new RegExp(`^/topics/${NAME}/eventsubscriptions/${NAME}:${action}$`);
}

function publish(namespace: EventGridNamespace, request: RequestInfo): ServiceResponse {
  checkApiVersion(request);
  const [topic] = request.params;
  if (!namespace.hasTopic(topic)) throw topicNotFound(topic);
  if (request.body.length > MAX_PUBLISH_BYTES) {
    throw serviceError(413, "RequestEntityTooLarge", `The request body is ${request.body.length} bytes; a publish request may carry at most ${MAX_PUBLISH_BYTES} bytes.`);
  }
  const contentType = (headerValue(request.headers, "content-type") ?? "").split(";")[0].trim().toLowerCase();
  const batch = contentType === "application/cloudevents-batch+json";
  if (!batch && contentType !== "application/cloudevents+json") {
    throw serviceError(415, "UnsupportedMediaType", `Content-Type '${contentType}' is not supported: use application/cloudevents+json for one event or application/cloudevents-batch+json for a batch.`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(request.body.toString("utf8"));
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  const events = batch ? payload : [payload];
  if (!Array.isArray(events)) throw badRequest("A batch (application/cloudevents-batch+json) must be a JSON array of CloudEvents.");
  if (events.length === 0) throw badRequest("The batch holds no events.");
  namespace.publish(topic, events.map((event, index) => checkCloudEvent(event, batch ? `[${index}]` : "")));
  return { status: 200, body: {} };
}

function receive(namespace: EventGridNamespace, request: RequestInfo): Promise<ServiceResponse> {
  const queue = findQueue(namespace, request);
  const maxEvents = integerQuery(request, "maxEvents", 1, 1, 100);
  const maxWaitTime = integerQuery(request, "maxWaitTime", 60, 10, 120);
  return queue.receive(maxEvents, maxWaitTime * 1000, request.signal).then((value) => ({ status: 200, body: { value } }));
}

function release(namespace: EventGridNamespace, request: RequestInfo): ServiceResponse {
  const queue = findQueue(namespace, request);
  const raw = request.url.searchParams.get("releaseDelayInSeconds");
  const delay = raw === null ? 0 : Number(raw);
  if (!RELEASE_DELAYS.includes(delay)) {
    throw badRequest(`releaseDelayInSeconds must be one of ${RELEASE_DELAYS.join(", ")}, got '${raw}'.`);
  }
  return { status: 200, body: queue.release(lockTokens(request), delay) };
}

function findQueue(namespace: EventGridNamespace, request: RequestInfo): SubscriptionQueue {
  checkApiVersion(request);
  const [topic, subscription] = request.params;
  if (!namespace.hasTopic(topic)) throw topicNotFound(topic);
  const queue = namespace.subscriptionQueue(topic, subscription);
  if (!queue) throw serviceError(404, "NotFound", `The event subscription '${subscription}' does not exist on topic '${topic}'.`);
  return queue;
}

function lockTokens(request: RequestInfo): string[] {
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString("utf8"));
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  const tokens = isObject(body) ? body.lockTokens : undefined;
  if (!Array.isArray(tokens) || tokens.length === 0 || !tokens.every((token) => typeof token === "string" && token !== "")) {
    throw badRequest("lockTokens must be a non-empty array of lock token strings.");
  }
  if (tokens.length > MAX_LOCK_TOKENS) throw badRequest(`lockTokens holds ${tokens.length} tokens; at most ${MAX_LOCK_TOKENS} are allowed.`);
  return tokens as string[];
}

function checkCloudEvent(value: unknown, at: string): NamespaceEvent {
  if (!isObject(value)) throw badRequest(`Event${at} is not a JSON object.`);
  for (const field of ["id", "source", "type", "specversion"]) {
    if (typeof value[field] !== "string" || value[field] === "") throw badRequest(`Event${at} has no '${field}': CloudEvents 1.0 requires it.`);
  }
  if (value.specversion !== "1.0") throw badRequest(`Event${at} has specversion '${String(value.specversion)}'; only CloudEvents 1.0 is accepted.`);
  return value as unknown as NamespaceEvent;
}

function integerQuery(request: RequestInfo, name: string, fallback: number, min: number, max: number): number {
  const raw = request.url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw badRequest(`${name} must be a whole number from ${min} to ${max}, got '${raw}'.`);
  return value;
}

function checkApiVersion(request: RequestInfo): void {
  const version = request.url.searchParams.get("api-version");
  if (version === null) throw badRequest("The api-version query parameter is required.", "MissingApiVersionParameter");
  if (!API_VERSIONS.includes(version)) {
    throw badRequest(`The api-version '${version}' is not supported; supported versions: ${API_VERSIONS.join(", ")}.`, "InvalidApiVersionParameter");
  }
}

function topicNotFound(topic: string): ServiceError {
  return serviceError(404, "NotFound", `The topic '${topic}' does not exist in the namespace.`);
}

function badRequest(message: string, code = "BadRequest"): ServiceError {
  return serviceError(400, code, message);
}
