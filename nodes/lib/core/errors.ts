// One error type for everything a user can act on: it carries an i18n key and its parameters, and
// its message is the en-US text, so a Catch node always receives a readable sentence.
import { englishText, type MessageParams } from "./i18n";

export class AcsError extends Error {
  readonly key: string;
  readonly params: MessageParams;
  /** HTTP status from the service, when the error came from it. */
  readonly statusCode?: number;
  /** Service error code (e.g. `Unauthorized`, `EmailDropped`), when the error came from it. */
  readonly code?: string;

  constructor(key: string, params: MessageParams = {}, service?: { statusCode?: number; code?: string }) {
    super(englishText(key, params));
    this.name = "AcsError";
    this.key = key;
    this.params = params;
    this.statusCode = service?.statusCode;
    this.code = service?.code;
  }
}

/** Shortens a value for an error text: long values are cut, objects are summarised. */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (value === undefined || value === null) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A field whose value is wrong: `to: "+1 425 555" is not a phone number (...)`. */
export function fieldError(problemKey: string, field: string, value: unknown, extra: MessageParams = {}): AcsError {
  return new AcsError(problemKey, { field, value: describeValue(value), ...extra });
}

interface ServiceErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
}

/**
 * Turns whatever an SDK call threw into an AcsError that is safe to show: only the status, the
 * service's code and its message. The SDK's RestError also holds the request (headers included),
 * which must never reach a msg or a log.
 */
export function serviceError(err: unknown, operation: string): AcsError {
  if (err instanceof AcsError) return err;
  const shape = (typeof err === "object" && err !== null ? err : {}) as ServiceErrorShape;
  const statusCode = typeof shape.statusCode === "number" ? shape.statusCode : undefined;
  const body = serviceBody(shape.message);
  const code = body?.code ?? (typeof shape.code === "string" ? shape.code : undefined);
  const reason = firstLine(body ? [body.code, body.message].filter(Boolean).join(": ") : (shape.message ?? String(err)));
  if (statusCode !== undefined) {
    return new AcsError("acs-config.errors.service", { operation, status: statusCode, reason }, { statusCode, code });
  }
  return new AcsError("acs-config.errors.network", { operation, reason: code ? `${code}: ${reason}` : reason }, { code });
}

/** Some SDK errors carry the service's raw JSON body as their message: `{"error":{"code","message"}}`. */
function serviceBody(message: string | undefined): { code?: string; message?: string } | undefined {
  if (!message?.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(message) as { error?: { code?: unknown; message?: unknown } };
    const error = parsed.error;
    if (typeof error !== "object" || error === null) return undefined;
    return {
      code: typeof error.code === "string" && error.code ? error.code : undefined,
      message: typeof error.message === "string" && error.message ? error.message : undefined,
    };
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0].trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
