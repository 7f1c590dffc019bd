// Which Node-RED context store acs-config keeps its records in (settings.js `contextStorage`), whether
// that store outlives a restart, and the config node's context bound to it.
import type { ContextLike } from "../core/correlation-store";

export interface ContextStoreChoice {
  /** The store Node-RED will use: the configured name, or the default store's name. */
  name: string;
  /** False for Node-RED's memory store: its content is gone after a restart. */
  persistent: boolean;
  /** A name the node asked for that settings.js does not configure (Node-RED then uses its default store). */
  unknown?: string;
}

/** The lines of settings.js that give Node-RED a persistent default store (also in the README). */
export const PERSISTENT_STORE_LINES = 'contextStorage: { default: { module: "localfilesystem", config: { cache: false } } },';

type StorageSettings = Record<string, unknown>;

/** What `contextStore` ("" for the default) means under the runtime's `contextStorage` setting. */
export function chooseContextStore(contextStorage: unknown, wanted: string | undefined): ContextStoreChoice {
  const name = wanted?.trim() || undefined;
  const storage = isObject(contextStorage) && Object.keys(contextStorage).length > 0 ? contextStorage : undefined;
  if (!storage) {
    // No contextStorage: Node-RED's one store is memory, reached by any name.
    return withUnknown({ name: "memory", persistent: false }, name !== undefined && name !== "memory" && name !== "default" ? name : undefined);
  }
  if (name !== undefined && name !== "_" && Object.hasOwn(storage, name) && !(name === "default" && typeof storage.default === "string")) {
    return { name, persistent: isPersistent(storage[name]) };
  }
  const fallback = defaultStore(storage);
  return withUnknown(fallback, name !== undefined && name !== "default" ? name : undefined);
}

function defaultStore(storage: StorageSettings): ContextStoreChoice {
  if (Object.hasOwn(storage, "default")) {
    const alias = storage.default;
    if (typeof alias === "string") return { name: alias, persistent: isPersistent(storage[alias]) };
    return { name: "default", persistent: isPersistent(alias) };
  }
  const first = Object.keys(storage).find((key) => key !== "_") ?? "memory";
  return { name: first, persistent: isPersistent(storage[first]) };
}

function isPersistent(entry: unknown): boolean {
  // A built-in module is named by a string ("memory", "localfilesystem"); a plugin is the required module itself.
  const module = isObject(entry) || typeof entry === "function" ? (entry as { module?: unknown }).module : undefined;
  return module !== undefined && module !== "memory";
}

function withUnknown(choice: ContextStoreChoice, unknown: string | undefined): ContextStoreChoice {
  return unknown === undefined ? choice : { ...choice, unknown };
}

function isObject(value: unknown): value is StorageSettings {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The part of a node's Node-RED context used here: every call with an optional store name. */
export interface NodeContext {
  get(key: string, ...rest: unknown[]): unknown;
  set(key: string, ...rest: unknown[]): unknown;
  keys(...rest: unknown[]): unknown;
}

/** The node's context with every call going to `store` (undefined: the default store). */
export function contextInStore(context: NodeContext, store: string | undefined): ContextLike {
  const scoped = (...args: unknown[]): unknown[] => (store === undefined ? args : [...args.slice(0, -1), store, args[args.length - 1]]);
  return {
    get: (key, callback) => void context.get(...(scoped(key, callback) as [string, ...unknown[]])),
    // Node-RED's context reads an array of keys in one call and gives their values as arguments.
    getMany: (keys, callback) =>
      void (context.get as (...args: unknown[]) => unknown)(...scoped(keys, (err: Error | null | undefined, ...values: unknown[]) => callback(err, values))),
    set: (key, value, callback) => void context.set(...(scoped(key, value, callback) as [string, ...unknown[]])),
    keys: (callback) => void context.keys(...(store === undefined ? [callback] : [store, callback])),
  };
}
