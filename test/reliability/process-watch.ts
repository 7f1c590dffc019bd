// What a suite must not leave behind: unhandled promise rejections while it ran, and timers still
// pending once everything was stopped.

export class RejectionSpy {
  readonly reasons: string[] = [];
  private readonly listener = (reason: unknown) => {
    this.reasons.push(reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  };

  constructor() {
    process.on("unhandledRejection", this.listener);
  }

  close(): void {
    process.removeListener("unhandledRejection", this.listener);
  }
}

/** Timers (setTimeout / setInterval) the process holds right now. */
export function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
}

/** Resolves once `condition` holds (checked every 20 ms), or with false after `limitMs`. */
export async function eventually(condition: () => boolean, limitMs = 5000): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
