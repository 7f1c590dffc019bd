// One abort signal for a request that must stop when either of two long-lived signals aborts (the
// send queue closing, the node's close grace ending). AbortSignal.any would do, but on Node.js 20
// every call leaves a reference behind in each source signal (about 85 bytes per call), so a
// queue's signal would grow with every message it ever sent. Here the listeners are removed as soon
// as the request settles, and nothing of it stays attached.

/** Runs `task` with a signal that aborts when `first` or `second` does; `second` may be absent. */
export async function withEitherSignal<T>(first: AbortSignal, second: AbortSignal | undefined, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (!second) return task(first);
  const controller = new AbortController();
  const abortWith = (source: AbortSignal) => () => controller.abort(source.reason);
  const onFirst = abortWith(first);
  const onSecond = abortWith(second);
  if (first.aborted) onFirst();
  else if (second.aborted) onSecond();
  else {
    first.addEventListener("abort", onFirst, { once: true });
    second.addEventListener("abort", onSecond, { once: true });
  }
  try {
    return await task(controller.signal);
  } finally {
    first.removeEventListener("abort", onFirst);
    second.removeEventListener("abort", onSecond);
  }
}
