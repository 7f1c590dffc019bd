// Checks everything about one SMS or MMS before anything is sent: region, sender, recipients, text
// and attachments. Each problem is an error naming the field and the value.
import { AcsError, fieldError } from "../core/errors";
import type { MmsAttachment } from "../connection/mms-client";
import { mmsAttachments, MMS_MAX_MESSAGE_LENGTH } from "./mms-attachments";
import { parseRecipients, parseRegion, parseSender, type Sender } from "./phone-numbers";
import { smsSegments, type SegmentInfo } from "./segments";

export const SMS_MAX_MESSAGE_LENGTH = 2048;
/** Above this, carriers may split or refuse a message: the node warns. */
export const SMS_LONG_MESSAGE_LENGTH = 320;
/**
 * The longest correlation id sent as the SMS tag. The service's API states no limit for the tag, and
 * it travels back in every delivery report, so it is bounded here to a size any id fits in.
 */
export const SMS_MAX_TAG_LENGTH = 256;

/** The correlation id as the SMS tag; throws when it is over SMS_MAX_TAG_LENGTH characters. */
export function smsTag(correlationId: string): string {
  if (correlationId.length > SMS_MAX_TAG_LENGTH) {
    throw fieldError("acs-sms.errors.tagTooLong", "correlationId", correlationId, { length: correlationId.length, limit: SMS_MAX_TAG_LENGTH });
  }
  return correlationId;
}

/** The node's fields, already evaluated against the msg. */
export interface SmsInput {
  from?: string;
  to: unknown;
  message?: string;
  defaultRegion?: string;
  /** `msg.attachments` (or the configured property) when MMS is enabled; ignored otherwise. */
  attachments?: unknown;
  mms: boolean;
}

export interface PreparedSms {
  from: Sender;
  to: string[];
  message: string;
  /** SMS only. */
  segments?: SegmentInfo;
  /** Present when the message goes as MMS. */
  attachments?: MmsAttachment[];
}

/** Throws (rejects) naming the first field that is wrong. */
export async function prepareSms(input: SmsInput): Promise<PreparedSms> {
  const region = parseRegion(input.defaultRegion);
  const from = parseSender(input.from, region);
  const message = input.message ?? "";
  const attachments = input.mms ? mmsAttachments(input.attachments) : [];
  if (attachments.length > 0) {
    checkLength(message, MMS_MAX_MESSAGE_LENGTH);
    return { from, to: await parseRecipients(input.to, region), message, attachments };
  }
  if (message.trim() === "") throw new AcsError("acs-sms.errors.emptyMessage", { field: "message" });
  checkLength(message, SMS_MAX_MESSAGE_LENGTH);
  // The recipients last: a long list is the costly part, not worth parsing for a msg that fails anyway.
  return { from, to: await parseRecipients(input.to, region), message, segments: smsSegments(message) };
}

function checkLength(message: string, limit: number): void {
  if (message.length > limit) throw fieldError("acs-sms.errors.messageTooLong", "message", message, { length: message.length, limit });
}
