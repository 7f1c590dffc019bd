// The sandbox's one in-memory store: everything the handlers accept is kept here, and the control
// API, report scheduler and tests read it through the accessors below (never through the maps).

import type { ChatMessageRecord, ChatParticipantRecord, EmailRecord, MmsRecord, SmsRecord } from "./types";

export interface UserRecord {
  id: string;
  createdAt: number;
  /** Tokens whose issue sequence number is at most this are refused (see TokenClaims.seq). */
  tokensRevokedThrough?: number;
  deleted: boolean;
}

export interface StoredParticipant extends ChatParticipantRecord {
  shareHistoryTime?: string;
  metadata?: Record<string, string>;
}

export type SystemMessageType = "topicUpdated" | "participantAdded" | "participantRemoved";

/** A chat message as the thread keeps it: user messages plus the service's own system messages. */
export interface StoredChatMessage extends Omit<ChatMessageRecord, "type"> {
  type: ChatMessageRecord["type"] | SystemMessageType;
  sequenceId: number;
  version: string;
  editedOn?: number;
  deletedOn?: number;
  /** System messages: who did it, and the topic or participants concerned. */
  initiatorId?: string;
  topic?: string;
  participants?: StoredParticipant[];
}

export interface ReadReceipt {
  senderId: string;
  chatMessageId: string;
  readOn: number;
}

export interface ChatThreadState {
  id: string;
  topic: string;
  createdOn: number;
  createdBy: string;
  metadata?: Record<string, string>;
  retentionPolicy?: unknown;
  deletedOn?: number;
  participants: Map<string, StoredParticipant>;
  messages: StoredChatMessage[];
  readReceipts: ReadReceipt[];
  nextSequenceId: number;
}

/** What tests and benchmarks count. */
export interface SandboxCounters {
  requests: number;
  /** 429 answers by channel (sms, mms, email, chat, identity). */
  throttled: Record<string, number>;
  serverErrors: number;
  droppedConnections: number;
  authFailures: number;
}

export class SandboxStore {
  readonly users = new Map<string, UserRecord>();
  readonly sms: SmsRecord[] = [];
  readonly mms: MmsRecord[] = [];
  readonly emails = new Map<string, EmailRecord>();
  readonly threads = new Map<string, ChatThreadState>();
  /** repeatabilityRequestId -> messageId of the first accepted send (SMS and MMS). */
  readonly repeatability = new Map<string, string>();
  /** Chat thread creation idempotency: repeatability-request-id -> threadId. */
  readonly threadRepeatability = new Map<string, string>();
  /** Opted-out recipients per sender number. */
  readonly optOuts = new Map<string, Set<string>>();
  counters: SandboxCounters = emptyCounters();
  private lastChatMessageId = 0;
  private readonly resetListeners: (() => void)[] = [];

  // ---- read accessors (control API, reports, tests) ----

  listSms(): SmsRecord[] {
    return [...this.sms];
  }

  listMms(): MmsRecord[] {
    return [...this.mms];
  }

  listEmails(): EmailRecord[] {
    return [...this.emails.values()];
  }

  getEmail(operationId: string): EmailRecord | undefined {
    return this.emails.get(operationId);
  }

  /** User and system messages of one thread (oldest first), or of every thread. */
  listChatMessages(threadId?: string): StoredChatMessage[] {
    const threads = threadId === undefined ? [...this.threads.values()] : [this.threads.get(threadId)].filter(isDefined);
    return threads.flatMap((t) => t.messages);
  }

  getThread(threadId: string): ChatThreadState | undefined {
    return this.threads.get(threadId);
  }

  listThreads(): ChatThreadState[] {
    return [...this.threads.values()];
  }

  listParticipants(threadId: string): StoredParticipant[] {
    return [...(this.threads.get(threadId)?.participants.values() ?? [])];
  }

  listReadReceipts(threadId: string): ReadReceipt[] {
    return [...(this.threads.get(threadId)?.readReceipts ?? [])];
  }

  getCounters(): SandboxCounters {
    return structuredClone(this.counters);
  }

  // ---- opt-outs (per sender) ----

  isOptedOut(from: string, to: string): boolean {
    return this.optOuts.get(from)?.has(to) ?? false;
  }

  setOptedOut(from: string, to: string, optedOut: boolean): void {
    let set = this.optOuts.get(from);
    if (optedOut) {
      if (!set) this.optOuts.set(from, (set = new Set()));
      set.add(to);
    } else {
      set?.delete(to);
    }
  }

  listOptedOut(from?: string): { from: string; to: string }[] {
    const out: { from: string; to: string }[] = [];
    for (const [sender, set] of this.optOuts) {
      if (from !== undefined && sender !== from) continue;
      for (const to of set) out.push({ from: sender, to });
    }
    return out;
  }

  // ---- chat writes shared by the handlers and the control API ----

  /** A chat message id: the service uses millisecond timestamps, unique and increasing per resource. */
  nextChatMessageId(): string {
    this.lastChatMessageId = Math.max(this.lastChatMessageId + 1, Date.now());
    return String(this.lastChatMessageId);
  }

  /**
   * Records that `userId` read `chatMessageId` (what POST .../readReceipts does). A user keeps one
   * receipt per thread: the latest message read. Returns false when the thread, user or message is unknown.
   */
  addReadReceipt(threadId: string, userId: string, chatMessageId: string, readOn = Date.now()): boolean {
    const thread = this.threads.get(threadId);
    if (!thread || thread.deletedOn !== undefined || !thread.participants.has(userId)) return false;
    if (!thread.messages.some((m) => m.messageId === chatMessageId)) return false;
    const existing = thread.readReceipts.find((r) => r.senderId === userId);
    if (existing) {
      if (Number(chatMessageId) >= Number(existing.chatMessageId)) {
        existing.chatMessageId = chatMessageId;
        existing.readOn = readOn;
      }
    } else {
      thread.readReceipts.push({ senderId: userId, chatMessageId, readOn });
    }
    return true;
  }

  /** Runs `listener` on every reset (the quota windows start again with the store). */
  onReset(listener: () => void): void {
    this.resetListeners.push(listener);
  }

  /**
   * Forgets everything sent, every thread and opt-out; counters start again at zero. Identities stay,
   * so tokens that clients hold keep working across a reset between tests.
   */
  reset(): void {
    this.sms.length = 0;
    this.mms.length = 0;
    this.emails.clear();
    this.threads.clear();
    this.repeatability.clear();
    this.threadRepeatability.clear();
    this.optOuts.clear();
    this.counters = emptyCounters();
    for (const listener of this.resetListeners) listener();
  }
}

export function emptyCounters(): SandboxCounters {
  return { requests: 0, throttled: {}, serverErrors: 0, droppedConnections: 0, authFailures: 0 };
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
