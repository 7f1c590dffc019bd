// The public spec examples (x-ms-examples) the sandbox contract suites compare with, kept in
// test/fixtures/rest-examples; test/fixtures/SOURCES.md names their origin and licence.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

// Compiled to dist/test/helpers: the fixtures stay in the source tree.
const EXAMPLES = join(resolve(__dirname, "..", "..", ".."), "test", "fixtures", "rest-examples");

export type SpecApi = "chat" | "email" | "identity" | "sms" | "eventgrid-namespaces";

/** The common shape of an example: the request's parameters and the responses by status code. */
export interface SpecExample {
  parameters: Record<string, unknown>;
  responses: Record<string, { headers?: Record<string, string>; body?: Record<string, unknown> }>;
}

/** One example file of `api`, e.g. specExample("sms", "send.json"); `T` narrows the shape a test reads. */
export function specExample<T = SpecExample>(api: SpecApi, file: string): T {
  return JSON.parse(readFileSync(join(EXAMPLES, api, file), "utf8")) as T;
}
