// Turns what the service accepted into the events the real service would publish, at the simulated
// time they would arrive: SMS delivery reports (per scripted outcome and opt-out), email delivery
// reports per recipient, chat events, inbound SMS (with STOP/START opt-out handling) and email
// engagement played by the control API.
import { randomUUID } from "node:crypto";
import {
  chatMessageEvents,
  chatParticipantAddedEvent,
  chatParticipantRemovedEvent,
  chatThreadCreatedEvents,
  chatThreadDeletedEvent,
  countSmsSegments,
  emailDeliveryReportEvent,
  emailEngagementEvent,
  smsDeliveryReportEvent,
  smsReceivedEvent,
} from "./acs-events";
import type { EmailDeliveryStatus, EventContext, SmsDeliveryAttempt } from "./acs-events";
import { defaultTopic } from "./broker";
import type { EventGridEventShape } from "./types";
import { optedOutOutcome, type EmailOutcomeKind, type Outcomes, type SmsOutcome } from "../state/outcomes";
import type { ChatParticipantRecord, EmailRecord, SandboxHooks, SmsRecord, ChatMessageRecord } from "../state/types";

/** The clock operations the scheduler needs (emulator/state/clock.ts provides them). */
export interface ReportClock {
  now(): number;
  setTimeout(fn: () => void, simMs: number): NodeJS.Timeout;
  clearTimeout(handle: NodeJS.Timeout): void;
}

/** The store operations the scheduler needs (emulator/state/store.ts provides them). */
export interface ReportStore {
  isOptedOut(from: string, to: string): boolean;
  setOptedOut(from: string, to: string, optedOut: boolean): void;
  getEmail(operationId: string): EmailRecord | undefined;
  getThread(threadId: string): { createdOn: number; metadata?: Record<string, string> } | undefined;
}

export interface EventPublisher {
  publish(events: EventGridEventShape[]): void;
}

export interface ReportSchedulerDeps {
  clock: ReportClock;
  outcomes: Outcomes;
  broker: EventPublisher;
  store: ReportStore;
  /** The ACS resource id used as every event's topic. */
  topic?: string;
}

export interface InboundSms {
  messageId: string;
  from: string;
  to: string;
  message: string;
  /** Simulated receive time, ms since the epoch. */
  receivedAt: number;
  /** What a STOP/START keyword did to the opt-out list, if anything. */
  optOut?: "optedOut" | "optedIn";
}

export interface EmailEngagementRequest {
  /** The send's operation id (the messageId of its delivery reports). */
  operationId?: string;
  messageId?: string;
  recipient: string;
  engagement: "view" | "click";
  engagementContext?: string;
  userAgent?: string;
}

/** A request the scenario cannot play: status and code as the control API answers them. */
export class ScenarioError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ScenarioError";
  }
}

export interface ReportScheduler extends SandboxHooks {
  receiveSms(input: { from: string; to: string; message: string }): InboundSms;
  engageEmail(request: EmailEngagementRequest): EventGridEventShape;
  receivedSms(): InboundSms[];
  /** Reports scheduled and not yet published. */
  pendingReports(): number;
  /** Resolves when no report is scheduled (at once if none is). */
  idle(): Promise<void>;
  /** Cancels scheduled reports and forgets inbound messages. */
  reset(): void;
  close(): void;
}

export const optOutKeywords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
export const optInKeywords = ["START", "UNSTOP"];

const emailStatuses: Record<EmailOutcomeKind, EmailDeliveryStatus> = {
  delivered: "Delivered",
  bounced: "Bounced",
  suppressed: "Suppressed",
  quarantined: "Quarantined",
  spam: "FilteredSpam",
  failed: "Failed",
};

const phonePattern = /^\+?[1-9]\d{3,14}$/;

export function createReportScheduler(deps: ReportSchedulerDeps): ReportScheduler {
  const { clock, outcomes, broker, store } = deps;
  const context: EventContext = { topic: deps.topic ?? defaultTopic, now: () => clock.now() };
  const timers = new Set<NodeJS.Timeout>();
  let idleWaiters: (() => void)[] = [];
  const inbound: InboundSms[] = [];
  /** operationId -> lower-cased recipient -> outcome, so engagement only follows a delivered email. */
  const emailOutcomes = new Map<string, Map<string, EmailOutcomeKind>>();

  function later(simMs: number, action: () => void): void {
    const handle = clock.setTimeout(() => {
      timers.delete(handle);
      publishSafely(action);
      notifyIfIdle();
    }, simMs);
    timers.add(handle);
  }

  function notifyIfIdle(): void {
    if (timers.size > 0 || idleWaiters.length === 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  function publishSafely(action: () => void): void {
    try {
      action();
    } catch (error) {
      // Hooks run inside request handlers: a faulty report must never fail the send that caused it.
      console.error("sandbox: could not publish an event:", error instanceof Error ? error.message : error);
    }
  }

  function smsAttempts(outcome: SmsOutcome, sentAt: number, segments: number): SmsDeliveryAttempt[] {
    const reportAt = sentAt + outcome.reportDelayMs;
    if (outcome.outcome === "delivered") return [{ timestamp: new Date(reportAt).toISOString(), segmentsSucceeded: segments, segmentsFailed: 0 }];
    if (outcome.outcome === "late") {
      const firstTry = sentAt + Math.min(1000, outcome.reportDelayMs - outcome.phoneOffMs);
      return [
        { timestamp: new Date(firstTry).toISOString(), segmentsSucceeded: 0, segmentsFailed: segments },
        { timestamp: new Date(reportAt).toISOString(), segmentsSucceeded: segments, segmentsFailed: 0 },
      ];
    }
    return [{ timestamp: new Date(reportAt).toISOString(), segmentsSucceeded: 0, segmentsFailed: segments }];
  }

  function smsSent(record: SmsRecord): void {
    if (!record.enableDeliveryReport) return;
    publishSafely(() => {
      // An opt-out recorded from an inbound STOP wins over any rule, as the carrier blocks it.
      const outcome: SmsOutcome = store.isOptedOut(record.from, record.to) ? optedOutOutcome() : outcomes.sms(record.to);
      const sentAt = clock.now();
      const attempts = smsAttempts(outcome, sentAt, countSmsSegments(record.message));
      later(outcome.reportDelayMs, () =>
        broker.publish([
          smsDeliveryReportEvent(context, {
            messageId: record.messageId,
            from: record.from,
            to: record.to,
            deliveryStatus: outcome.outcome === "delivered" || outcome.outcome === "late" ? "Delivered" : "Failed",
            deliveryStatusDetails: outcome.details,
            deliveryAttempts: attempts,
            receivedTimestamp: sentAt + outcome.reportDelayMs,
            tag: record.tag,
          }),
        ]),
      );
    });
  }

  function emailAccepted(record: EmailRecord): void {
    publishSafely(() => {
      const seen = new Map<string, EmailOutcomeKind>();
      emailOutcomes.set(record.operationId, seen);
      const all = [...record.recipients.to, ...record.recipients.cc, ...record.recipients.bcc];
      for (const { address } of all) {
        const key = address.toLowerCase();
        if (seen.has(key)) continue;
        const outcome = outcomes.email(address);
        seen.set(key, outcome.outcome);
        later(outcome.reportDelayMs, () => {
          // An operation the service failed delivers to nobody.
          const operationFailed = store.getEmail(record.operationId)?.status === "Failed";
          broker.publish([
            emailDeliveryReportEvent(context, {
              sender: record.senderAddress,
              recipient: address,
              messageId: record.operationId,
              status: operationFailed ? "Failed" : emailStatuses[outcome.outcome],
              statusMessage: operationFailed ? (record.error?.message ?? "The email failed to be delivered.") : outcome.details,
              deliveryAttemptTimestamp: clock.now(),
            }),
          ]);
        });
      }
    });
  }

  function threadCreateTime(threadId: string): number {
    return store.getThread(threadId)?.createdOn ?? clock.now();
  }

  function chatThreadCreated(threadId: string, topic: string, createdBy: string, participants: ChatParticipantRecord[]): void {
    publishSafely(() =>
      broker.publish(
        chatThreadCreatedEvents(context, {
          threadId,
          topic,
          createdBy,
          participants,
          createTime: threadCreateTime(threadId),
          metadata: store.getThread(threadId)?.metadata,
        }),
      ),
    );
  }

  function chatMessageSent(record: ChatMessageRecord, recipients: ChatParticipantRecord[]): void {
    publishSafely(() =>
      broker.publish(
        chatMessageEvents(
          context,
          { ...record, composeTime: record.sentAt },
          recipients.map((recipient) => recipient.id),
        ),
      ),
    );
  }

  function chatParticipantsAdded(threadId: string, addedBy: string, added: ChatParticipantRecord[]): void {
    publishSafely(() => {
      const time = clock.now();
      const createTime = threadCreateTime(threadId);
      broker.publish(added.map((participant) => chatParticipantAddedEvent(context, { threadId, actorId: addedBy, participant, time, createTime })));
    });
  }

  function chatParticipantRemoved(threadId: string, removedBy: string, removed: ChatParticipantRecord): void {
    publishSafely(() =>
      broker.publish([
        chatParticipantRemovedEvent(context, {
          threadId,
          actorId: removedBy,
          participant: removed,
          time: clock.now(),
          createTime: threadCreateTime(threadId),
        }),
      ]),
    );
  }

  function chatThreadDeleted(threadId: string, deletedBy: string): void {
    publishSafely(() =>
      broker.publish([chatThreadDeletedEvent(context, { threadId, deletedBy, deleteTime: clock.now(), createTime: threadCreateTime(threadId) })]),
    );
  }

  function receiveSms(input: { from: string; to: string; message: string }): InboundSms {
    const { from, to, message } = input ?? {};
    if (typeof from !== "string" || !phonePattern.test(from)) {
      throw new ScenarioError(400, "InvalidFrom", `from: "${String(from)}" is not a phone number (expected E.164, e.g. +14255550123)`);
    }
    if (typeof to !== "string" || !phonePattern.test(to)) {
      throw new ScenarioError(400, "InvalidTo", `to: "${String(to)}" is not a phone number (expected E.164, e.g. +18005550100)`);
    }
    if (typeof message !== "string") throw new ScenarioError(400, "InvalidMessage", "message must be text");
    const received: InboundSms = { messageId: randomUUID(), from, to, message, receivedAt: clock.now() };
    const keyword = message.trim().toUpperCase();
    // The phone (from) opts out of messages sent by the number it replied to (to).
    if (optOutKeywords.includes(keyword)) {
      store.setOptedOut(to, from, true);
      received.optOut = "optedOut";
    } else if (optInKeywords.includes(keyword)) {
      store.setOptedOut(to, from, false);
      received.optOut = "optedIn";
    }
    inbound.push(received);
    broker.publish([smsReceivedEvent(context, { ...received, receivedTimestamp: received.receivedAt })]);
    return received;
  }

  function engageEmail(request: EmailEngagementRequest): EventGridEventShape {
    const id = request?.operationId ?? request?.messageId;
    if (typeof id !== "string" || id === "") throw new ScenarioError(400, "MissingOperationId", "operationId (or messageId) of the email is required");
    if (request.engagement !== "view" && request.engagement !== "click") {
      throw new ScenarioError(400, "InvalidEngagement", `engagement: "${String(request.engagement)}" must be view or click`);
    }
    const email = store.getEmail(id);
    if (!email) throw new ScenarioError(404, "EmailNotFound", `no email was sent with operation id ${id}`);
    if (typeof request.recipient !== "string") throw new ScenarioError(400, "MissingRecipient", "recipient address is required");
    const outcome = emailOutcomes.get(id)?.get(request.recipient.toLowerCase());
    if (outcome === undefined) throw new ScenarioError(404, "RecipientNotFound", `${request.recipient} is not a recipient of email ${id}`);
    if (email.userEngagementTrackingDisabled) {
      throw new ScenarioError(409, "EngagementTrackingDisabled", `email ${id} was sent with user engagement tracking disabled`);
    }
    if (outcome !== "delivered" || email.status === "Failed") {
      throw new ScenarioError(409, "EmailNotDelivered", `email ${id} was not delivered to ${request.recipient} (${outcome})`);
    }
    const event = emailEngagementEvent(context, {
      sender: email.senderAddress,
      recipient: request.recipient,
      messageId: id,
      engagement: request.engagement,
      engagementContext: request.engagementContext,
      userAgent: request.userAgent,
      userActionTimestamp: clock.now(),
    });
    broker.publish([event]);
    return event;
  }

  function cancelTimers(): void {
    for (const handle of timers) clock.clearTimeout(handle);
    timers.clear();
    notifyIfIdle();
  }

  return {
    smsSent,
    emailAccepted,
    chatThreadCreated,
    chatMessageSent,
    chatParticipantsAdded,
    chatParticipantRemoved,
    chatThreadDeleted,
    receiveSms,
    engageEmail,
    receivedSms: () => [...inbound],
    pendingReports: () => timers.size,
    idle: () => (timers.size === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    reset() {
      cancelTimers();
      inbound.length = 0;
      emailOutcomes.clear();
    },
    close: cancelTimers,
  };
}
