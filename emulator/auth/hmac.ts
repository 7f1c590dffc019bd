// HMAC-SHA256 request signing exactly as the ACS data-plane checks it (see the ACS SDKs'
// communicationAccessKeyCredentialPolicy): string to sign `VERB\nPATH?QUERY\nDATE;HOST;CONTENTHASH`,
// signed with the base64-decoded access key, x-ms-date fresh, x-ms-content-sha256 matching the body.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/** How far x-ms-date may be from the sandbox's real clock, either way. */
export const HMAC_DATE_TOLERANCE_MS = 15 * 60 * 1000;

const REQUIRED_SIGNED_HEADERS = ["x-ms-date", "host", "x-ms-content-sha256"];

export type HmacFailure =
  | "missing-authorization"
  | "malformed-authorization"
  | "missing-date"
  | "stale-date"
  | "content-hash-mismatch"
  | "signature-mismatch";

export interface HmacRequest {
  method: string;
  /** Path and query exactly as sent on the request line. */
  pathAndQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function contentHash(body: Buffer | string): string {
  return createHash("sha256").update(body).digest("base64");
}

export function computeSignature(accessKey: string, stringToSign: string): string {
  return createHmac("sha256", Buffer.from(accessKey, "base64")).update(stringToSign, "utf8").digest("base64");
}

/** Returns null when the request is signed with `accessKey`, else why not. */
export function verifyHmac(request: HmacRequest, accessKey: string, nowMs = Date.now()): HmacFailure | null {
  const authorization = header(request.headers, "authorization");
  if (!authorization) return "missing-authorization";
  const match = /^HMAC-SHA256\s+SignedHeaders=([^&]+)&Signature=(.+)$/i.exec(authorization.trim());
  if (!match) return "malformed-authorization";
  const signedHeaders = match[1].split(";").map((h) => h.trim().toLowerCase());
  const signature = match[2].trim();
  // The service insists that the date, host and body hash are all covered by the signature.
  if (!REQUIRED_SIGNED_HEADERS.every((h) => signedHeaders.includes(h))) return "malformed-authorization";

  const date = header(request.headers, "x-ms-date") ?? header(request.headers, "date");
  if (!date) return "missing-date";
  const dateMs = Date.parse(date);
  if (!Number.isFinite(dateMs) || Math.abs(nowMs - dateMs) > HMAC_DATE_TOLERANCE_MS) return "stale-date";

  const bodyHash = contentHash(request.body);
  if (header(request.headers, "x-ms-content-sha256") !== bodyHash) return "content-hash-mismatch";

  const values: string[] = [];
  for (const name of signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) return "malformed-authorization";
    values.push(value);
  }
  const stringToSign = `${request.method.toUpperCase()}\n${request.pathAndQuery}\n${values.join(";")}`;
  const expected = Buffer.from(computeSignature(accessKey, stringToSign));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "signature-mismatch";
  return null;
}

/** Headers a client must send: used by the MMS test client and the control tooling. */
export function signRequest(options: {
  accessKey: string;
  method: string;
  url: URL;
  body: string;
  date?: Date;
}): Record<string, string> {
  const date = (options.date ?? new Date()).toUTCString();
  const hash = contentHash(options.body);
  const host = options.url.host;
  const stringToSign = `${options.method.toUpperCase()}\n${options.url.pathname}${options.url.search}\n${date};${host};${hash}`;
  return {
    "x-ms-date": date,
    "x-ms-content-sha256": hash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${computeSignature(options.accessKey, stringToSign)}`
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
