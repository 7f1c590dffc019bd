// Email API (api-version 2025-09-01): POST /emails:send answers 202 with an absolute
// Operation-Location and Retry-After; GET /emails/operations/{id} moves NotStarted -> Running ->
// Succeeded | Failed over simulated time. Operation-Id makes a send idempotent.

import { randomUUID } from "node:crypto";
import { badRequest, serviceError, type ServiceResponse } from "../http/errors";
import type { EmailDomainKind } from "../state/quotas";
import { headerValue, serviceRoutes, takeQuota, type RequestInfo, type Route, type SandboxServices } from "./services";
import type { EmailAddress, EmailAttachment, EmailRecord } from "../state/types";
import { isObject, parseJsonObject, stringOrUndefined, stringRecord } from "../http/json";

export const EMAIL_API_VERSION = "2025-09-01";
export const EMAIL_MAX_RECIPIENTS = 50;
export const EMAIL_MAX_REQUEST_BYTES = 10 * 1024 * 1024;
/** Simulated time an accepted email waits before Running, and before its final status. */
export const EMAIL_RUNNING_AFTER_MS = 1_000;
export const EMAIL_FINISHED_AFTER_MS = 5_000;

export function emailRoutes(services: SandboxServices): Route[] {
  const operations = new EmailOperations(services);
  return serviceRoutes("email", "hmac", [
    ["POST", /^\/emails:send$/, (r) => operations.send(r)],
    ["GET", /^\/emails\/operations\/([^/]+)$/, (r) => operations.status(r)]
  ]);
}

class EmailOperations {
  constructor(private readonly services: SandboxServices) {}

  send(request: RequestInfo): ServiceResponse {
    if (request.body.length > EMAIL_MAX_REQUEST_BYTES) {
      throw serviceError(413, "RequestEntityTooLarge", `The request exceeds the maximum size of ${EMAIL_MAX_REQUEST_BYTES} bytes.`);
    }
    const operationId = headerValue(request.headers, "operation-id") ?? randomUUID();
    const existing = this.services.store.getEmail(operationId);
    if (existing) return this.accepted(request, existing);

    const record = this.validate(request, operationId);
    const domain = senderDomain(record.senderAddress);
    const kind = domainKind(domain);
    takeQuota(this.services, "email", `email:${kind}:${domain}`, this.services.quotas.email[kind]);
    this.services.store.emails.set(operationId, record);
    this.schedule(record);
    this.services.hooks.emailAccepted(record);
    return this.accepted(request, record);
  }

  status(request: RequestInfo): ServiceResponse {
    const record = this.services.store.getEmail(request.params[0]);
    if (!record) throw serviceError(404, "NotFound", `Operation '${request.params[0]}' was not found.`);
    const body: Record<string, unknown> = { id: record.operationId, status: record.status };
    if (record.error) body.error = record.error;
    return { status: 200, headers: this.retryAfter(record), body };
  }

  private accepted(request: RequestInfo, record: EmailRecord): ServiceResponse {
    return {
      status: 202,
      headers: {
        "Operation-Location": `${request.origin}/emails/operations/${record.operationId}?api-version=${EMAIL_API_VERSION}`,
        ...this.retryAfter(record)
      },
      body: { id: record.operationId, status: record.status }
    };
  }

  /** Retry-After (real seconds, as the SDK waits that long) only while the operation is not final. */
  private retryAfter(record: EmailRecord): Record<string, string> {
    if (record.status !== "NotStarted" && record.status !== "Running") return {};
    const elapsed = this.services.clock.toSim(Date.now() - record.sentAt);
    const next = record.status === "NotStarted" ? EMAIL_RUNNING_AFTER_MS : EMAIL_FINISHED_AFTER_MS;
    const realSeconds = this.services.clock.toReal(Math.max(0, next - elapsed)) / 1000;
    return { "Retry-After": String(Math.round(realSeconds)) };
  }

  private schedule(record: EmailRecord): void {
    const { clock, outcomes } = this.services;
    clock.setTimeout(() => {
      if (record.status === "NotStarted") record.status = "Running";
    }, EMAIL_RUNNING_AFTER_MS);
    clock.setTimeout(() => {
      const everyone = [...record.recipients.to, ...record.recipients.cc, ...record.recipients.bcc];
      const allFailed = everyone.every((r) => outcomes.email(r.address).outcome === "failed");
      if (allFailed) {
        record.status = "Failed";
        record.error = { code: "EmailDropped", message: "Email was dropped after several attempts to deliver." };
      } else {
        record.status = "Succeeded";
      }
    }, EMAIL_FINISHED_AFTER_MS);
  }

  private validate(request: RequestInfo, operationId: string): EmailRecord {
    const body = parseJsonObject(request.body, badRequest);
    const senderAddress = stringOrUndefined(body.senderAddress);
    if (!senderAddress || !isEmailAddress(senderAddress)) throw badRequest("senderAddress: a valid email address is required.", "senderAddress");
    const domain = senderDomain(senderAddress);
    const owned = domainKind(domain) === "managed" || this.services.customDomains.some((d) => d.toLowerCase() === domain);
    if (!owned) throw serviceError(404, "DomainNotLinked", "The specified sender domain has not been linked.");

    const content = isObject(body.content) ? body.content : undefined;
    const subject = stringOrUndefined(content?.subject);
    if (!content || !subject) throw badRequest("content.subject is required.", "content.subject");
    const plainText = stringOrUndefined(content.plainText);
    const html = stringOrUndefined(content.html);
    if (plainText === undefined && html === undefined) {
      throw badRequest("content: plainText or html is required.", "content");
    }

    const recipients = isObject(body.recipients) ? body.recipients : {};
    const to = addressList(recipients.to, "recipients.to");
    const cc = addressList(recipients.cc, "recipients.cc");
    const bcc = addressList(recipients.bcc, "recipients.bcc");
    const total = to.length + cc.length + bcc.length;
    if (total === 0) throw badRequest("recipients: at least one recipient is required.", "recipients");
    if (total > EMAIL_MAX_RECIPIENTS) {
      throw badRequest(`recipients: ${total} recipients exceed the limit of ${EMAIL_MAX_RECIPIENTS} per email.`, "recipients");
    }

    const record: EmailRecord = {
      operationId,
      senderAddress,
      content: { subject },
      recipients: { to, cc, bcc },
      attachments: attachmentList(body.attachments),
      replyTo: addressList(body.replyTo, "replyTo"),
      headers: stringRecord(body.headers) ?? {},
      userEngagementTrackingDisabled: body.userEngagementTrackingDisabled === true,
      status: "NotStarted",
      sentAt: Date.now()
    };
    if (plainText !== undefined) record.content.plainText = plainText;
    if (html !== undefined) record.content.html = html;
    return record;
  }
}

function senderDomain(address: string): string {
  return address.split("@")[1].toLowerCase();
}

/** Azure-managed domains (`*.azurecomm.net`) are linked to every resource and have the lower quota. */
function domainKind(domain: string): EmailDomainKind {
  return domain.endsWith(".azurecomm.net") ? "managed" : "custom";
}

function isEmailAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}

function addressList(value: unknown, field: string): EmailAddress[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${field} must be an array.`, field);
  return value.map((item: unknown, index) => {
    const address = isObject(item) ? stringOrUndefined(item.address) : undefined;
    if (!address || !isEmailAddress(address)) {
      throw badRequest(`${field}[${index}].address is not a valid email address.`, `${field}[${index}].address`);
    }
    const entry: EmailAddress = { address };
    const displayName = isObject(item) ? stringOrUndefined(item.displayName) : undefined;
    if (displayName !== undefined) entry.displayName = displayName;
    return entry;
  });
}

function attachmentList(value: unknown): EmailAttachment[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest("attachments must be an array.", "attachments");
  return value.map((item: unknown, index) => {
    const name = isObject(item) ? stringOrUndefined(item.name) : undefined;
    const contentType = isObject(item) ? stringOrUndefined(item.contentType) : undefined;
    const contentInBase64 = isObject(item) ? stringOrUndefined(item.contentInBase64) : undefined;
    if (!name || !contentType || contentInBase64 === undefined) {
      throw badRequest(`attachments[${index}] needs name, contentType and contentInBase64.`, `attachments[${index}]`);
    }
    const attachment: EmailAttachment = { name, contentType, contentInBase64 };
    const contentId = isObject(item) ? stringOrUndefined(item.contentId) : undefined;
    if (contentId !== undefined) attachment.contentId = contentId;
    return attachment;
  });
}
