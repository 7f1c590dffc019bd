// Keeps the namespace's unsettled events and dead letters in the sandbox's state directory, as the
// service retains them: a sandbox restarted with the same directory (the CLI's `.sandbox/`) still
// has them. Saves are throttled and written whole to a temporary file that then replaces the old one,
// so a crash leaves either the previous or the new state, never half of one.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { QueueState } from "./subscription-queue";

export interface PersistedNamespace extends QueueState {
  version: 1;
  topic: string;
  subscription: string;
}

/** At most one save per this many real milliseconds while events move. */
const SAVE_INTERVAL_MS = 250;

export class NamespacePersistence {
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => PersistedNamespace,
  ) {}

  /** The state saved for this topic and subscription, if any could be read. */
  static read(file: string, topic: string, subscription: string): PersistedNamespace | undefined {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
    try {
      const saved = JSON.parse(text) as PersistedNamespace;
      const usable = saved.version === 1 && saved.topic === topic && saved.subscription === subscription && Array.isArray(saved.events) && Array.isArray(saved.deadLetters);
      return usable ? saved : undefined;
    } catch {
      console.error(`sandbox: ignoring ${file}: not a saved namespace state`);
      return undefined;
    }
  }

  /** Something changed: save soon. */
  changed(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.save();
    }, SAVE_INTERVAL_MS);
    // A pending save must not keep a finished process alive; close() writes it anyway.
    this.timer.unref();
  }

  /** Writes what is pending now and stops saving. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.save();
  }

  private save(): void {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const temporary = `${this.file}.tmp`;
      writeFileSync(temporary, JSON.stringify(this.snapshot()));
      renameSync(temporary, this.file);
    } catch (error) {
      console.error(`sandbox: could not save the namespace state to ${this.file}:`, error instanceof Error ? error.message : error);
    }
  }
}
