// Reading request bodies: JSON parsing and the few shape checks the handlers share.

import { ServiceError } from "./errors";

export type JsonObject = Record<string, unknown>;

/**
 * Parses a JSON body. `invalid` builds the error for an unreadable body, since each service words
 * it in its own envelope.
 */
export function parseJsonObject(body: Buffer, invalid: (message: string) => ServiceError): JsonObject {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw invalid("The request body is not valid JSON.");
  }
  if (!isObject(value)) throw invalid("The request body must be a JSON object.");
  return value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  // fromEntries defines own properties: a key named `__proto__` from a request body stays a key.
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
