// Node-RED embedded in this process with this package installed from the working tree: used by
// `npm start` and by the browser and example tests. The package is linked into the user directory's
// node_modules, which is exactly where the palette manager or `npm install` would put it.
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
const PACKAGE_NAME = "@acs-flows/node-red-azure-communication";

type Middleware = (req: unknown, res: unknown, next: () => void) => void;

interface RootApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(path: string, handler: Middleware): void;
}

export interface EmbeddedRed {
  init(server: Server, settings: object): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: Middleware;
  httpNode: Middleware;
  version(): string;
}

/**
 * The context store `npm start` and the example tests configure: files in the user directory, each
 * write on disk when it returns (no cache), so records and waits survive a restart and a crash.
 */
export const DURABLE_CONTEXT_STORAGE = { default: { module: "localfilesystem", config: { cache: false } } };

export interface EmbeddedOptions {
  userDir: string;
  port?: number;
  host?: string;
  /** Path of the node-red package to run (the Node-RED 5 leg sets NODE_RED_PATH). */
  nodeRedPath?: string;
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "off";
  /** Extra Node-RED settings. */
  settings?: Record<string, unknown>;
}

export interface EmbeddedNodeRed {
  url: string;
  port: number;
  RED: EmbeddedRed;
  /**
   * Resolves once the runtime has started the flows it loaded (RED.start() returns before that), or
   * has refused to (missing node types or modules): the moment their HTTP routes exist.
   */
  flowsStarted: Promise<void>;
  close(): Promise<void>;
}

interface RuntimeEvents {
  on(event: string, listener: (event: { id?: string; payload?: { error?: unknown } }) => void): void;
  removeListener(event: string, listener: (event: { id?: string; payload?: { error?: unknown } }) => void): void;
}

/** Settles when the runtime at `nodeRedMain` next starts its flows or reports it could not. */
function nextFlowsStart(nodeRedMain: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime is chosen at run time
  const { events } = require(require.resolve("@node-red/util", { paths: [dirname(nodeRedMain)] })) as { events: RuntimeEvents };
  return new Promise((done) => {
    const finish = () => {
      events.removeListener("flows:started", finish);
      events.removeListener("runtime-event", onRuntimeEvent);
      done();
    };
    const onRuntimeEvent = (event: { id?: string; payload?: { error?: unknown } }) => {
      if (event.id === "runtime-state" && event.payload?.error) finish();
    };
    events.on("flows:started", finish);
    events.on("runtime-event", onRuntimeEvent);
  });
}

/** Links the working tree into `userDir/node_modules` as the installed package. */
export function linkPackage(userDir: string): void {
  const link = join(userDir, "node_modules", PACKAGE_NAME);
  mkdirSync(dirname(link), { recursive: true });
  try {
    if (resolve(dirname(link), readlinkSync(link)) === PROJECT_ROOT) return;
  } catch {
    // no link yet
  }
  rmSync(link, { recursive: true, force: true });
  symlinkSync(PROJECT_ROOT, link, "dir");
}

export async function startEmbeddedNodeRed(options: EmbeddedOptions): Promise<EmbeddedNodeRed> {
  mkdirSync(options.userDir, { recursive: true });
  linkPackage(options.userDir);
  const nodeRedPath = options.nodeRedPath ?? process.env.NODE_RED_PATH ?? "node-red";
  // A fresh runtime each time: Node-RED keeps module-level state.
  const nodeRedMain = require.resolve(nodeRedPath);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime is chosen at run time
  const RED = require(nodeRedMain) as EmbeddedRed;
  // One root express app with the admin app and httpNode mounted on it, as the node-red command does:
  // nodes that must see requests before the admin app (acs-events' webhook) rely on that root app.
  // The express that Node-RED itself uses, so both major versions get their own.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved beside the chosen runtime
  const express = require(require.resolve("express", { paths: [nodeRedMain] })) as () => RootApp;
  const app = express();
  const server = createServer(app);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port ?? 0, host, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  RED.init(server, {
    userDir: options.userDir,
    flowFile: "flows.json",
    uiHost: host,
    uiPort: port,
    httpAdminRoot: "/",
    httpNodeRoot: "/",
    logging: { console: { level: options.logLevel ?? "info", metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    // No consent prompt in the editor and no update check: nothing leaves the machine.
    telemetry: { enabled: false, updateNotification: false },
    ...options.settings,
  });
  // httpAdmin and httpNode exist once the runtime is initialised.
  app.use("/", RED.httpAdmin);
  app.use("/", RED.httpNode);
  const flowsStarted = nextFlowsStart(nodeRedMain);
  await RED.start();
  return {
    url: `http://${host}:${port}/`,
    port,
    RED,
    flowsStarted,
    close: async () => {
      await RED.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
