// The waits' view of a Node-RED context store: get, set (undefined deletes) and keys of one context,
// in one named store, as promises. Always the asynchronous form of the API, which every store
// supports (a file store without cache, Redis), and which reports write failures.

/** The callback form of Node-RED's context API (a node's `this.context()`). */
export interface NodeContextApi {
  get(key: string, store: string | undefined, callback: (err: Error | null | undefined, value: unknown) => void): void;
  set(key: string, value: unknown, store: string | undefined, callback: (err?: Error | null) => void): void;
  keys(store: string | undefined, callback: (err: Error | null | undefined, keys: string[]) => void): void;
}

export interface KeyedStore {
  get(key: string): Promise<unknown>;
  /** Writes the value; undefined deletes the key. Resolves once the store has taken it. */
  set(key: string, value: unknown): Promise<void>;
  keys(): Promise<string[]>;
}

/** `context` in the store named `store` (undefined: the runtime's default store). */
export function contextStore(context: NodeContextApi, store: string | undefined): KeyedStore {
  return {
    get: (key) => new Promise((resolve, reject) => context.get(key, store, (err, value) => (err ? reject(err) : resolve(value)))),
    set: (key, value) => new Promise((resolve, reject) => context.set(key, value, store, (err) => (err ? reject(err) : resolve()))),
    keys: () => new Promise((resolve, reject) => context.keys(store, (err, keys) => (err ? reject(err) : resolve(keys ?? [])))),
  };
}
