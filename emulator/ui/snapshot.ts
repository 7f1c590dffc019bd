// What the sandbox UI shows, as one JSON document read after every change: the customer's phones and
// mailboxes, the chat threads, the Event Grid side and the 429s. Everything is built from the store,
// the control API and the activity feed; nothing here decides an outcome.
import { countSmsSegments } from "../eventgrid/acs-events";
import type { SandboxControl } from "../http/control-api";
import type { SandboxStore } from "../state/store";
import type { OutcomeRule } from "../state/types";
import type { PublishedEvent, SandboxActivity } from "./activity";

/** The rule the UI adds for a phone switched off, and the one for a mailbox that bounces. */
export const PHONE_OFF_DETAILS = "The phone is switched off.";

export interface SnapshotDeps {
  store: SandboxStore;
  control: SandboxControl;
  activity: SandboxActivity;
  /** Current quotas, latency and faults (what GET /_sandbox/settings answers). */
  settings: () => unknown;
  /** The Event Grid namespace's queue (depth, locks), when the sandbox has one. */
  namespace?: () => unknown;
}

/** Newest first, at most this many, in the Event Grid view. */
const MAX_EVENTS_SHOWN = 300;
/** A typing notification shows for this long (real ms), as chat apps do. */
const TYPING_SHOWN_MS = 8000;

const SMS_REPORT = "Microsoft.Communication.SMSDeliveryReportReceived";
const EMAIL_REPORT = "Microsoft.Communication.EmailDeliveryReportReceived";
const EMAIL_ENGAGEMENT = "Microsoft.Communication.EmailEngagementTrackingReportReceived";

interface PhoneMessage {
  direction: "out" | "in";
  messageId: string;
  from: string;
  to: string;
  text: string;
  at: number;
  segments: number;
  status?: string;
  statusDetails?: string;
  /** MMS images, by index (served by the UI server). */
  attachments?: { index: number; mimeType: string }[];
}

export function buildSnapshot(deps: SnapshotDeps): unknown {
  const { store, control, activity } = deps;
  const events = activity.events();
  const rules = control.rules();
  return {
    now: Date.now(),
    phones: phones(store, control, events, rules),
    mailboxes: mailboxes(store, events, rules),
    threads: threads(store, activity),
    eventGrid: eventGrid(control, events),
    namespace: deps.namespace?.() ?? null,
    quotas: { throttles: activity.throttles().reverse(), counters: control.counters().throttled },
    rules,
    settings: deps.settings(),
    counters: control.counters(),
  };
}

function dataOf(entry: PublishedEvent): Record<string, unknown> {
  const data = entry.event.data;
  return typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {};
}

function phones(store: SandboxStore, control: SandboxControl, events: PublishedEvent[], rules: OutcomeRule[]): unknown[] {
  const reports = new Map<string, Record<string, unknown>>();
  for (const entry of events) {
    if (entry.event.eventType !== SMS_REPORT) continue;
    const data = dataOf(entry);
    if (typeof data.messageId === "string") reports.set(data.messageId, data);
  }
  const byPhone = new Map<string, PhoneMessage[]>();
  const add = (phone: string, message: PhoneMessage) => {
    let list = byPhone.get(phone);
    if (!list) byPhone.set(phone, (list = []));
    list.push(message);
  };
  for (const sms of store.listSms()) {
    const report = reports.get(sms.messageId);
    add(sms.to, {
      direction: "out",
      messageId: sms.messageId,
      from: sms.from,
      to: sms.to,
      text: sms.message,
      at: sms.sentAt,
      segments: countSmsSegments(sms.message),
      status: report ? String(report.deliveryStatus) : sms.enableDeliveryReport ? "Sent" : "Sent (no report asked)",
      statusDetails: report ? String(report.deliveryStatusDetails ?? "") : undefined,
    });
  }
  for (const mms of store.listMms()) {
    add(mms.to, {
      direction: "out",
      messageId: mms.messageId,
      from: mms.from,
      to: mms.to,
      text: mms.message,
      at: mms.sentAt,
      segments: 1,
      status: "Sent",
      attachments: mms.attachments.map((attachment, index) => ({ index, mimeType: attachment.mimeType })),
    });
  }
  for (const inbound of control.receivedSms()) {
    add(inbound.from, {
      direction: "in",
      messageId: inbound.messageId,
      from: inbound.from,
      to: inbound.to,
      text: inbound.message,
      at: inbound.receivedAt,
      segments: countSmsSegments(inbound.message),
      status: inbound.optOut,
    });
  }
  const optOuts = store.listOptedOut();
  return [...byPhone].map(([number, messages]) => ({
    number,
    off: rules.some((rule) => isPhoneOffRule(rule, number)),
    optedOutOf: optOuts.filter((pair) => pair.to === number).map((pair) => pair.from),
    messages: messages.sort((a, b) => a.at - b.at),
  }));
}

export function isPhoneOffRule(rule: OutcomeRule, number: string): boolean {
  return rule.match === number && rule.outcome === "failed" && rule.channel === "sms";
}

export function isBouncingRule(rule: OutcomeRule, address: string): boolean {
  return rule.match.toLowerCase() === address.toLowerCase() && rule.outcome === "bounced" && rule.channel === "email";
}

function mailboxes(store: SandboxStore, events: PublishedEvent[], rules: OutcomeRule[]): unknown[] {
  const delivery = new Map<string, string>();
  const engagements = new Map<string, string[]>();
  for (const entry of events) {
    const data = dataOf(entry);
    const key = `${String(data.messageId)}\n${String(data.recipient).toLowerCase()}`;
    if (entry.event.eventType === EMAIL_REPORT) delivery.set(key, String(data.status));
    if (entry.event.eventType === EMAIL_ENGAGEMENT) {
      const list = engagements.get(key) ?? [];
      list.push(String(data.engagementType));
      engagements.set(key, list);
    }
  }
  const byAddress = new Map<string, { address: string; emails: unknown[] }>();
  for (const email of store.listEmails()) {
    const roles: [string, { address: string }[]][] = [
      ["to", email.recipients.to],
      ["cc", email.recipients.cc],
      ["bcc", email.recipients.bcc],
    ];
    for (const [role, list] of roles) {
      for (const { address } of list) {
        const lower = address.toLowerCase();
        let box = byAddress.get(lower);
        if (!box) byAddress.set(lower, (box = { address, emails: [] }));
        const key = `${email.operationId}\n${lower}`;
        box.emails.push({
          operationId: email.operationId,
          from: email.senderAddress,
          subject: email.content.subject,
          role,
          at: email.sentAt,
          operationStatus: email.status,
          delivery: delivery.get(key) ?? "pending",
          engagements: engagements.get(key) ?? [],
          attachments: email.attachments.length,
        });
      }
    }
  }
  return [...byAddress.values()].map((box) => ({
    ...box,
    bounces: rules.some((rule) => isBouncingRule(rule, box.address)),
  }));
}

function threads(store: SandboxStore, activity: SandboxActivity): unknown[] {
  const since = Date.now() - TYPING_SHOWN_MS;
  return store.listThreads().map((thread) => ({
    id: thread.id,
    topic: thread.topic,
    createdOn: thread.createdOn,
    deleted: thread.deletedOn !== undefined,
    participants: [...thread.participants.values()].map((p) => ({ id: p.id, displayName: p.displayName ?? "" })),
    messages: thread.messages.map((m) => ({
      messageId: m.messageId,
      type: m.type,
      senderId: m.senderId,
      senderDisplayName: m.senderDisplayName ?? "",
      content: m.content,
      at: m.sentAt,
      edited: m.editedOn !== undefined,
      deleted: m.deletedOn !== undefined,
    })),
    readReceipts: thread.readReceipts.map((r) => ({ senderId: r.senderId, chatMessageId: r.chatMessageId, readOn: r.readOn })),
    typing: activity.typingIn(thread.id).filter((t) => t.at >= since),
  }));
}

function eventGrid(control: SandboxControl, events: PublishedEvent[]): unknown {
  const attempts = new Map<string, unknown[]>();
  for (const entry of control.deliveries()) {
    if (entry.kind !== "notification") continue;
    for (const id of entry.eventIds) {
      const list = attempts.get(id) ?? [];
      list.push({
        subscription: entry.subscriptionName,
        deliveryCount: entry.deliveryCount,
        status: entry.status,
        outcome: entry.outcome,
        error: entry.error ?? "",
        duplicate: entry.duplicate,
        time: entry.time,
      });
      attempts.set(id, list);
    }
  }
  const shown = events.slice(-MAX_EVENTS_SHOWN).reverse();
  return {
    subscriptions: control.subscriptions().map((s) => ({
      id: s.id,
      name: s.name,
      endpoint: s.endpoint.replace(/([?&]code=)[^&]*/, "$1***"),
      includedEventTypes: s.includedEventTypes,
      state: s.provisioningState,
    })),
    events: shown.map(({ event, publishedAt }) => ({
      id: event.id,
      eventType: event.eventType,
      subject: event.subject,
      publishedAt,
      attempts: attempts.get(event.id) ?? [],
    })),
    total: events.length,
    deadLetters: control.deadLetters().map((d) => ({
      subscription: d.subscriptionName,
      eventId: d.event.id,
      eventType: d.event.eventType,
      reason: d.deadLetterReason,
      attempts: d.deliveryAttempts,
      lastHttpStatusCode: d.lastHttpStatusCode,
    })),
  };
}
