// The shared secret of a webhook. Event Grid subscriptions carry it in the endpoint's query string
// (`?code=`); a delivery property can carry it in a header instead. Comparing SHA-256 digests with
// timingSafeEqual takes the same time whatever the secret and the guess, and never compares
// buffers of different lengths.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export const SECRET_QUERY_PARAMETER = "code";
export const SECRET_HEADER = "x-webhook-secret";

/** The secret a request presents: `?code=` first, else the header; undefined when it has none. */
export function presentedSecret(url: URL, headers: IncomingHttpHeaders): string | undefined {
  const fromQuery = url.searchParams.get(SECRET_QUERY_PARAMETER);
  if (fromQuery !== null && fromQuery !== "") return fromQuery;
  const fromHeader = headers[SECRET_HEADER];
  const value = Array.isArray(fromHeader) ? fromHeader[0] : fromHeader;
  return value === undefined || value === "" ? undefined : value;
}

/** Constant-time check of a presented secret; false when either side is missing or empty. */
export function secretMatches(expected: string | undefined, presented: string | undefined): boolean {
  if (!expected || !presented) return false;
  return timingSafeEqual(expectedDigest(expected), digest(presented));
}

// The digest of the last secret checked against: a node checks every request against the same one.
let lastExpected: { secret: string; digest: Buffer } | undefined;

function expectedDigest(secret: string): Buffer {
  if (lastExpected?.secret !== secret) lastExpected = { secret, digest: digest(secret) };
  return lastExpected.digest;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
