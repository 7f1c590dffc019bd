// The msg.acs contract: what every node of this package puts on msg.acs, whether it sent something
// (acs-sms, acs-email, acs-chat) or received an event about it (acs-events). One vocabulary for
// channels and statuses lets a single switch node route any of them. The README lists the statuses;
// a test holds the list and ACS_STATUSES to each other.

export const ACS_CHANNELS = ["sms", "email", "chat"] as const;
export type AcsChannel = (typeof ACS_CHANNELS)[number];

/** Every status a node sets, in the order the README lists them. */
export const ACS_STATUSES = [
  "queued",
  "sent",
  "delivered",
  "failed",
  "optedOut",
  "bounced",
  "suppressed",
  "spam",
  "quarantined",
  "expired",
  "read",
  "unread",
  "opened",
  "clicked",
  "received",
] as const;
export type AcsStatus = (typeof ACS_STATUSES)[number];

/** What a send recorded, kept by the correlation store and returned on its events as msg.acs.sent. */
export interface SentRecord {
  channel: AcsChannel;
  messageId: string;
  correlationId: string;
  to: string;
  from?: string;
  /** Milliseconds since the epoch. */
  sentAt: number;
  /** The flow's `msg.contact` at send time: the recipient's other contact details, for fallbacks. */
  contact?: Record<string, unknown>;
  /** Chat only: the thread the message went to. */
  threadId?: string;
}

/** The fields every msg.acs can have. */
interface AcsCommon {
  messageId?: string;
  from?: string;
  /** Chat: the thread of the message or operation. */
  threadId?: string;
  /**
   * The flow's id for what was sent (msg.correlationId). Sends always carry it, but for a batch entry
   * refused before it got one; events carry it when they were matched to a send.
   */
  correlationId?: string;
}

/** msg.acs of a send node. Channels add their own fields (SMS segments, chat userId...) to this. */
export interface AcsSendInfo extends AcsCommon {
  channel: AcsChannel;
  /** "send", "batch" (an email batch's summary) or the chat operation ("sendMessage", "createThread"...). */
  operation: string;
  status: AcsStatus;
  /** The recipient; on one msg for many recipients (acs-sms's single output), every one of them. */
  to?: string | string[];
  /** Why it failed, when status is failed. */
  error?: string;
}

/** msg.acs of acs-events. */
export interface AcsEventInfo extends AcsCommon {
  operation: "event";
  /** The full event type (Microsoft.Communication.SMSDeliveryReportReceived). */
  eventType: string;
  to?: string;
  /** Absent for event types this package does not know. */
  channel?: AcsChannel;
  /** A status of the vocabulary, or the service's own word, lower-cased, when the vocabulary has no equivalent. */
  status?: AcsStatus | (string & Record<never, never>);
  /** The service's status as sent (deliveryStatus, status or engagementType). */
  serviceStatus?: string;
  /** The service's explanation of the status. */
  details?: string;
  /** SMS: the tag given at send time (the correlationId). */
  tag?: string;
  /** What the send node recorded for the message this event is about. */
  sent?: SentRecord;
}

export type AcsInfo = AcsSendInfo | AcsEventInfo;
