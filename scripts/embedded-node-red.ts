// Node-RED embedded in this process with this package installed from the working tree: used by
// `npm start` and by the browser and example tests. The package is linked into the user directory's
// node_modules, which is exactly where the palette manager or `npm install` would put it.
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(__dirname, "..", "..");
const PACKAGE_NAME = "@acs-flows/node-red-azure-communication";

type Middleware = (req: unknown, res: unknown, next: () => void) => void;

export interface EmbeddedRed {
  init(server: Server, settings: object): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  httpAdmin: Middleware;
  httpNode: Middleware;
  version(): string;
}

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
  close(): Promise<void>;
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
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime is chosen at run time
  const RED = require(require.resolve(nodeRedPath)) as EmbeddedRed;
  const server = createServer((req, res) => {
    RED.httpAdmin(req, res, () =>
      RED.httpNode(req, res, () => {
        res.statusCode = 404;
        res.end();
      }),
    );
  });
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
    ...options.settings,
  });
  await RED.start();
  return {
    url: `http://${host}:${port}/`,
    port,
    RED,
    close: async () => {
      await RED.stop();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
