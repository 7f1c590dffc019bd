// Event Grid's published retry schedule (best effort): 10 s, 30 s, 1 min, 5 min, 10 min, 30 min,
// 1 h, 3 h, 6 h, then every 12 h, within the event time to live (24 h by default).

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

export const retryDelaysMs: readonly number[] = [
  10 * second,
  30 * second,
  1 * minute,
  5 * minute,
  10 * minute,
  30 * minute,
  1 * hour,
  3 * hour,
  6 * hour,
  12 * hour,
];

/** Simulated delay before the next attempt, after `failedAttempts` attempts have failed (1-based). */
export function retryDelayMs(failedAttempts: number): number {
  const index = Math.min(Math.max(failedAttempts, 1), retryDelaysMs.length) - 1;
  return retryDelaysMs[index];
}

/** Status codes Event Grid does not retry: the event goes straight to the dead-letter list. */
export function isNonRetriableStatus(status: number): boolean {
  return status === 400 || status === 401 || status === 403 || status === 413;
}

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 204;
}
