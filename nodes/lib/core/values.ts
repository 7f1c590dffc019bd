// Small checks and shapes of the plain values flows hand to the nodes and the nodes hand back.

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A text with something in it, trimmed; undefined for anything else. */
export function trimmedText(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The object without its undefined properties, so that msg fields and payloads hold only what is known. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/**
 * The same text, stored flat. V8 keeps a string built by concatenation as a tree of its pieces until
 * something reads it (randomUUID's is 15 pieces, about 480 bytes instead of 56); reading one
 * character flattens it. Worth it for a string that is kept while thousands of msgs wait.
 */
export function flattened(text: string): string {
  text.charCodeAt(0);
  return text;
}
