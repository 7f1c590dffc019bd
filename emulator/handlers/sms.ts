// SMS API (api-version 2021-03-07): POST /sms with per-recipient results that can mix accepted and
// failed recipients, repeatability ids that never send twice, sender quotas; and the newer opt-out
// endpoints /sms/optouts:add|:remove|:check.

import { randomUUID } from "node:crypto";
import { smsValidationError, type ServiceResponse } from "../http/errors";
import { isE164, senderKind } from "../state/phone-numbers";
import { serviceRoutes, takeQuota, type RequestInfo, type Route, type SandboxServices } from "./services";
import type { SmsRecord } from "../state/types";
import { isObject, parseJsonObject, stringOrUndefined, type JsonObject } from "../http/json";

export const SMS_MAX_RECIPIENTS = 100;
export const SMS_MAX_MESSAGE_LENGTH = 2048;

export interface RecipientRequest {
  to: string;
  repeatabilityRequestId?: string;
  repeatabilityFirstSent?: string;
}

export interface RecipientResult {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  repeatabilityResult?: "accepted" | "rejected";
  successful: boolean;
  errorMessage?: string;
}

export function smsRoutes(services: SandboxServices): Route[] {
  return serviceRoutes("sms", "hmac", [
    ["POST", /^\/sms$/, (r) => sendSms(services, r)],
    ["POST", /^\/sms\/optouts:(add|remove|check)$/, (r) => optOuts(services, r)]
  ]);
}

function sendSms(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const body = parseJsonObject(request.body, (m) => smsValidationError("request", m));
  const from = checkSender(body.from);
  const recipients = readRecipients(body.smsRecipients, "SmsRecipients");
  const message = checkMessage(body.message, SMS_MAX_MESSAGE_LENGTH);
  const options = isObject(body.smsSendOptions) ? body.smsSendOptions : {};
  const value = sendToRecipients(services, "sms", from, recipients, (to, messageId) => {
    const record: SmsRecord = {
      messageId,
      from,
      to: to.to,
      message,
      enableDeliveryReport: options.enableDeliveryReport === true,
      sentAt: Date.now()
    };
    const tag = stringOrUndefined(options.tag);
    if (tag !== undefined) record.tag = tag;
    if (to.repeatabilityRequestId !== undefined) record.repeatabilityRequestId = to.repeatabilityRequestId;
    services.store.sms.push(record);
    services.hooks.smsSent(record);
  });
  return { status: 202, body: { value } };
}

export function checkSender(from: unknown): string {
  if (typeof from !== "string" || senderKind(from) === null) {
    throw smsValidationError("From", "Invalid from phone number format.");
  }
  return from;
}

export function checkMessage(message: unknown, maxLength: number): string {
  if (typeof message !== "string" || message.length === 0) {
    throw smsValidationError("Message", "The Message field is required.");
  }
  if (message.length > maxLength) {
    throw smsValidationError("Message", `The field Message must be a string with a maximum length of '${maxLength}'.`);
  }
  return message;
}

export function readRecipients(value: unknown, field: string): RecipientRequest[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw smsValidationError(field, `The ${field} field is required.`);
  }
  if (value.length > SMS_MAX_RECIPIENTS) {
    throw smsValidationError(
      field,
      `The field ${field} must be a string or array type with a maximum length of '${SMS_MAX_RECIPIENTS}'.`
    );
  }
  return value.map((item: unknown) => {
    const entry: JsonObject = isObject(item) ? item : {};
    const recipient: RecipientRequest = { to: stringOrUndefined(entry.to) ?? "" };
    const id = stringOrUndefined(entry.repeatabilityRequestId);
    const firstSent = stringOrUndefined(entry.repeatabilityFirstSent);
    if (id !== undefined) recipient.repeatabilityRequestId = id;
    if (firstSent !== undefined) recipient.repeatabilityFirstSent = firstSent;
    return recipient;
  });
}

/**
 * Decides each recipient's result, takes the sender's quota for those that will be sent (429 for
 * the whole request when it has no room, recording nothing), then records them through `record`.
 */
export function sendToRecipients(
  services: SandboxServices,
  channel: "sms" | "mms",
  from: string,
  recipients: RecipientRequest[],
  record: (recipient: RecipientRequest, messageId: string) => void
): RecipientResult[] {
  const results: RecipientResult[] = [];
  const toSend: { recipient: RecipientRequest; result: RecipientResult }[] = [];
  const idsInRequest = new Set<string>();
  for (const recipient of recipients) {
    const result = judgeRecipient(services, recipient, idsInRequest);
    results.push(result);
    if (result.successful) toSend.push({ recipient, result });
  }
  const kind = senderKind(from) ?? "longCode";
  takeQuota(services, channel, `sms:${kind}:${from}`, services.quotas.sms[kind], toSend.length);
  for (const { recipient, result } of toSend) {
    const messageId = outgoingMessageId();
    result.messageId = messageId;
    if (recipient.repeatabilityRequestId !== undefined) {
      services.store.repeatability.set(recipient.repeatabilityRequestId, messageId);
    }
    record(recipient, messageId);
  }
  return results;
}

function judgeRecipient(services: SandboxServices, recipient: RecipientRequest, idsInRequest: Set<string>): RecipientResult {
  const { to, repeatabilityRequestId: id } = recipient;
  if (!isE164(to)) {
    return { to, httpStatusCode: 400, errorMessage: "Invalid To phone number format.", successful: false };
  }
  // A scripted refusal: the service answers this recipient's item with a failure, the others go on.
  const scripted = services.outcomes.sms(to);
  if (scripted.outcome === "refused") return { to, httpStatusCode: 400, errorMessage: scripted.details, successful: false };
  if (id === undefined) return { to, httpStatusCode: 202, successful: true };
  const firstSent = recipient.repeatabilityFirstSent;
  if (firstSent === undefined || !Number.isFinite(Date.parse(firstSent))) {
    return {
      to,
      httpStatusCode: 400,
      repeatabilityResult: "rejected",
      errorMessage:
        "Request sent with Invalid DateTime value for repeatability-first-sent. Expected is DateTime ,RFC1123 pattern.",
      successful: false
    };
  }
  const earlier = services.store.repeatability.get(id);
  if (earlier !== undefined || idsInRequest.has(id)) {
    // Never sent twice: the answer names the message the first request sent.
    const result: RecipientResult = {
      to,
      httpStatusCode: 400,
      repeatabilityResult: "rejected",
      errorMessage: "A request with the same repeatabilityRequestId was already accepted; the message was not sent again.",
      successful: false
    };
    if (earlier !== undefined) result.messageId = earlier;
    return result;
  }
  idsInRequest.add(id);
  return { to, httpStatusCode: 202, repeatabilityResult: "accepted", successful: true };
}

/** `Outgoing_<yyyyMMddHHmmss><guid>`, the service's message id format. */
function outgoingMessageId(): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `Outgoing_${stamp}${randomUUID()}`;
}

function optOuts(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const action = request.params[0];
  const body = parseJsonObject(request.body, (m) => smsValidationError("request", m));
  const from = checkSender(body.from);
  const recipients = readRecipients(body.recipients, "Recipients");
  const value = recipients.map(({ to }) => {
    if (!isE164(to)) {
      return { to, httpStatusCode: 400, errorMessage: "Invalid To phone number format." };
    }
    if (action === "add") services.store.setOptedOut(from, to, true);
    if (action === "remove") services.store.setOptedOut(from, to, false);
    return { to, httpStatusCode: 200, isOptedOut: services.store.isOptedOut(from, to) };
  });
  return { status: 200, body: { value } };
}
