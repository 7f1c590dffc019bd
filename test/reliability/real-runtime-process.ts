// A real Node-RED runtime in a child process (scripts/embedded-node-red.ts: the full admin and
// node HTTP stack, this package installed), for the suites that must see what a user's runtime
// does: it reports every log entry, every msg sent, every done() and every name it was asked to
// resolve over IPC. Names other than loopback are refused before any lookup, so nothing the runtime
// does (an Entra ID token request, say) can leave the machine. Started by real-runtime.ts.
import dns from "node:dns";
import { inspect } from "node:util";
import { startEmbeddedNodeRed } from "../../scripts/embedded-node-red";

export interface RuntimeProcessOptions {
  userDir: string;
  /** "full": msgs and errors are reported in full (inspected); "outline": which node sent which msg id. */
  capture: "full" | "outline";
  /** A fixed port (a restarted runtime keeps its URL); default any free one. */
  port?: number;
  /**
   * Extra Node-RED settings (JSON), e.g. contextStorage. A context store whose `module` is an absolute
   * path is a plugin: it is required here, as settings.js requires one.
   */
  settings?: Record<string, unknown>;
}

type StoreSettings = Record<string, { module?: unknown } & Record<string, unknown>>;

/** The settings with each plugin context store's module required. */
function withPluginStores(settings: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const stores = settings?.contextStorage as StoreSettings | undefined;
  if (!stores) return settings;
  const required = Object.fromEntries(
    Object.entries(stores).map(([name, store]) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a plugin named by the test, as settings.js requires one
      const module: unknown = typeof store.module === "string" && store.module.startsWith("/") ? require(store.module) : store.module;
      return [name, { ...store, module }];
    }),
  );
  return { ...settings, contextStorage: required };
}

export type RuntimeReport =
  | { kind: "ready"; url: string }
  | { kind: "log"; level: number; text: string }
  | { kind: "msg"; source: string; text: string }
  | { kind: "complete"; node: string; error?: string; text: string }
  | { kind: "dns"; host: string };

interface SendEvent {
  msg: unknown;
  source: { id: string };
}

interface CompleteEvent {
  msg: unknown;
  error?: unknown;
  node: { id: string };
}

interface RuntimeHooks {
  add(name: string, hook: (event: never) => void): void;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);

function report(message: RuntimeReport): void {
  process.send?.(message);
}

/** Everything in a value, however deep or long; a value too deep to inspect says so. */
function describe(value: unknown): string {
  try {
    return inspect(value, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity, showHidden: false });
  } catch (err) {
    return `(not inspectable: ${err instanceof Error ? err.message : String(err)})`;
  }
}

function refuseNonLoopbackNames(): void {
  type LookupCallback = (err: NodeJS.ErrnoException | null, address?: unknown, family?: number) => void;
  const original = dns.lookup.bind(dns) as (...args: unknown[]) => void;
  const refused = (host: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} (only loopback is reachable from this runtime)`), { code: "ENOTFOUND", hostname: host });
  const guarded = (host: string, ...rest: unknown[]) => {
    if (LOOPBACK.has(host) || host.startsWith("127.")) return original(host, ...rest);
    report({ kind: "dns", host });
    const callback = rest[rest.length - 1] as LookupCallback;
    process.nextTick(() => callback(refused(host)));
  };
  (dns as { lookup: unknown }).lookup = guarded;
  const originalPromise = dns.promises.lookup.bind(dns.promises);
  (dns.promises as { lookup: unknown }).lookup = (host: string, options?: dns.LookupOptions) => {
    if (LOOPBACK.has(host) || host.startsWith("127.")) return originalPromise(host, options ?? {});
    report({ kind: "dns", host });
    return Promise.reject(refused(host));
  };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? "{}") as RuntimeProcessOptions;
  refuseNonLoopbackNames();
  const full = options.capture === "full";
  // RED.start() resolves before the first flows have started: a deploy in between can lose its credentials.
  let flowsStarted: () => void = () => undefined;
  const firstStart = new Promise<void>((resolve) => (flowsStarted = resolve));
  const embedded = await startEmbeddedNodeRed({
    userDir: options.userDir,
    port: options.port,
    settings: {
      ...withPluginStores(options.settings),
      logging: {
        capture: {
          level: "trace",
          audit: true,
          metrics: false,
          handler: () => (entry: { level: number; msg: unknown }) => {
            if (entry.msg === "Started flows") flowsStarted();
            report({ kind: "log", level: entry.level, text: typeof entry.msg === "string" ? entry.msg : describe(entry.msg) });
          },
        },
      },
    },
  });
  const hooks = (embedded.RED as unknown as { hooks: RuntimeHooks }).hooks;
  hooks.add("onSend.capture", (events: SendEvent[]) => {
    // Outline: the msg id only (one send to two wires is two send events of the same msg).
    for (const event of events) report({ kind: "msg", source: event.source.id, text: full ? describe(event.msg) : String((event.msg as { _msgid?: unknown })._msgid) });
  });
  hooks.add("onComplete.capture", (event: CompleteEvent) => {
    const error = event.error === undefined ? undefined : event.error instanceof Error ? `${event.error.message}\n${event.error.stack ?? ""}\n${describe(event.error)}` : describe(event.error);
    report({ kind: "complete", node: event.node.id, ...(error === undefined ? {} : { error }), text: full ? describe(event.msg) : "" });
  });
  process.on("message", (message: { kind?: string }) => {
    if (message.kind !== "stop") return;
    embedded.close().then(
      () => process.disconnect(),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
  await firstStart;
  report({ kind: "ready", url: embedded.url });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
