// MMS through the private-preview REST API (no SDK covers it): POST /telco-messaging
// ?api-version=2023-05-14-privatepreview, body {from, recipients:[{to}], message, attachments}.
// Answers like SMS: 202 with a per-recipient `value[]`.

import { smsValidationError, type ServiceResponse } from "../http/errors";
import { serviceRoutes, type RequestInfo, type Route, type SandboxServices } from "./services";
import type { MmsRecord } from "../state/types";
import { isObject, parseJsonObject, stringOrUndefined } from "../http/json";
import { checkSender, readRecipients, sendToRecipients } from "./sms";

export const MMS_MAX_MESSAGE_LENGTH = 1000;
export const MMS_MAX_ATTACHMENTS = 10;
/** Carriers commonly cap an MMS near 1 MB; the sandbox refuses more than this, all attachments together. */
export const MMS_MAX_ATTACHMENT_BYTES = 1024 * 1024;
export const MMS_MIME_TYPES: readonly string[] = [
  "image/jpeg",
  "image/png",
  "image/gif",
  "image/bmp",
  "image/webp",
  "video/mp4",
  "video/3gpp",
  "video/quicktime",
  "audio/mpeg",
  "audio/mp4",
  "audio/amr",
  "audio/wav",
  "audio/ogg"
];

export function mmsRoutes(services: SandboxServices): Route[] {
  return serviceRoutes("mms", "hmac", [["POST", /^\/telco-messaging$/, (r) => sendMms(services, r)]]);
}

function sendMms(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const body = parseJsonObject(request.body, (m) => smsValidationError("request", m));
  const from = checkSender(body.from);
  const recipients = readRecipients(body.recipients, "Recipients");
  const message = typeof body.message === "string" ? body.message : "";
  if (message.length > MMS_MAX_MESSAGE_LENGTH) {
    throw smsValidationError("Message", `The field Message must be a string with a maximum length of '${MMS_MAX_MESSAGE_LENGTH}'.`);
  }
  const attachments = checkAttachments(body.attachments);
  if (message.length === 0 && attachments.length === 0) {
    throw smsValidationError("Message", "A message or at least one attachment is required.");
  }
  const value = sendToRecipients(services, "mms", from, recipients, (to, messageId) => {
    const record: MmsRecord = {
      messageId,
      from,
      to: to.to,
      message,
      enableDeliveryReport: false,
      attachments,
      sentAt: Date.now()
    };
    if (to.repeatabilityRequestId !== undefined) record.repeatabilityRequestId = to.repeatabilityRequestId;
    services.store.mms.push(record);
  });
  return { status: 202, body: { value } };
}

function checkAttachments(value: unknown): MmsRecord["attachments"] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw smsValidationError("Attachments", "The field Attachments must be an array.");
  if (value.length > MMS_MAX_ATTACHMENTS) {
    throw smsValidationError("Attachments", `The field Attachments must be an array with a maximum length of '${MMS_MAX_ATTACHMENTS}'.`);
  }
  let totalBytes = 0;
  const attachments = value.map((item: unknown, index) => {
    const mimeType = isObject(item) ? stringOrUndefined(item.mimeType) : undefined;
    const content = isObject(item) ? stringOrUndefined(item.content) : undefined;
    if (mimeType === undefined || !MMS_MIME_TYPES.includes(mimeType.toLowerCase())) {
      throw smsValidationError(`Attachments[${index}].MimeType`, `Unsupported attachment type '${String(mimeType)}'.`);
    }
    if (content === undefined || content.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(content)) {
      throw smsValidationError(`Attachments[${index}].Content`, "Attachment content must be base64.");
    }
    totalBytes += Buffer.from(content, "base64").length;
    return { mimeType, content };
  });
  if (totalBytes > MMS_MAX_ATTACHMENT_BYTES) {
    throw smsValidationError("Attachments", `Attachments exceed the maximum total size of ${MMS_MAX_ATTACHMENT_BYTES} bytes.`);
  }
  return attachments;
}
