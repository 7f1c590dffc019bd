// Reads a webhook request's body as text, within a size limit, and tells JSON content types
// (application/json, application/cloudevents+json, application/cloudevents-batch+json) from others.
import type { IncomingMessage } from "node:http";
import { AcsError } from "../../core/errors";
import { bodyAlreadyRead } from "../../node-red/internals";

/** A body already read: by the webhook's front middleware (text), or by another parser (a value). */
interface ParsedRequest extends IncomingMessage {
  body?: unknown;
}

/**
 * The whole body must arrive within this time (Event Grid sends it at once): a sender trickling a
 * body byte by byte gets 408 instead of holding the request open.
 */
export const BODY_TIMEOUT_MS = 10_000;

/** Past the limit the rest of an oversize body is read and dropped (so the 413 reaches the sender) up to this much. */
const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;

/** Bytes of a body as text, or of a parsed value as JSON (at least as large as the body it came from, minus spaces). */
function sizeOf(body: unknown): number {
  if (typeof body === "string") return Buffer.byteLength(body);
  try {
    return Buffer.byteLength(JSON.stringify(body) ?? "");
  } catch {
    // Too deep to serialise: far beyond anything this node takes.
    return Number.POSITIVE_INFINITY;
  }
}

export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined || header.trim() === "") return true;
  const mediaType = header.split(";")[0].trim().toLowerCase();
  return mediaType === "application/json" || mediaType === "text/json" || /^application\/[\w.-]+\+json$/.test(mediaType);
}

/**
 * The body as text, or as the value a parser before this one made of it. Throws AcsError
 * `acs-events.errors.tooLarge` (answer 413) when the body is larger than `limitBytes`.
 */
export function readBody(req: IncomingMessage, limitBytes: number, timeoutMs = BODY_TIMEOUT_MS): Promise<string | unknown> {
  const parsed = req as ParsedRequest;
  const tooLarge = () => new AcsError("acs-events.errors.tooLarge", { limit: Math.round(limitBytes / 1024) });
  const declared = Number(req.headers["content-length"]);
  if (bodyAlreadyRead(req)) {
    // Another parser may have allowed more than this node does: its size counts, declared or not.
    if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(tooLarge());
    const body = Buffer.isBuffer(parsed.body) ? parsed.body.toString("utf8") : parsed.body;
    if (sizeOf(body) > limitBytes) return Promise.reject(tooLarge());
    return Promise.resolve(body);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    const fail = (error = tooLarge()) => {
      clearTimeout(timer);
      failed = true;
      chunks.length = 0;
      reject(error);
    };
    const timer = setTimeout(() => {
      if (failed) return;
      fail(new AcsError("acs-events.errors.bodyTimeout", { seconds: Math.round(timeoutMs / 1000) }));
      // Nothing more of it is wanted: the rest is dropped as it comes, and the connection closes after the answer.
      req.resume();
    }, timeoutMs);
    if (Number.isFinite(declared) && declared > limitBytes) fail();
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (failed) {
        if (size > limitBytes + MAX_DISCARDED_BYTES) req.destroy();
        return;
      }
      if (size > limitBytes) return fail();
      chunks.push(chunk);
    });
    req.on("end", () => {
      clearTimeout(timer);
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}
