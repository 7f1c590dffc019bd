// Builds the EmailMessage the SDK sends from what the node resolved, and refuses, with an error a
// user can act on, everything the service would refuse: no sender, no recipient, more than 50
// recipients, no subject, no body, or a request over 10 MB once the attachments are base64 encoded.
import type { EmailAddress, EmailAttachment, EmailMessage } from "@azure/communication-email";
import { parseSingleAddress, quotedValue } from "./addresses";
import { controlCharacterAt } from "../core/control-characters";
import { AcsError, fieldError } from "../core/errors";
import { isRecord } from "../core/values";

export const MAX_RECIPIENTS = 50;
/** The service's limit on one request, attachments included after base64 encoding. */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export type Importance = "" | "high" | "normal" | "low";

export interface EmailDraft {
  /** The sender as the flow gave it (text or {address, displayName}). */
  sender: unknown;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  subject: string | undefined;
  plainText: string | undefined;
  html: string | undefined;
  headers: Record<string, string>;
  importance: Importance;
  disableTracking: boolean;
  attachments: EmailAttachment[];
}

/** The validated message; throws an AcsError (field, value, what is wrong) when it cannot be sent. */
export function buildEmailMessage(draft: EmailDraft): EmailMessage {
  const sender = parseSingleAddress("sender", draft.sender);
  if (!sender) throw new AcsError("acs-email.errors.noSender");
  const recipientCount = draft.to.length + draft.cc.length + draft.bcc.length;
  if (recipientCount === 0) throw new AcsError("acs-email.errors.noRecipient");
  if (recipientCount > MAX_RECIPIENTS) throw new AcsError("acs-email.errors.tooManyRecipients", { count: recipientCount, limit: MAX_RECIPIENTS });
  const subject = draft.subject?.trim() ? draft.subject : undefined;
  if (!subject) throw new AcsError("acs-email.errors.noSubject");
  const plainText = draft.plainText === "" ? undefined : draft.plainText;
  const html = draft.html === "" ? undefined : draft.html;
  if (plainText === undefined && html === undefined) throw new AcsError("acs-email.errors.noBody");
  checkContentIds(draft.attachments);
  checkHeaderFields(draft, subject, sender);

  const message: EmailMessage = {
    senderAddress: sender.address,
    content: html === undefined ? { subject, plainText: plainText as string } : { subject, html, ...(plainText === undefined ? {} : { plainText }) },
    recipients: {
      to: draft.to,
      ...(draft.cc.length ? { cc: draft.cc } : {}),
      ...(draft.bcc.length ? { bcc: draft.bcc } : {}),
    },
  };
  const headers = { ...draft.headers, ...importanceHeaders(draft.importance) };
  if (Object.keys(headers).length) message.headers = headers;
  if (draft.replyTo.length) message.replyTo = draft.replyTo;
  if (draft.attachments.length) message.attachments = draft.attachments;
  if (draft.disableTracking) message.disableUserEngagementTracking = true;
  checkSize(message);
  return message;
}

/**
 * Every text that becomes a mail header is one line: a CR or LF would start a header of its own (a
 * forged Bcc, a second body). Checked on the message as it will be sent, so after templates rendered.
 */
function checkHeaderFields(draft: EmailDraft, subject: string, sender: EmailAddress): void {
  oneLine("subject", subject);
  oneLine("sender.displayName", sender.displayName);
  for (const list of ["to", "cc", "bcc", "replyTo"] as const) {
    draft[list].forEach((address, index) => {
      oneLine(`${list}[${index}].address`, address.address);
      oneLine(`${list}[${index}].displayName`, address.displayName);
    });
  }
  for (const [name, value] of Object.entries(draft.headers)) oneLine(`headers.${name}`, value);
  draft.attachments.forEach((attachment, index) => {
    oneLine(`attachments[${index}].name`, attachment.name);
    oneLine(`attachments[${index}].contentType`, attachment.contentType);
    oneLine(`attachments[${index}].contentId`, attachment.contentId);
  });
}

/** Throws naming the field when `text` holds a control character (CR, LF, NUL...). */
export function oneLine(field: string, text: string | undefined): void {
  if (text === undefined) return;
  const at = controlCharacterAt(text);
  if (at >= 0) throw fieldError("acs-email.errors.controlCharacter", field, JSON.stringify(text), { position: at + 1 });
}

/** Custom headers from the node or the msg: an object of texts (numbers and booleans are written out). */
export function headersFrom(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === "") return {};
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw fieldError("acs-email.errors.badHeaders", "headers", quotedValue(value));
    }
  }
  if (!isRecord(parsed)) throw fieldError("acs-email.errors.badHeaders", "headers", quotedValue(value));
  const headers: [string, string][] = [];
  for (const [name, raw] of Object.entries(parsed)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw fieldError("acs-email.errors.badHeaderName", "headers", name);
    if (raw === undefined || raw === null) continue;
    if (typeof raw === "object") throw fieldError("acs-email.errors.badHeaderValue", `headers.${name}`, raw);
    headers.push([name, String(raw)]);
  }
  // fromEntries defines own properties: a header named `__proto__` stays a header (assigning it would set the prototype).
  return Object.fromEntries(headers);
}

/** The headers mail clients read for importance (Outlook: Importance; others: X-Priority). */
export function importanceHeaders(importance: Importance): Record<string, string> {
  switch (importance) {
    case "high":
      return { Importance: "high", "X-Priority": "1" };
    case "low":
      return { Importance: "low", "X-Priority": "5" };
    case "normal":
      return { Importance: "normal", "X-Priority": "3" };
    default:
      return {};
  }
}

/** Size of the request body the SDK will send, in bytes. */
export function requestBytes(message: EmailMessage): number {
  return Buffer.byteLength(JSON.stringify(message), "utf8");
}

function checkSize(message: EmailMessage): void {
  const bytes = requestBytes(message);
  if (bytes <= MAX_REQUEST_BYTES) return;
  const attachments = message.attachments ?? [];
  if (attachments.length === 0) throw new AcsError("acs-email.errors.tooLargeBody", { size: formatBytes(bytes), limit: formatBytes(MAX_REQUEST_BYTES) });
  const largest = attachments.reduce((big, next) => (next.contentInBase64.length > big.contentInBase64.length ? next : big));
  throw new AcsError("acs-email.errors.tooLarge", {
    size: formatBytes(bytes),
    limit: formatBytes(MAX_REQUEST_BYTES),
    name: largest.name,
    largest: formatBytes(largest.contentInBase64.length),
  });
}

/** Two inline images with one contentId would make `cid:` references ambiguous. */
function checkContentIds(attachments: EmailAttachment[]): void {
  const seen = new Set<string>();
  for (const attachment of attachments) {
    if (!attachment.contentId) continue;
    if (seen.has(attachment.contentId)) throw fieldError("acs-email.errors.duplicateCid", "attachments", attachment.contentId);
    seen.add(attachment.contentId);
  }
}

/** 10485760 -> "10 MB", 12.46 MB -> "12.5 MB", 900 kB -> "900 KB". */
export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
