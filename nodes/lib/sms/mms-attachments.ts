// Turns `msg.attachments` in node-red-node-email's shape ({filename, content, contentType, encoding})
// into the MMS API's attachments ({mimeType, content: base64}), checking the MMS limits first.
import type { MmsAttachment } from "../connection/mms-client";
import { fieldError } from "../core/errors";

export const MMS_MAX_ATTACHMENTS = 10;
/** Carriers commonly cap an MMS near 1 MB: the total of every attachment, before base64. */
export const MMS_MAX_TOTAL_BYTES = 1024 * 1024;
export const MMS_MAX_MESSAGE_LENGTH = 1000;

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
  "audio/ogg",
];

// A Map: the key is the extension of a file name the flow supplies.
const TYPE_BY_EXTENSION = new Map<string, string>([
  ["jpg", "image/jpeg"],
  ["jpeg", "image/jpeg"],
  ["png", "image/png"],
  ["gif", "image/gif"],
  ["bmp", "image/bmp"],
  ["webp", "image/webp"],
  ["mp4", "video/mp4"],
  ["3gp", "video/3gpp"],
  ["mov", "video/quicktime"],
  ["mp3", "audio/mpeg"],
  ["m4a", "audio/mp4"],
  ["amr", "audio/amr"],
  ["wav", "audio/wav"],
  ["ogg", "audio/ogg"],
]);

interface EmailStyleAttachment {
  filename?: unknown;
  content?: unknown;
  contentType?: unknown;
  encoding?: unknown;
}

/** The attachments of an MMS; an empty list when `value` is empty. Throws naming the attachment and what is wrong. */
export function mmsAttachments(value: unknown, field = "attachments"): MmsAttachment[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length > MMS_MAX_ATTACHMENTS) {
    throw fieldError("acs-sms.errors.tooManyAttachments", field, `${list.length} attachments`, { limit: MMS_MAX_ATTACHMENTS });
  }
  let totalBytes = 0;
  const attachments = list.map((item: unknown, index) => {
    const where = `${field}[${index}]`;
    const attachment = (typeof item === "object" && item !== null ? item : {}) as EmailStyleAttachment;
    const name = typeof attachment.filename === "string" ? attachment.filename : `#${index}`;
    const bytes = contentBytes(attachment);
    if (!bytes || bytes.length === 0) throw fieldError("acs-sms.errors.attachmentEmpty", where, name);
    const mimeType = mimeTypeOf(attachment);
    if (!mimeType || !MMS_MIME_TYPES.includes(mimeType)) {
      throw fieldError("acs-sms.errors.attachmentType", where, mimeType ?? name, { types: MMS_MIME_TYPES.join(", ") });
    }
    totalBytes += bytes.length;
    return { mimeType, content: bytes.toString("base64") };
  });
  if (totalBytes > MMS_MAX_TOTAL_BYTES) {
    throw fieldError("acs-sms.errors.attachmentsTooLarge", field, `${totalBytes} bytes`, { limit: MMS_MAX_TOTAL_BYTES });
  }
  return attachments;
}

function contentBytes(attachment: EmailStyleAttachment): Buffer | undefined {
  const { content, encoding } = attachment;
  if (Buffer.isBuffer(content)) return content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  // A Buffer that went through JSON (e.g. a flow or a file node's output stored in context).
  if (isJsonBuffer(content)) return Buffer.from(content.data);
  if (typeof content === "string") {
    const enc = typeof encoding === "string" && Buffer.isEncoding(encoding) ? encoding : "utf8";
    return Buffer.from(content, enc);
  }
  return undefined;
}

function isJsonBuffer(value: unknown): value is { type: "Buffer"; data: number[] } {
  const shape = value as { type?: unknown; data?: unknown } | null;
  return typeof shape === "object" && shape !== null && shape.type === "Buffer" && Array.isArray(shape.data);
}

function mimeTypeOf(attachment: EmailStyleAttachment): string | undefined {
  if (typeof attachment.contentType === "string" && attachment.contentType.trim()) {
    return attachment.contentType.split(";")[0].trim().toLowerCase();
  }
  const extension = typeof attachment.filename === "string" ? attachment.filename.split(".").pop()?.toLowerCase() : undefined;
  return extension ? TYPE_BY_EXTENSION.get(extension) : undefined;
}
