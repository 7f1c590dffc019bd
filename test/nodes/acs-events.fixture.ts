// Shared set-up of the acs-events suites: loads flows through the test helper while keeping the RED
// object the node registers its route on, and serves that RED.httpNode on a loopback port (the
// helper's own server does not mount httpNode). By default it is served as standalone Node-RED
// serves it: a root app holding first the admin app's CORS handler and JSON parser (which answer
// every OPTIONS request and parse every JSON body when httpAdminRoot and httpNodeRoot are both "/",
// the default), then httpNode. The helper's RED also lacks `hooks`, which the "after flow"
// acknowledgement uses: it is given the runtime's own, as Node-RED gives nodes.
import type { NodeMessage } from "node-red";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import acsEvents from "../../nodes/acs-events";
import { capturingRed, helper, type NodeModule } from "../helpers/node-red";
import { runtimeRequire } from "../helpers/runtime";

type FlowNode = Record<string, unknown>;

/** A msg as acs-events emits it. */
export type EventMsg = NodeMessage & {
  topic: string;
  payload: Record<string, unknown>;
  event: Record<string, unknown>;
  acs: Record<string, unknown> & { sent?: Record<string, unknown> };
  correlationId?: string;
  contact?: Record<string, unknown>;
};

/** Core node modules of the runtime under test (function, delay, ...), by their file under core/. */
export function coreNode(file: string): NodeModule {
  return runtimeRequire<NodeModule>(`@node-red/nodes/core/${file}`);
}

type Handler = (req: unknown, res: unknown, next?: (err?: unknown) => void) => void;
interface ExpressApp extends Handler {
  use(...args: unknown[]): ExpressApp;
}

/** "standalone": httpNode mounted behind an admin app, as node-red's red.js does; "bare": httpNode alone. */
export type ServerLayout = "standalone" | "bare";

export class EventsHarness {
  private hooks?: unknown;
  private express?: () => ExpressApp;
  private adminFront: Handler[] = [];
  private app?: Handler;
  private server?: Server;
  baseUrl = "";

  constructor(private readonly layout: ServerLayout = "standalone") {}

  /** The events module, wrapped so that the RED it receives is kept (and mounted as Node-RED would). */
  readonly module: NodeModule = capturingRed(acsEvents, (RED) => {
    const withHooks = RED as unknown as { hooks?: unknown };
    withHooks.hooks ??= this.hooks;
    const httpNode = RED.httpNode as unknown as Handler;
    if (this.layout === "bare" || !this.express) {
      this.app = httpNode;
      return;
    }
    const root = this.express();
    root.use("/", this.express().use(...this.adminFront));
    root.use("/", httpNode);
    this.app = root;
  });

  async start(): Promise<void> {
    this.hooks = runtimeRequire<{ hooks: unknown }>("@node-red/util").hooks;
    this.express = runtimeRequire<() => ExpressApp>("express");
    const cors = runtimeRequire<(options: object) => Handler>("cors");
    const bodyParser = runtimeRequire<{ json(options: object): Handler; urlencoded(options: object): Handler }>("body-parser");
    // What @node-red/editor-api puts at the front of the admin app.
    this.adminFront = [cors({ origin: "*", methods: "GET,PUT,POST,DELETE" }), bodyParser.json({ limit: "5mb" }), bodyParser.urlencoded({ limit: "5mb", extended: true })];
    this.server = createServer((req, res) => {
      if (this.app) this.app(req, res, () => res.writeHead(404).end());
      else res.writeHead(503).end();
    });
    // Keep-alive sockets would hold close() until they time out.
    this.server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async load(modules: NodeModule[], flow: FlowNode[], credentials: Record<string, object> = {}): Promise<void> {
    await helper.load([...modules, this.module], flow, credentials);
  }

  url(path: string, secret?: string): string {
    return `${this.baseUrl}${path}${secret === undefined ? "" : `?code=${encodeURIComponent(secret)}`}`;
  }
}

export interface PostOptions {
  contentType?: string;
  headers?: Record<string, string>;
}

/** POSTs a body (an object is sent as JSON) and answers status, headers and parsed JSON body. */
export async function post(url: string, body: unknown, options: PostOptions = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": options.contentType ?? "application/json", ...options.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

export const TOPIC = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs";

/** An Event Grid schema event as Event Grid delivers it. */
export function eventGridEvent(eventType: string, data: unknown, id: string = crypto.randomUUID()): Record<string, unknown> {
  return { id, topic: TOPIC, subject: "/phonenumber/15555550100", eventType, eventTime: new Date().toISOString(), dataVersion: "1.0", metadataVersion: "1", data };
}

/** The same in CloudEvents 1.0. */
export function cloudEvent(type: string, data: unknown, id: string = crypto.randomUUID()): Record<string, unknown> {
  return { specversion: "1.0", id, source: TOPIC, type, time: new Date().toISOString(), subject: "/phonenumber/15555550100", datacontenttype: "application/json", data };
}

export function smsDeliveryReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    messageId: "Outgoing_20240101_msg1",
    from: "+18005550100",
    to: "+15555550100",
    deliveryStatus: "Delivered",
    deliveryStatusDetails: "No error.",
    deliveryAttempts: [{ timestamp: new Date().toISOString(), segmentsSucceeded: 1, segmentsFailed: 0 }],
    receivedTimestamp: new Date().toISOString(),
    ...overrides,
  };
}
