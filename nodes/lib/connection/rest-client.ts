// Calls of the ACS data plane that no stable SDK covers (the preview MMS API, the SMS opt-out API).
// The request is built here but goes through the Azure SDKs' own HTTP pipeline: the same HMAC (or
// Entra ID) signing policy the ACS clients use, the same TLS trust, and the same retries (429 with
// Retry-After, 5xx, dropped connections).
import { createCommunicationAuthPolicy } from "@azure/communication-common";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type Pipeline,
  type PipelineOptions,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { ConnectionSettings } from "./settings";

export class AcsRestClient {
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient = createDefaultHttpClient();

  /** `options` are the resource's client options (connection pool, TLS trust, user agent). */
  constructor(private readonly settings: ConnectionSettings, options: PipelineOptions) {
    this.pipeline = createPipelineFromOptions(options);
    this.pipeline.addPolicy(createCommunicationAuthPolicy(settings.credential));
  }

  /**
   * POSTs `body` as JSON to `path` of the resource; resolves with the parsed answer and the response
   * on 2xx, rejects with a RestError (status, the service's code and message) otherwise.
   */
  async postJson(path: string, apiVersion: string, body: unknown, abortSignal?: AbortSignal): Promise<{ body: unknown; response: PipelineResponse }> {
    const url = new URL(path, this.settings.endpoint);
    url.searchParams.set("api-version", apiVersion);
    const request = createPipelineRequest({
      url: url.toString(),
      method: "POST",
      headers: createHttpHeaders({ "content-type": "application/json", accept: "application/json" }),
      body: JSON.stringify(body),
      abortSignal,
      allowInsecureConnection: this.settings.allowInsecureConnection,
    });
    const response = await this.pipeline.sendRequest(this.httpClient, request);
    const parsed = parseJson(response.bodyAsText);
    if (response.status >= 200 && response.status < 300) return { body: parsed, response };
    throw new RestError(errorText(parsed, response.status), { statusCode: response.status, code: errorCode(parsed), request, response });
  }
}

/** The `value` list of a per-recipient answer; a RestError when the answer has none. */
export function valueList(body: unknown, response: PipelineResponse, what: string): unknown[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(value)) throw new RestError(`the ${what} answer has no per-recipient results`, { statusCode: response.status, response });
  return value;
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `{error:{code, message}}`, or the SMS API's validation shape `{"Field":["problem"]}`. */
function errorText(body: unknown, status: number): string {
  if (typeof body === "object" && body !== null) {
    const error = (body as { error?: { message?: unknown; code?: unknown } }).error;
    if (typeof error?.message === "string" && error.message) return error.message;
    // The SMS API answers 401 with an empty message: its code is all there is.
    if (typeof error?.code === "string" && error.code) return error.code;
    const problems = Object.entries(body)
      .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
      .map(([field, messages]) => `${field}: ${messages.join(" ")}`);
    if (problems.length > 0) return problems.join("; ");
  }
  return `HTTP ${status}`;
}

function errorCode(body: unknown): string | undefined {
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === "string" ? code : undefined;
}
