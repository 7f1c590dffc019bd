// A Node-RED context store kept in Redis, so that several Node-RED instances share node, flow and
// global context (acs-config's records of what was sent, among others). Use it in settings.js:
//
//   contextStorage: {
//     shared: { module: require("@acs-flows/node-red-azure-communication/dist/nodes/lib/node-red/redis-context-store"),
//               config: { url: "redis://127.0.0.1:6379", prefix: "node-red:" } },
//   },
//
// Each context scope is one Redis hash (`<prefix><scope>`), each top-level context key one field of
// it holding the value as JSON. The `redis` client package must be installed beside Node-RED; it is
// loaded when the store opens.

type Callback = (err?: Error | null, ...values: unknown[]) => void;

interface RedisContextConfig {
  /** `redis://[[user]:password@]host[:port][/db]` (default redis://127.0.0.1:6379). */
  url?: string;
  /** Prefix of every Redis key this store writes (default "node-red:"). */
  prefix?: string;
}

/** The part of the `redis` client (v4 and later) the store uses. */
interface RedisClient {
  connect(): Promise<unknown>;
  quit?(): Promise<unknown>;
  close?(): Promise<unknown>;
  on(event: "error", listener: (err: Error) => void): unknown;
  hGet(key: string, field: string): Promise<string | null | undefined>;
  hSet(key: string, field: string, value: string): Promise<unknown>;
  hDel(key: string, field: string | string[]): Promise<unknown>;
  hKeys(key: string): Promise<string[]>;
  del(key: string | string[]): Promise<unknown>;
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string | string[]>;
}

/** The Node-RED context store plugin interface. */
interface ContextStorePlugin {
  open(): Promise<void>;
  close(): Promise<void>;
  get(scope: string, key: string | string[], callback?: Callback): unknown;
  set(scope: string, key: string | string[], value: unknown, callback?: Callback): void;
  keys(scope: string, callback?: Callback): void;
  delete(scope: string): Promise<void>;
  clean(activeNodes: string[]): Promise<void>;
}

const NOT_SYNC = "the Redis context store answers through a callback only (call get, set and keys with one)";

/** A key path as Node-RED writes it (`a`, `a.b`, `a[0].b`): the top-level field and the rest. */
function splitKey(key: string): { field: string; path: (string | number)[] } {
  const parts: (string | number)[] = [];
  for (const match of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) parts.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  if (parts.length === 0 || typeof parts[0] !== "string") throw new Error(`invalid context key "${key}"`);
  return { field: parts[0], path: parts.slice(1) };
}

function dig(value: unknown, path: (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

function place(root: unknown, path: (string | number)[], value: unknown): unknown {
  const top = typeof root === "object" && root !== null ? root : typeof path[0] === "number" ? [] : {};
  let current = top as Record<string | number, unknown>;
  path.forEach((part, i) => {
    if (i === path.length - 1) {
      if (value === undefined) Reflect.deleteProperty(current, part);
      else current[part] = value;
      return;
    }
    const next = current[part];
    current[part] = typeof next === "object" && next !== null ? next : typeof path[i + 1] === "number" ? [] : {};
    current = current[part] as Record<string | number, unknown>;
  });
  return top;
}

function parse(text: string | null | undefined): unknown {
  return text === null || text === undefined ? undefined : (JSON.parse(text) as unknown);
}

class RedisContextStore implements ContextStorePlugin {
  private client?: RedisClient;
  private readonly prefix: string;

  constructor(private readonly config: RedisContextConfig) {
    this.prefix = config.prefix ?? "node-red:";
  }

  async open(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional package, installed beside Node-RED by those who use this store
    const { createClient } = require("redis") as { createClient(options: { url: string }): RedisClient };
    const client = createClient({ url: this.config.url ?? "redis://127.0.0.1:6379" });
    // The client reconnects by itself; without a listener an 'error' event would end the process.
    client.on("error", () => undefined);
    await client.connect();
    this.client = client;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await (client?.close ?? client?.quit)?.call(client);
  }

  get(scope: string, key: string | string[], callback?: Callback): unknown {
    if (!callback) throw new Error(NOT_SYNC);
    const keys = Array.isArray(key) ? key : [key];
    Promise.all(keys.map((one) => this.getOne(scope, one))).then(
      (values) => callback(null, ...values),
      (err: Error) => callback(err),
    );
    return undefined;
  }

  set(scope: string, key: string | string[], value: unknown, callback?: Callback): void {
    const keys = Array.isArray(key) ? key : [key];
    const values = Array.isArray(key) ? (Array.isArray(value) ? value : [value]) : [value];
    // In order, so that two writes of the same field in one call end as the caller meant.
    keys
      .reduce<Promise<void>>((done, one, i) => done.then(() => this.setOne(scope, one, i < values.length ? values[i] : null)), Promise.resolve())
      .then(
        () => callback?.(null),
        (err: Error) => callback?.(err),
      );
  }

  keys(scope: string, callback?: Callback): void {
    if (!callback) throw new Error(NOT_SYNC);
    this.connected()
      .hKeys(this.prefix + scope)
      .then(
        (fields) => callback(null, fields),
        (err: Error) => callback(err),
      );
  }

  async delete(scope: string): Promise<void> {
    await this.connected().del(this.prefix + scope);
  }

  /** Removes the scopes of nodes no longer deployed (not global), as Node-RED's own stores do. */
  async clean(activeNodes: string[]): Promise<void> {
    const active = new Set(activeNodes);
    const client = this.connected();
    const stale: string[] = [];
    for await (const found of client.scanIterator({ MATCH: `${this.prefix}*`, COUNT: 100 })) {
      for (const redisKey of Array.isArray(found) ? found : [found]) {
        const scope = redisKey.slice(this.prefix.length);
        if (scope !== "global" && !active.has(scope.split(":")[0])) stale.push(redisKey);
      }
    }
    if (stale.length > 0) await client.del(stale);
  }

  private connected(): RedisClient {
    if (!this.client) throw new Error("the Redis context store is not open");
    return this.client;
  }

  private async getOne(scope: string, key: string): Promise<unknown> {
    const { field, path } = splitKey(key);
    return dig(parse(await this.connected().hGet(this.prefix + scope, field)), path);
  }

  private async setOne(scope: string, key: string, value: unknown): Promise<void> {
    const client = this.connected();
    const { field, path } = splitKey(key);
    const whole = path.length === 0 ? value : place(parse(await client.hGet(this.prefix + scope, field)), path, value);
    if (whole === undefined) await client.hDel(this.prefix + scope, field);
    else await client.hSet(this.prefix + scope, field, JSON.stringify(whole));
  }
}

/** The plugin entry Node-RED calls with the store's `config` from settings.js. */
function redisContextStore(config: RedisContextConfig = {}): ContextStorePlugin {
  return new RedisContextStore(config);
}

export = redisContextStore;
