// How a waiting msg is kept in a context store: as JSON text, so what is stored is exactly what
// comes back after a restart, on any store (memory, file, Redis), and its size is known up front.
// msg.req and msg.res (an HTTP request and response) belong to a live connection and are left
// out; functions and undefined values are dropped as JSON drops them; Buffers come back as Buffers.
import { AcsError } from "../core/errors";

/** Properties that belong to this process (an open HTTP exchange) and are never stored. */
export const LIVE_PROPERTIES = ["req", "res"] as const;

export interface EncodedMsg {
  json: string;
  /** UTF-8 size of the JSON text. */
  bytes: number;
  /** Which of LIVE_PROPERTIES the msg had (they are not in the stored form). */
  dropped: string[];
}

/** The msg as JSON; throws an AcsError when it cannot be written as JSON (a circular reference, a BigInt). */
export function encodeMsg(msg: Record<string, unknown>): EncodedMsg {
  const dropped = LIVE_PROPERTIES.filter((name) => Object.hasOwn(msg, name));
  const kept = dropped.length === 0 ? msg : withoutProperties(msg, dropped);
  let json: string;
  try {
    json = JSON.stringify(kept);
  } catch (err) {
    const reason = err instanceof Error ? (/circular/i.test(err.message) ? "circular" : /bigint/i.test(err.message) ? "bigint" : "other") : "other";
    throw new AcsError(`acs-wait.errors.notStorable.${reason}`, { reason: err instanceof Error ? err.message.split("\n")[0] : String(err) });
  }
  return { json, bytes: Buffer.byteLength(json, "utf8"), dropped };
}

/** The msg back from its JSON text, with Buffers restored. */
export function decodeMsg(json: string): Record<string, unknown> {
  return JSON.parse(json, (_key, value: unknown) => (isBufferJson(value) ? Buffer.from(value.data) : value)) as Record<string, unknown>;
}

function withoutProperties(msg: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(msg)) if (!names.includes(key)) copy[key] = value;
  return copy;
}

/** What Buffer#toJSON writes: `{"type":"Buffer","data":[...]}`. */
function isBufferJson(value: unknown): value is { type: "Buffer"; data: number[] } {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { type?: unknown; data?: unknown };
  return candidate.type === "Buffer" && Array.isArray(candidate.data) && Object.keys(candidate).length === 2;
}
