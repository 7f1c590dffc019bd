// What a durable wait keeps in the store, and the key names. One key per wait, so that instances
// sharing a store never rewrite each other's waits; the key starts with a digest of the correlation
// id, so a cancel finds its waits from the list of keys alone. One lease key per instance says until
// when that instance is known to be alive.
import { createHash, randomBytes } from "node:crypto";

export interface StoredWait {
  v: 1;
  id: string;
  correlationId?: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  dueAt: number;
  /** The instance that fires it. */
  owner: string;
  bytes: number;
  /** The msg as JSON (msg-codec). */
  msg: string;
}

export interface Lease {
  owner: string;
  /** Milliseconds since the epoch; past it, other instances may take this instance's waits over. */
  expiresAt: number;
}

/** An event that came before the msg it ends (a report can beat the send's own output). */
export interface EarlyEvent {
  action: "cancel" | "sendNow";
  status?: string;
  /** Milliseconds since the epoch. */
  at: number;
}

const WAIT_PREFIX = "wait-";
const EARLY_PREFIX = "early-";
const LEASE_PREFIX = "lease-";
const NO_CORRELATION = "none";

/** The key part that groups the waits of one correlation id (hex, safe in any store's key syntax). */
export function correlationTag(correlationId: string | undefined): string {
  return correlationId === undefined ? NO_CORRELATION : createHash("sha256").update(correlationId).digest("hex").slice(0, 24);
}

export function newWaitKey(correlationId: string | undefined): { key: string; id: string } {
  const id = randomBytes(9).toString("hex");
  return { key: `${WAIT_PREFIX}${correlationTag(correlationId)}-${id}`, id };
}

export function isWaitKey(key: string): boolean {
  return key.startsWith(WAIT_PREFIX);
}

/** The prefix shared by every wait key of this correlation id. */
export function waitKeyPrefix(correlationId: string): string {
  return `${WAIT_PREFIX}${correlationTag(correlationId)}-`;
}

export function leaseKey(owner: string): string {
  return `${LEASE_PREFIX}${owner}`;
}

export function isLeaseKey(key: string): boolean {
  return key.startsWith(LEASE_PREFIX);
}

export function isStoredWait(value: unknown): value is StoredWait {
  const wait = value as Partial<StoredWait> | null | undefined;
  return typeof wait === "object" && wait !== null && wait.v === 1 && typeof wait.id === "string" && typeof wait.owner === "string" && typeof wait.dueAt === "number" && typeof wait.msg === "string";
}

export function isLease(value: unknown): value is Lease {
  const lease = value as Partial<Lease> | null | undefined;
  return typeof lease === "object" && lease !== null && typeof lease.owner === "string" && typeof lease.expiresAt === "number";
}

export function earlyKey(correlationId: string): string {
  return `${EARLY_PREFIX}${correlationTag(correlationId)}`;
}

export function isEarlyKey(key: string): boolean {
  return key.startsWith(EARLY_PREFIX);
}

export function isEarlyEvent(value: unknown): value is EarlyEvent {
  const early = value as Partial<EarlyEvent> | null | undefined;
  return typeof early === "object" && early !== null && (early.action === "cancel" || early.action === "sendNow") && typeof early.at === "number";
}
