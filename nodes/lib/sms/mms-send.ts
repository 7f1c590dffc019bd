// MMS through the preview `/telco-messaging` API, which no SDK covers, sent through the SDKs' own
// pipeline (connection/rest-client.ts). Every recipient carries a repeatabilityRequestId, as the SMS
// SDK sends, so a retried request is never delivered twice.
import { randomUUID } from "node:crypto";
import type { PipelineOptions } from "@azure/core-rest-pipeline";
import type { AcsClients } from "../connection/clients";
import { AcsRestClient, valueList } from "../connection/rest-client";
import type { ConnectionSettings } from "../connection/settings";
import type { MmsAttachment } from "./mms-attachments";
import { sendBatched, type RecipientItem, type RecipientOutcome, type SendContext } from "./send";

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

/** Sends an MMS (one request per 100 recipients) through the sender's queue, results in input order. */
export function sendMms(clients: AcsClients, mms: MmsRequest, context: SendContext): Promise<RecipientOutcome[]> {
  const client = clients.mms();
  return sendBatched({
    ...context,
    recipients: mms.to,
    operation: "send MMS",
    send: (batch, signal) => client.send({ ...mms, to: batch }, signal),
  });
}
