// The pull source's settings: where the Event Grid namespace is, how to authenticate, and how much
// to take at once. Every problem names the field and the value (never the key) and says what is
// expected.
import { AzureKeyCredential, isTokenCredential, type TokenCredential } from "@azure/core-auth";
import { AcsError, fieldError } from "../../core/errors";
import { isLoopback, type ConnectionSettings } from "../../connection/settings";
import { wholeNumber } from "../whole-number";

export type PullAuth = "key" | "entra";

/** The acs-events node's pull properties, as the editor saves them. */
export interface PullProperties {
  nsEndpoint?: string;
  nsTopic?: string;
  nsSubscription?: string;
  nsAuth?: PullAuth;
  maxEvents?: string | number;
  maxWaitTime?: string | number;
  maxInFlight?: string | number;
  lockRenewal?: string | number;
  releaseDelay?: string | number;
  ackTimeout?: string | number;
}

export interface PullSettings {
  endpoint: string;
  topic: string;
  subscription: string;
  auth: PullAuth;
  /** Events asked for per receive (1-100). */
  maxEvents: number;
  /** How long a receive waits for events on the service, in seconds (10-120). */
  maxWaitTimeSeconds: number;
  /** Events held (received and not yet settled) at most. */
  maxInFlight: number;
  /** How often the locks of events still in the flow are renewed. */
  lockRenewalMs: number;
  /** How long a released event stays away before it is delivered again (the service's choices). */
  releaseDelaySeconds: number;
  /** How long the flow may take with one event before it is released. */
  flowTimeoutMs: number;
}

export const PULL_DEFAULTS = {
  maxEvents: 10,
  maxWaitTime: 30,
  maxInFlight: 50,
  /** Half of the shortest lock a namespace subscription can have (60 s). */
  lockRenewal: 30,
  releaseDelay: 10,
  ackTimeout: 300,
} as const;

/** The delays the service accepts for a release, in seconds. */
export const RELEASE_DELAYS: readonly number[] = [0, 10, 60, 600, 3600];

/** Namespace topic and subscription names: 3 to 50 letters, digits and hyphens. */
const NAME = /^[A-Za-z0-9-]{3,50}$/;

export function pullSettings(props: PullProperties): PullSettings {
  const releaseDelaySeconds = wholeNumber(props.releaseDelay, "releaseDelay", 0, 3600, PULL_DEFAULTS.releaseDelay);
  if (!RELEASE_DELAYS.includes(releaseDelaySeconds)) {
    throw fieldError("acs-events.errors.badReleaseDelay", "releaseDelay", props.releaseDelay, { choices: RELEASE_DELAYS.join(", ") });
  }
  const auth = props.nsAuth ?? "key";
  if (auth !== "key" && auth !== "entra") throw fieldError("acs-events.errors.badAuth", "nsAuth", auth);
  return {
    endpoint: namespaceEndpoint(props.nsEndpoint),
    topic: entityName(props.nsTopic, "nsTopic"),
    subscription: entityName(props.nsSubscription, "nsSubscription"),
    auth,
    maxEvents: wholeNumber(props.maxEvents, "maxEvents", 1, 100, PULL_DEFAULTS.maxEvents),
    maxWaitTimeSeconds: wholeNumber(props.maxWaitTime, "maxWaitTime", 10, 120, PULL_DEFAULTS.maxWaitTime),
    maxInFlight: wholeNumber(props.maxInFlight, "maxInFlight", 1, 1000, PULL_DEFAULTS.maxInFlight),
    lockRenewalMs: wholeNumber(props.lockRenewal, "lockRenewal", 1, 300, PULL_DEFAULTS.lockRenewal) * 1000,
    releaseDelaySeconds,
    flowTimeoutMs: wholeNumber(props.ackTimeout, "ackTimeout", 1, 3600, PULL_DEFAULTS.ackTimeout) * 1000,
  };
}

/**
 * The credential for the namespace: its access key, or the Microsoft Entra ID identity of the
 * selected connection (which needs the "EventGrid Data Receiver" role on the namespace).
 */
export function pullCredential(auth: PullAuth, key: string | undefined, connection: ConnectionSettings | undefined): AzureKeyCredential | TokenCredential {
  if (auth === "key") {
    const trimmed = key?.trim();
    if (!trimmed) throw new AcsError("acs-events.errors.noNamespaceKey");
    return new AzureKeyCredential(trimmed);
  }
  if (!connection) throw new AcsError("acs-events.errors.entraNeedsConfig");
  if (!isTokenCredential(connection.credential)) throw new AcsError("acs-events.errors.entraNeedsEntraConfig");
  return connection.credential;
}

/** `https://HOST` from a URL or a bare host name as the portal shows it; plain http only on loopback. */
export function namespaceEndpoint(value: string | undefined): string {
  const text = value?.trim() ?? "";
  if (!text) throw new AcsError("acs-config.errors.required", { field: "nsEndpoint" });
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw fieldError("acs-events.errors.badEndpoint", "nsEndpoint", text);
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) throw fieldError("acs-events.errors.insecureEndpoint", "nsEndpoint", text);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw fieldError("acs-events.errors.badEndpoint", "nsEndpoint", text);
  return `${url.protocol}//${url.host}`;
}

function entityName(value: string | undefined, field: string): string {
  const text = value?.trim() ?? "";
  if (!text) throw new AcsError("acs-config.errors.required", { field });
  if (!NAME.test(text)) throw fieldError("acs-events.errors.badName", field, text);
  return text;
}
