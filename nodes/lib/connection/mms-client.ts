// The client of the preview MMS API (`/telco-messaging`), which no SDK covers. The request is built
// here but goes through the Azure SDKs' own HTTP pipeline: the same HMAC (or Entra ID) signing policy
// the ACS clients use, the same TLS trust, and the same retries (429 with Retry-After, 5xx, dropped
// connections). Every recipient carries a repeatabilityRequestId, as the SMS SDK sends, so a retried
// request is never delivered twice. What to send, and in how many requests, is sms/mms-send.ts's job.
import { randomUUID } from "node:crypto";
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

/** One attachment as the API takes it. */
export interface MmsAttachment {
  mimeType: string;
  /** Base64. */
  content: string;
}

/** One recipient's item in an SMS or MMS answer (the SMS SDK's SmsSendResult plus the repeatability field it deserialises). */
export interface RecipientItem {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  successful: boolean;
  errorMessage?: string;
  repeatabilityResult?: string;
}

export const MMS_API_VERSION = "2023-05-14-privatepreview";

export interface MmsRequest {
  from: string;
  /** 1 to 100 recipients in E.164. */
  to: string[];
  message: string;
  attachments: MmsAttachment[];
}

export class MmsClient {
  private readonly pipeline: Pipeline;
  private readonly httpClient: HttpClient = createDefaultHttpClient();

  /** `options` are the resource's client options (connection pool, TLS trust, user agent). */
  constructor(private readonly settings: ConnectionSettings, options: PipelineOptions) {
    this.pipeline = createPipelineFromOptions(options);
    this.pipeline.addPolicy(createCommunicationAuthPolicy(settings.credential));
  }

  /** Sends one request; resolves with the per-recipient items, rejects with a RestError when the whole request was refused. */
  async send(mms: MmsRequest, abortSignal?: AbortSignal): Promise<RecipientItem[]> {
    const firstSent = new Date().toUTCString();
    const body = {
      from: mms.from,
      recipients: mms.to.map((to) => ({ to, repeatabilityRequestId: randomUUID(), repeatabilityFirstSent: firstSent })),
      message: mms.message,
      attachments: mms.attachments,
    };
    const url = new URL("telco-messaging", this.settings.endpoint);
    url.searchParams.set("api-version", MMS_API_VERSION);
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
    if (response.status >= 200 && response.status < 300) return resultItems(parsed, response);
    throw new RestError(errorText(parsed, response.status), { statusCode: response.status, code: errorCode(parsed), request, response });
  }
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function resultItems(body: unknown, response: PipelineResponse): RecipientItem[] {
  const value = (body as { value?: unknown } | undefined)?.value;
  if (!Array.isArray(value)) {
    throw new RestError("the MMS answer has no per-recipient results", { statusCode: response.status, response });
  }
  return value.filter((item): item is RecipientItem => typeof item === "object" && item !== null && typeof (item as RecipientItem).to === "string");
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
