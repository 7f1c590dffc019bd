// The sandbox's change feed: what the UI shows and the store does not keep (every event published,
// the 429s answered, who is typing), and a "change" signal whenever anything the UI shows may have
// moved. The UI server turns the signal into server-sent events; the browser then reads a snapshot.
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EventGridEventShape } from "../eventgrid/types";

/** What moved: the browser only re-reads the snapshot, so the kind is informative. */
export type ActivityKind = "request" | "event" | "delivery" | "typing" | "control" | "reset";

export interface PublishedEvent {
  event: EventGridEventShape;
  /** Real time of publishing, ms since the epoch. */
  publishedAt: number;
}

export interface ThrottleRecord {
  /** Real time of the answer, ms since the epoch. */
  at: number;
  method: string;
  path: string;
  /** Retry-After as answered (simulated seconds). */
  retryAfterSeconds: number;
}

export interface TypingRecord {
  threadId: string;
  userId: string;
  at: number;
}

/** Oldest entries go first beyond these: the UI is for watching a session, not an archive. */
const MAX_EVENTS = 2000;
const MAX_THROTTLES = 500;

export class SandboxActivity extends EventEmitter {
  private readonly publishedEvents: PublishedEvent[] = [];
  private readonly throttleList: ThrottleRecord[] = [];
  /** threadId -> userId -> last typing notification. */
  private readonly typingByThread = new Map<string, Map<string, number>>();

  constructor() {
    super();
    // One listener per open browser tab.
    this.setMaxListeners(0);
  }

  changed(kind: ActivityKind): void {
    this.emit("change", kind);
  }

  published(events: EventGridEventShape[]): void {
    const publishedAt = Date.now();
    for (const event of events) this.publishedEvents.push({ event, publishedAt });
    trim(this.publishedEvents, MAX_EVENTS);
    this.changed("event");
  }

  throttled(record: ThrottleRecord): void {
    this.throttleList.push(record);
    trim(this.throttleList, MAX_THROTTLES);
  }

  typing(threadId: string, userId: string): void {
    let users = this.typingByThread.get(threadId);
    if (!users) this.typingByThread.set(threadId, (users = new Map()));
    users.set(userId, Date.now());
    this.changed("typing");
  }

  events(): PublishedEvent[] {
    return [...this.publishedEvents];
  }

  throttles(): ThrottleRecord[] {
    return [...this.throttleList];
  }

  typingIn(threadId: string): TypingRecord[] {
    return [...(this.typingByThread.get(threadId) ?? new Map<string, number>())].map(([userId, at]) => ({ threadId, userId, at }));
  }

  reset(): void {
    this.publishedEvents.length = 0;
    this.throttleList.length = 0;
    this.typingByThread.clear();
    this.changed("reset");
  }
}

function trim<T>(list: T[], max: number): void {
  if (list.length > max) list.splice(0, list.length - max);
}

/**
 * Wraps the sandbox's request listener: every data-plane answer may change what the UI shows (a send,
 * a read receipt, an email status read), and a 429 is remembered with what the client was told.
 */
export function observeDataPlane(
  activity: SandboxActivity,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    res.on("finish", () => {
      const path = (req.url ?? "/").split("?")[0];
      if (path.startsWith("/_sandbox/")) return;
      if (res.statusCode === 429) {
        activity.throttled({ at: Date.now(), method: req.method ?? "GET", path, retryAfterSeconds: Number(res.getHeader("retry-after") ?? 0) });
      }
      activity.changed("request");
    });
    listener(req, res);
  };
}
