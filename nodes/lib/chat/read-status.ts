// "Has participant X read message M?": X has read M when X has a read receipt for M or for any
// message sent after M. ACS keeps receipts per message, and a reader who saw a later message saw M.
import type { ReadReceiptResult } from "./results";

export interface ReadStatus {
  read: boolean;
  /** The message whose receipt proves it (M or a later one). */
  readMessageId?: string;
  readOn?: string;
}

/** Where a message sits in its thread: the service's sequence id and creation time. */
export interface MessagePosition {
  id: string;
  sequenceId: string;
  createdOn: Date;
}

export const UNREAD: ReadStatus = { read: false };

/** The receipts of one user, newest read first. */
export function receiptsOf(userId: string, receipts: ReadReceiptResult[]): ReadReceiptResult[] {
  return receipts.filter((receipt) => receipt.userId === userId).sort((a, b) => b.readOn.localeCompare(a.readOn));
}

export function readThrough(receipt: ReadReceiptResult): ReadStatus {
  return { read: true, readMessageId: receipt.messageId, readOn: receipt.readOn };
}

/** True when `message` was sent after `target` (sequence ids when both are numeric, else creation times). */
export function isSentAfter(message: MessagePosition, target: MessagePosition): boolean {
  const sequence = Number(message.sequenceId);
  const targetSequence = Number(target.sequenceId);
  if (message.sequenceId !== "" && target.sequenceId !== "" && Number.isFinite(sequence) && Number.isFinite(targetSequence)) {
    return sequence > targetSequence;
  }
  return message.createdOn.getTime() > target.createdOn.getTime();
}
