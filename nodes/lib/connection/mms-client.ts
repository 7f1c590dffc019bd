// The client of the preview MMS API (`/telco-messaging`), which no SDK covers, through the Azure SDKs'
// own pipeline and signing (rest-client.ts). Every recipient carries a repeatabilityRequestId, as the
// SMS SDK sends, so a retried request is never delivered twice. What to send, and in how many requests, is sms/mms-send.ts's job.
import { randomUUID } from "node:crypto";
import type { PipelineOptions } from "@azure/core-rest-pipeline";
import { AcsRestClient, valueList } from "./rest-client";
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
  private readonly rest: AcsRestClient;

  /** `options` are the resource's client options (connection pool, TLS trust, user agent). */
  constructor(settings: ConnectionSettings, options: PipelineOptions) {
    this.rest = new AcsRestClient(settings, options);
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
    const answer = await this.rest.postJson("telco-messaging", MMS_API_VERSION, body, abortSignal);
    return valueList(answer.body, answer.response, "MMS").filter((item): item is RecipientItem => typeof item === "object" && item !== null && typeof (item as RecipientItem).to === "string");
  }
}
