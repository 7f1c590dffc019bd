// Shared shapes of the sandbox: what the service handlers record, and the hooks through which the
// Event Grid side learns of it. Handlers (server, identity, sms, mms, email, chat) produce these
// records; the outcome rules, report scheduler, Event Grid broker and control API consume them.

export type Channel = "sms" | "mms" | "email" | "chat";

export interface SmsRecord {
  messageId: string;
  from: string;
  to: string;
  message: string;
  tag?: string;
  enableDeliveryReport: boolean;
  repeatabilityRequestId?: string;
  /** Milliseconds since the epoch, real clock. */
  sentAt: number;
}

export interface MmsRecord extends SmsRecord {
  attachments: { mimeType: string; content: string }[];
}

export interface EmailAddress {
  address: string;
  displayName?: string;
}

export interface EmailAttachment {
  name: string;
  contentType: string;
  contentInBase64: string;
  contentId?: string;
}

export type EmailOperationStatus = "NotStarted" | "Running" | "Succeeded" | "Failed" | "Canceled";

export interface EmailRecord {
  /** The long-running operation id, also the messageId of the delivery events. */
  operationId: string;
  senderAddress: string;
  content: { subject: string; plainText?: string; html?: string };
  recipients: { to: EmailAddress[]; cc: EmailAddress[]; bcc: EmailAddress[] };
  attachments: EmailAttachment[];
  replyTo: EmailAddress[];
  headers: Record<string, string>;
  userEngagementTrackingDisabled: boolean;
  status: EmailOperationStatus;
  error?: { code: string; message: string };
  sentAt: number;
}

export interface ChatMessageRecord {
  threadId: string;
  messageId: string;
  senderId: string;
  senderDisplayName?: string;
  type: "text" | "html";
  content: string;
  metadata?: Record<string, string>;
  sentAt: number;
}

export interface ChatParticipantRecord {
  id: string;
  displayName?: string;
}

/** What the service side tells the Event Grid side. Every method must return quickly and never throw. */
export interface SandboxHooks {
  smsSent(record: SmsRecord): void;
  emailAccepted(record: EmailRecord): void;
  chatThreadCreated(threadId: string, topic: string, createdBy: string, participants: ChatParticipantRecord[]): void;
  chatMessageSent(record: ChatMessageRecord, recipients: ChatParticipantRecord[]): void;
  chatParticipantsAdded(threadId: string, addedBy: string, added: ChatParticipantRecord[]): void;
  chatParticipantRemoved(threadId: string, removedBy: string, removed: ChatParticipantRecord): void;
  chatThreadDeleted(threadId: string, deletedBy: string): void;
  /** A user said they are typing (no event follows; the sandbox UI shows it). */
  chatTyping?(threadId: string, userId: string): void;
}

/** One scripted outcome, chosen by the first rule whose pattern matches the recipient. */
export interface OutcomeRule {
  /** Exact phone number / address, or a pattern with `*` wildcards (e.g. "+1555000*", "*@bounce.test"). */
  match: string;
  /** sms: delivered | failed | optedOut | late; email: delivered | bounced | suppressed | quarantined | spam | failed. */
  outcome: string;
  /** Simulated delay before the report, in (simulated) milliseconds; for `late`, how long the phone was off. */
  delayMs?: number;
  /** Free text carried in the report's status details. */
  details?: string;
  /** Limit the rule to one channel (otherwise it applies wherever its outcome exists). */
  channel?: "sms" | "email";
}
