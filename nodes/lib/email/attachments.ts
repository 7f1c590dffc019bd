// msg.attachments in node-red-node-email's (nodemailer's) shape turned into ACS attachments:
// {filename, content: Buffer or string, contentType?, encoding?, cid?} -> {name, contentType,
// contentInBase64, contentId?}. A `cid` makes the attachment an inline image for `<img src="cid:...">`.
import type { EmailAttachment } from "@azure/communication-email";
import { quotedValue } from "./addresses";
import { AcsError, fieldError } from "../core/errors";
import { isRecord, trimmedText } from "../core/values";

// A Map: the key is the extension of a file name the flow supplies (`x.__proto__` must find nothing).
const CONTENT_TYPES = new Map<string, string>([
  ["txt", "text/plain"],
  ["csv", "text/csv"],
  ["htm", "text/html"],
  ["html", "text/html"],
  ["json", "application/json"],
  ["xml", "application/xml"],
  ["pdf", "application/pdf"],
  ["zip", "application/zip"],
  ["png", "image/png"],
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["gif", "image/gif"],
  ["bmp", "image/bmp"],
  ["webp", "image/webp"],
  ["svg", "image/svg+xml"],
  ["ics", "text/calendar"],
  ["doc", "application/msword"],
  ["docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
  ["xls", "application/vnd.ms-excel"],
  ["xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
  ["ppt", "application/vnd.ms-powerpoint"],
  ["pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"],
]);

interface NodemailerAttachment {
  filename?: unknown;
  content?: unknown;
  contentType?: unknown;
  encoding?: unknown;
  cid?: unknown;
  contentId?: unknown;
  path?: unknown;
}

/** The ACS attachments of `msg.attachments` (one object or a list); undefined or empty gives none. */
export function attachmentsFrom(value: unknown): EmailAttachment[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item: unknown, index) => toAttachment(`attachments[${index}]`, item));
}

function toAttachment(field: string, value: unknown): EmailAttachment {
  if (!isRecord(value)) {
    throw fieldError("acs-email.errors.attachmentNotObject", field, quotedValue(value));
  }
  const item = value as NodemailerAttachment;
  // Mail parsers write Content-ID with its angle brackets; a cid: reference has none.
  const contentId = (trimmedText(item.cid) ?? trimmedText(item.contentId))?.replace(/^<(.*)>$/, "$1");
  const name = trimmedText(item.filename) ?? contentId;
  if (!name) throw new AcsError("acs-email.errors.attachmentNoName", { field });
  if (item.content === undefined || item.content === null) {
    const key = item.path === undefined ? "acs-email.errors.attachmentNoContent" : "acs-email.errors.attachmentPath";
    throw new AcsError(key, { field, name });
  }
  const attachment: EmailAttachment = {
    name,
    contentType: trimmedText(item.contentType) ?? contentTypeOf(name),
    contentInBase64: base64Of(field, name, item.content, trimmedText(item.encoding)),
  };
  if (contentId) attachment.contentId = contentId;
  return attachment;
}

function base64Of(field: string, name: string, content: unknown, encoding: string | undefined): string {
  if (Buffer.isBuffer(content) || content instanceof Uint8Array) return Buffer.from(content).toString("base64");
  if (typeof content === "string") {
    if (encoding === "base64") return validBase64(field, name, content);
    if (encoding === "hex" || encoding === "latin1" || encoding === "binary" || encoding === "utf8" || encoding === "utf-8") {
      return Buffer.from(content, encoding).toString("base64");
    }
    return Buffer.from(content, "utf8").toString("base64");
  }
  // A Buffer that went through JSON (e.g. a flow or context store): {type: "Buffer", data: [...]}.
  const serialised = content as { type?: unknown; data?: unknown };
  if (serialised.type === "Buffer" && Array.isArray(serialised.data)) return Buffer.from(serialised.data as number[]).toString("base64");
  throw new AcsError("acs-email.errors.attachmentBadContent", { field, name });
}

/** Standard base64 (whitespace allowed between the groups), checked: the service would store malformed text as is. */
function validBase64(field: string, name: string, content: string): string {
  const compact = content.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new AcsError("acs-email.errors.attachmentBadBase64", { field, name });
  }
  return compact;
}

/** The MIME type for a file name's extension; application/octet-stream when unknown. */
export function contentTypeOf(fileName: string): string {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? "";
  return CONTENT_TYPES.get(extension) ?? "application/octet-stream";
}
