// startSandbox(): the local ACS sandbox in one call. HTTPS on loopback with a fresh certificate,
// the Identity, SMS, MMS, Email and Chat data-plane APIs, scripted outcomes, Event Grid delivery of
// the matching events (webhooks, and pull from an Event Grid namespace topic), a Microsoft Entra ID
// token endpoint for a service principal, and the control API. close() releases the port, every timer and every
// delivery in flight.

import { createHash } from "node:crypto";
import { EntraAuthority, type EntraApplication } from "./auth/entra";
import { TokenAuthority, type IssuedToken } from "./auth/tokens";
import { loadOrCreateCertificates } from "./http/certificates";
import { Clock } from "./state/clock";
import { createControl, type SandboxControl } from "./http/control-api";
import { EventGridBroker, resourceTopic } from "./eventgrid";
import { EventGridNamespace, namespaceRoutes, routeToNamespace, type NamespaceOptions } from "./eventgrid/namespace";
import { entraRoutes } from "./handlers/entra";
import { FaultInjector, type FaultOptions } from "./state/faults";
import { chatRoutes } from "./handlers/chat";
import { emailRoutes } from "./handlers/email";
import { identityRoutes } from "./handlers/identity";
import { mmsRoutes } from "./handlers/mms";
import { smsRoutes } from "./handlers/sms";
import { Outcomes } from "./state/outcomes";
import { DEFAULT_QUOTAS, QuotaTracker, resolveQuotas, type QuotaOptions } from "./state/quotas";
import { createReportScheduler } from "./eventgrid/report-scheduler";
import { createRequestListener, listenHttps } from "./http/server";
import type { SandboxServices } from "./handlers/services";
import { SandboxStore } from "./state/store";
import type { OutcomeRule } from "./state/types";
import { SandboxActivity, observeDataPlane } from "./ui/activity";
import { createSandboxUi } from "./ui/server";

/**
 * The sandbox's well-known development access key (like Azurite's account key): public, printed,
 * good for nothing but a local sandbox. Pass `accessKey` to use another.
 */
export const SANDBOX_ACCESS_KEY = "3jdd4c3YXieBSu7TtpNUlU0q1rMRtN8DzJMM87yLKO5/dCjF0A0KcPTzHRSDfnQOa4Xff9Ql56pj1GHsbS1zRA==";

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Simulated time runs this many times faster than real time (default 1). */
  timeScale?: number;
  /** Base64 access key the HMAC signatures must use (default SANDBOX_ACCESS_KEY). */
  accessKey?: string;
  /** Name of the emulated ACS resource (default "sandbox"); user ids and event topics derive from it. */
  resourceName?: string;
  /** Email domains linked besides any `*.azurecomm.net` (Azure-managed style) domain. */
  customDomains?: string[];
  /** Scripted outcomes, first match wins (default: everything delivered). */
  rules?: OutcomeRule[];
  /** Overrides of the per-channel rate quotas; `null` disables one. */
  quotas?: QuotaOptions;
  /** Real milliseconds added before every data-plane answer. */
  latencyMs?: number;
  /** Injected 5xx answers and dropped connections. */
  faults?: FaultOptions;
  /**
   * Keep the certificate pair and the Event Grid namespace's unsettled events here and reuse them
   * across restarts (the CLI uses `.sandbox/`).
   */
  stateDir?: string;
  /** The Event Grid namespace topic and queue subscription that receive every ACS event. */
  namespace?: NamespaceOptions;
}

/** The sandbox's Event Grid namespace, for `EventGridReceiverClient(endpoint, new AzureKeyCredential(key), topic, subscription)`. */
export interface SandboxNamespace {
  /** `https://127.0.0.1:PORT` (the namespace shares the sandbox's server and CA). */
  endpoint: string;
  key: string;
  topic: string;
  subscription: string;
}

/** The service principal the sandbox's Entra ID endpoint knows, for `ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost })`. */
export interface SandboxEntra extends EntraApplication {
  /** `https://127.0.0.1:PORT/` */
  authorityHost: string;
}

export interface Sandbox {
  /** `https://127.0.0.1:PORT/` */
  endpoint: string;
  /** `endpoint=https://127.0.0.1:PORT/;accesskey=KEY` */
  connectionString: string;
  accessKey: string;
  /** PEM of the CA to pass as `tlsOptions.ca`. */
  ca: string;
  host: string;
  port: number;
  timeScale: number;
  control: SandboxControl;
  namespace: SandboxNamespace;
  entra: SandboxEntra;
  store: SandboxStore;
  clock: Clock;
  /** The change feed the sandbox UI follows ("change" events; published events, 429s, typing). */
  activity: SandboxActivity;
  /** The sandbox UI: `https://127.0.0.1:PORT/_sandbox/ui/` */
  uiUrl: string;
  /**
   * Issues a token outside the Identity API's 60..1440 minute range (a negative lifetime gives an
   * expired one), so tests can prove the Bearer checks without waiting an hour.
   */
  issueToken(userId: string, options?: { scopes?: string[]; lifetimeMs?: number }): IssuedToken;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const accessKey = options.accessKey ?? SANDBOX_ACCESS_KEY;
  const resourceName = options.resourceName ?? "sandbox";
  const resourceId = guidFrom(resourceName);
  const topic = resourceTopic(resourceName);
  const clock = new Clock(options.timeScale ?? 1);
  const certificates = await loadOrCreateCertificates(options.stateDir);

  const store = new SandboxStore();
  const activity = new SandboxActivity();
  store.onReset(() => activity.reset());
  const outcomes = new Outcomes(options.rules ?? []);
  const broker = new EventGridBroker({ clock, topic, onAttempt: () => activity.changed("delivery") });
  const namespace = new EventGridNamespace(clock, options.namespace, options.stateDir);
  const routed = routeToNamespace(broker, namespace);
  const publisher = {
    publish(events: Parameters<EventGridBroker["publish"]>[0]) {
      routed.publish(events);
      activity.published(events);
    },
  };
  const reports = createReportScheduler({ clock, outcomes, broker: publisher, store, topic });
  const entra = new EntraAuthority(sandboxApplication(resourceName));
  const faults = new FaultInjector(options.faults ?? {});
  let latencyMs = checkLatency(options.latencyMs ?? 0);

  const quotaTracker = new QuotaTracker(clock);
  store.onReset(() => quotaTracker.reset());
  const services: SandboxServices = {
    store,
    clock,
    tokens: new TokenAuthority(resourceId),
    quotaTracker,
    quotas: resolveQuotas(options.quotas),
    hooks: { ...reports, chatTyping: (threadId, userId) => activity.typing(threadId, userId) },
    outcomes,
    resourceName,
    resourceId,
    customDomains: options.customDomains ?? []
  };

  const settings = () => ({ quotas: services.quotas, latencyMs, faults: faults.current(), defaultQuotas: DEFAULT_QUOTAS });
  const control = createControl({
    store,
    broker,
    namespace,
    reports,
    outcomes,
    service: {
      setQuotas(value) {
        if (typeof value !== "object" || value === null) throw new Error("quotas must be an object");
        services.quotas = resolveQuotas(value as QuotaOptions, services.quotas);
      },
      setLatency(value) {
        const ms = typeof value === "object" && value !== null ? (value as { latencyMs?: unknown }).latencyMs : value;
        latencyMs = checkLatency(ms);
      },
      setFaults(value) {
        if (typeof value !== "object" || value === null) throw new Error("faults must be an object");
        faults.set(value as FaultOptions);
      },
      settings
    }
  });

  const routes = [
    ...identityRoutes(services),
    ...smsRoutes(services),
    ...mmsRoutes(services),
    ...emailRoutes(services),
    ...chatRoutes(services),
    ...namespaceRoutes(namespace),
    ...entraRoutes(entra)
  ];
  const ui = createSandboxUi({
    store,
    control,
    activity,
    issueToken: (userId) => services.tokens.issue(userId, ["chat"], 60 * 60_000).token,
    settings,
    namespace: () => control.namespace(),
  });
  const listener = createRequestListener({
    services,
    routes,
    accessKey,
    namespaceKey: namespace.key,
    entra,
    faults,
    latencyMs: () => latencyMs,
    handleControlRequest: async (req, res, url) => {
      if (ui.refuse(req, res, url) || (await ui.handle(req, res, url))) return true;
      const handled = await control.handleControlRequest(req, res, url);
      if (handled && req.method !== "GET") activity.changed("control");
      return handled;
    }
  });
  const running = await listenHttps(
    { host, port: options.port ?? 0, cert: certificates.cert, key: certificates.key },
    observeDataPlane(activity, listener)
  );
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const endpoint = `https://${urlHost}:${running.port}/`;
  broker.setValidationBaseUrl(`${endpoint}_sandbox/eventgrid/validate`);

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    connectionString: `endpoint=${endpoint};accesskey=${accessKey}`,
    accessKey,
    ca: certificates.ca,
    host,
    port: running.port,
    timeScale: clock.timeScale,
    control,
    namespace: { endpoint: endpoint.replace(/\/$/, ""), key: namespace.key, topic: namespace.topic, subscription: namespace.subscription },
    entra: { authorityHost: endpoint, ...entra.application },
    store,
    clock,
    activity,
    uiUrl: `${endpoint}_sandbox/ui/`,
    issueToken: (userId, tokenOptions = {}) =>
      services.tokens.issue(userId, tokenOptions.scopes ?? ["chat"], tokenOptions.lifetimeMs ?? 60 * 60_000),
    close() {
      closing ??= (async () => {
        reports.close();
        broker.close();
        namespace.close();
        clock.clearAll();
        await running.close();
      })();
      return closing;
    }
  };
}

/** The issue names it start(). */
export const start = startSandbox;

function checkLatency(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new Error(`latencyMs must be a number of milliseconds >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The one application registered with the sandbox's Entra ID: stable ids derived from the resource
 * name and a public development secret, like the access key.
 */
function sandboxApplication(resourceName: string): EntraApplication {
  return {
    tenantId: guidFrom(`${resourceName}:tenant`),
    clientId: guidFrom(`${resourceName}:client`),
    clientSecret: "sandbox-client-secret-not-a-secret"
  };
}

/** A stable GUID for a resource name, so user ids keep their prefix across restarts. */
function guidFrom(name: string): string {
  const hex = createHash("sha256").update(`acs-sandbox:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export type { SandboxControl } from "./http/control-api";
export { SANDBOX_NAMESPACE_KEY } from "./eventgrid/namespace";
export type { NamespaceOptions } from "./eventgrid/namespace";
export type { FaultOptions } from "./state/faults";
export type { QuotaOptions, RateLimits } from "./state/quotas";
export type { OutcomeRule } from "./state/types";
