// The control API: plays the other side of the service for tests and demos (a phone replies, a chat
// user reads, an email is opened or clicked), lists what was sent, manages Event Grid subscriptions
// and changes the scripted behaviour at run time. In-process through SandboxControl, over HTTP
// (JSON, no auth, loopback only like the rest of the sandbox) under /_sandbox/.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventGridBroker } from "../eventgrid/broker";
import type { EventGridNamespace, NamespaceSnapshot } from "../eventgrid/namespace";
import type { DeadLetterEntry, DeliveryLogEntry, EventGridEventShape, SubscriptionInfo, SubscriptionOptions } from "../eventgrid/types";
import type { Outcomes } from "../state/outcomes";
import { ScenarioError } from "../eventgrid/report-scheduler";
import { findRoute, type RoutePattern } from "./routing";
import type { EmailEngagementRequest, InboundSms, ReportScheduler } from "../eventgrid/report-scheduler";
import type { SandboxCounters, SandboxStore, StoredChatMessage } from "../state/store";
import type { EmailRecord, MmsRecord, OutcomeRule, SmsRecord } from "../state/types";

/** Settings the service side owns; the control API only forwards them. Setters throw on bad input. */
export interface ServiceSettings {
  setQuotas(value: unknown): void;
  setLatency(value: unknown): void;
  setFaults(value: unknown): void;
  /** Current quotas, latency and faults, for GET /_sandbox/settings. */
  settings?(): unknown;
}

export interface ControlDeps {
  store: SandboxStore;
  broker: EventGridBroker;
  namespace?: EventGridNamespace;
  reports: ReportScheduler;
  outcomes: Outcomes;
  service?: ServiceSettings;
}

export interface ControlCounters extends SandboxCounters {
  sms: number;
  mms: number;
  emails: number;
  chatMessages: number;
  inboundSms: number;
  pendingReports: number;
  deliveryAttempts: number;
  eventsDelivered: number;
  deadLetters: number;
}

export interface ChatReadRequest {
  threadId: string;
  userId: string;
  messageId: string;
}

export interface SandboxControl {
  sentSms(): SmsRecord[];
  sentMms(): MmsRecord[];
  sentEmails(): EmailRecord[];
  /** User messages (text and html); with includeSystem, the thread's system messages too. */
  sentChatMessages(threadId?: string, includeSystem?: boolean): StoredChatMessage[];
  receivedSms(): InboundSms[];
  optedOut(from?: string): { from: string; to: string }[];
  counters(): ControlCounters;
  /** A phone sends an SMS to a sandbox number; STOP/START change the opt-out list. */
  receiveSms(input: { from: string; to: string; message: string }): InboundSms;
  /** A chat user reads a message: adds that user's read receipt. */
  readChatMessage(input: ChatReadRequest): void;
  /** A recipient opens (view) or clicks (click) an email. */
  engageEmail(request: EmailEngagementRequest): EventGridEventShape;
  /** Creates a subscription and resolves once its endpoint passed the validation handshake. */
  subscribe(options: SubscriptionOptions): Promise<SubscriptionInfo>;
  subscriptions(): SubscriptionInfo[];
  unsubscribe(id: string): boolean;
  deliveries(subscriptionId?: string): DeliveryLogEntry[];
  deadLetters(subscriptionId?: string): DeadLetterEntry[];
  /** The Event Grid namespace's default topic subscription: depth, locks, dead letters, settings. */
  namespace(): NamespaceSnapshot;
  /** Changes `lockDurationSeconds` and `maxDeliveryCount` of the namespace subscription. */
  setNamespace(value: unknown): void;
  /**
   * Resolves when no report is scheduled any more and every event was delivered or dead-lettered
   * (a `late` outcome or a long retry makes this wait that long, in simulated time).
   */
  eventsSettled(): Promise<void>;
  rules(): OutcomeRule[];
  setRules(rules: OutcomeRule[]): void;
  setQuotas(value: unknown): void;
  setLatency(value: unknown): void;
  setFaults(value: unknown): void;
  /** Forgets everything sent, received and delivered; keeps rules, settings and subscriptions. */
  reset(): void;
  /** Answers a request under /_sandbox/; resolves false (having written nothing) for any other path. */
  handleControlRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

const controlPrefix = "/_sandbox/";
const maxBodyBytes = 1024 * 1024;

export function createControl(deps: ControlDeps): SandboxControl {
  const { store, broker, reports, outcomes, service } = deps;

  function requireService(): ServiceSettings {
    if (!service) throw new ScenarioError(501, "NotAvailable", "this sandbox has no quota, latency or fault settings");
    return service;
  }

  function asBadRequest(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (error instanceof ScenarioError) throw error;
      throw new ScenarioError(400, "InvalidSettings", error instanceof Error ? error.message : String(error));
    }
  }

  const control: SandboxControl = {
    sentSms: () => store.listSms(),
    sentMms: () => store.listMms(),
    sentEmails: () => store.listEmails(),
    sentChatMessages: (threadId, includeSystem = false) =>
      store.listChatMessages(threadId).filter((message) => includeSystem || message.type === "text" || message.type === "html"),
    receivedSms: () => reports.receivedSms(),
    optedOut: (from) => store.listOptedOut(from),

    counters() {
      const log = broker.deliveries();
      return {
        ...store.getCounters(),
        sms: store.sms.length,
        mms: store.mms.length,
        emails: store.emails.size,
        chatMessages: control.sentChatMessages().length,
        inboundSms: reports.receivedSms().length,
        pendingReports: reports.pendingReports(),
        deliveryAttempts: log.filter((entry) => entry.kind === "notification").length,
        eventsDelivered: log.filter((entry) => entry.outcome === "delivered").reduce((sum, entry) => sum + entry.eventIds.length, 0),
        deadLetters: broker.deadLetters().length,
      };
    },

    receiveSms: (input) => reports.receiveSms(input),

    readChatMessage(input) {
      const { threadId, userId, messageId } = input ?? ({} as Partial<ChatReadRequest>);
      for (const [name, value] of Object.entries({ threadId, userId, messageId })) {
        if (typeof value !== "string" || value === "") throw new ScenarioError(400, "MissingField", `${name} is required`);
      }
      if (!store.addReadReceipt(threadId, userId, messageId)) {
        throw new ScenarioError(404, "NotFound", `thread ${threadId} has no participant ${userId} or no message ${messageId}`);
      }
    },

    engageEmail: (request) => reports.engageEmail(request),

    async subscribe(options) {
      let handle;
      try {
        handle = broker.subscribe(options);
      } catch (error) {
        throw new ScenarioError(400, "InvalidSubscription", error instanceof Error ? error.message : String(error));
      }
      try {
        await handle.validated;
      } catch (error) {
        // Event Grid does not keep a subscription whose endpoint failed validation.
        broker.unsubscribe(handle.id);
        throw new ScenarioError(400, "WebhookValidationFailed", error instanceof Error ? error.message : String(error));
      }
      const info = broker.getSubscription(handle.id);
      if (!info) throw new ScenarioError(409, "SubscriptionDeleted", `subscription ${handle.id} was deleted during validation`);
      return info;
    },

    subscriptions: () => broker.listSubscriptions(),
    unsubscribe: (id) => broker.unsubscribe(id),
    deliveries: (subscriptionId) => broker.deliveries(subscriptionId),
    deadLetters: (subscriptionId) => broker.deadLetters(subscriptionId),
    namespace() {
      if (!deps.namespace) throw new ScenarioError(501, "NotAvailable", "this sandbox has no Event Grid namespace");
      return deps.namespace.snapshot();
    },
    setNamespace(value) {
      const namespace = deps.namespace;
      if (!namespace) throw new ScenarioError(501, "NotAvailable", "this sandbox has no Event Grid namespace");
      asBadRequest(() => namespace.configure(value));
    },
    async eventsSettled() {
      // A delivery can finish while a report is still scheduled, and the other way round.
      do {
        await reports.idle();
        await broker.idle();
      } while (reports.pendingReports() > 0);
    },

    rules: () => outcomes.rules(),
    setRules: (rules) => asBadRequest(() => outcomes.setRules(rules)),
    setQuotas: (value) => asBadRequest(() => requireService().setQuotas(value)),
    setLatency: (value) => asBadRequest(() => requireService().setLatency(value)),
    setFaults: (value) => asBadRequest(() => requireService().setFaults(value)),

    reset() {
      reports.reset();
      broker.reset();
      deps.namespace?.reset();
      store.reset();
    },

    handleControlRequest: (req, res, url) => handleControlRequest(control, deps, req, res, url),
  };
  return control;
}

type RouteHandler = (request: ControlRequest) => Promise<RouteResult> | RouteResult;

interface ControlRequest {
  method: string;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
}

interface RouteResult {
  status: number;
  body?: unknown;
}

interface Route extends RoutePattern {
  handler: RouteHandler;
}

function listOf<T>(value: T[]): RouteResult {
  return { status: 200, body: { value } };
}

function optionalQuery(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) ?? undefined;
}

function routes(control: SandboxControl, deps: ControlDeps): Route[] {
  const route = (method: string, path: string, handler: RouteHandler): Route => ({
    method,
    pattern: new RegExp(`^${path.replace(/\{[a-zA-Z]+\}/g, "([^/]+)")}$`),
    handler,
  });
  return [
    route("GET", "sms", () => listOf(control.sentSms())),
    route("GET", "mms", () => listOf(control.sentMms())),
    route("GET", "email", () => listOf(control.sentEmails())),
    route("GET", "email/{operationId}", ({ params }) => {
      const email = deps.store.getEmail(params[0]);
      if (!email) throw new ScenarioError(404, "EmailNotFound", `no email was sent with operation id ${params[0]}`);
      return { status: 200, body: email };
    }),
    route("GET", "chat/messages", ({ query }) =>
      listOf(control.sentChatMessages(optionalQuery(query, "threadId"), query.get("includeSystem") === "true")),
    ),
    route("GET", "sms/inbound", () => listOf(control.receivedSms())),
    route("POST", "sms/inbound", async ({ body }) => ({
      status: 202,
      body: control.receiveSms((await body()) as { from: string; to: string; message: string }),
    })),
    route("GET", "sms/optouts", ({ query }) => listOf(control.optedOut(optionalQuery(query, "from")))),
    route("POST", "chat/read", async ({ body }) => {
      control.readChatMessage((await body()) as ChatReadRequest);
      return { status: 204 };
    }),
    route("POST", "email/engagement", async ({ body }) => {
      const event = control.engageEmail((await body()) as EmailEngagementRequest);
      return { status: 202, body: { eventId: event.id, eventType: event.eventType } };
    }),
    route("GET", "counters", () => ({ status: 200, body: control.counters() })),
    route("GET", "eventgrid/subscriptions", () => listOf(control.subscriptions())),
    route("POST", "eventgrid/subscriptions", async ({ body }) => ({
      status: 201,
      body: await control.subscribe((await body()) as SubscriptionOptions),
    })),
    route("GET", "eventgrid/subscriptions/{id}", ({ params }) => {
      const info = deps.broker.getSubscription(params[0]);
      if (!info) throw new ScenarioError(404, "SubscriptionNotFound", `no subscription ${params[0]}`);
      return { status: 200, body: info };
    }),
    route("DELETE", "eventgrid/subscriptions/{id}", ({ params }) => {
      if (!control.unsubscribe(params[0])) throw new ScenarioError(404, "SubscriptionNotFound", `no subscription ${params[0]}`);
      return { status: 204 };
    }),
    route("GET", "eventgrid/deliveries", ({ query }) => listOf(control.deliveries(optionalQuery(query, "subscriptionId")))),
    route("GET", "eventgrid/deadletters", ({ query }) => listOf(control.deadLetters(optionalQuery(query, "subscriptionId")))),
    route("GET", "eventgrid/validate", ({ query }) => {
      if (!deps.broker.validateManually(query.get("id") ?? "", query.get("code") ?? "")) {
        throw new ScenarioError(400, "ValidationFailed", "unknown subscription, subscription not awaiting validation, or wrong code");
      }
      return { status: 200, body: { message: "Webhook successfully validated as a subscription endpoint." } };
    }),
    route("GET", "namespace", () => ({ status: 200, body: control.namespace() })),
    route("PUT", "namespace", async ({ body }) => {
      control.setNamespace(await body());
      return { status: 200, body: control.namespace() };
    }),
    route("GET", "rules", () => listOf(control.rules())),
    route("PUT", "rules", async ({ body }) => {
      const payload = await body();
      const rules = Array.isArray(payload) ? payload : (payload as { rules?: unknown } | null)?.rules;
      control.setRules(rules as OutcomeRule[]);
      return { status: 200, body: { value: control.rules() } };
    }),
    route("GET", "settings", () => ({ status: 200, body: deps.service?.settings?.() ?? {} })),
    route("PUT", "quotas", async ({ body }) => {
      control.setQuotas(await body());
      return { status: 204 };
    }),
    route("PUT", "latency", async ({ body }) => {
      control.setLatency(await body());
      return { status: 204 };
    }),
    route("PUT", "faults", async ({ body }) => {
      control.setFaults(await body());
      return { status: 204 };
    }),
    route("POST", "settle", async () => {
      await control.eventsSettled();
      return { status: 204 };
    }),
    route("POST", "reset", () => {
      control.reset();
      return { status: 204 };
    }),
  ];
}

const routeTables = new WeakMap<SandboxControl, Route[]>();

async function handleControlRequest(
  control: SandboxControl,
  deps: ControlDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (!url.pathname.startsWith(controlPrefix)) return false;
  let table = routeTables.get(control);
  if (!table) routeTables.set(control, (table = routes(control, deps)));
  const path = url.pathname.slice(controlPrefix.length).replace(/\/+$/, "");
  const method = req.method ?? "GET";
  try {
    const found = findRoute(table, method, path);
    if ("missing" in found) {
      throw found.missing === "method"
        ? new ScenarioError(405, "MethodNotAllowed", `${method} is not allowed on ${url.pathname}`)
        : new ScenarioError(404, "NotFound", `no control route ${url.pathname}`);
    }
    const result = await found.route.handler({ method, params: found.params, query: url.searchParams, body: () => readJsonBody(req) });
    sendJson(res, result.status, result.body);
  } catch (error) {
    if (error instanceof ScenarioError) {
      sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    } else {
      sendJson(res, 500, { error: { code: "InternalError", message: error instanceof Error ? error.message : String(error) } });
    }
  }
  return true;
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > maxBodyBytes) throw new ScenarioError(413, "RequestTooLarge", "control request bodies are limited to 1 MB");
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScenarioError(400, "InvalidJson", "the request body is not valid JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}
