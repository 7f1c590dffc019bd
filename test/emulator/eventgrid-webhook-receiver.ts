// A real webhook receiver for the Event Grid tests: a plain node:http (or https) server on 127.0.0.1
// that answers both validation handshakes by default, records every request, and lets a test
// script the answer to each notification.
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { EventGridDeserializer } from "@azure/eventgrid";
import type { CloudEvent, EventGridEvent } from "@azure/eventgrid";

export interface ReceivedRequest {
  method: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the broker's timeout or close() ends the request). */
  hang?: boolean;
}

export type Responder = (request: ReceivedRequest, notificationIndex: number) => ScriptedAnswer;

const deserializer = new EventGridDeserializer();

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** How notifications (not handshakes) are answered; 200 by default. */
  respond: Responder = () => ({ status: 200 });
  /** How handshakes are answered; echoes the code / origin by default. */
  handshake: (request: ReceivedRequest) => ScriptedAnswer = answerHandshake;
  private server?: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();
  private waiters: (() => void)[] = [];

  async start(tls?: { key: string; cert: string }): Promise<string> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => this.onRequest(req, res);
    this.server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `${tls ? "https" : "http"}://127.0.0.1:${port}/api/events`;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  notifications(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === "POST" && request.headers["aeg-event-type"] === "Notification");
  }

  handshakes(): ReceivedRequest[] {
    return this.requests.filter((request) => request.method === "OPTIONS" || request.headers["aeg-event-type"] === "SubscriptionValidation");
  }

  /** Resolves once the predicate holds, re-checked after every request received. */
  waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(new Error(`timed out waiting for ${what} (${this.requests.length} requests received)`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  waitForNotifications(count: number): Promise<void> {
    return this.waitFor(() => this.notifications().length >= count, `${count} notifications`);
  }

  /** Every delivered event, parsed as @azure/eventgrid parses an Event Grid schema batch. */
  async eventGridEvents(): Promise<EventGridEvent<unknown>[]> {
    const batches = await Promise.all(this.notifications().map((request) => deserializer.deserializeEventGridEvents(request.body)));
    return batches.flat();
  }

  /** Every delivered event, parsed as @azure/eventgrid parses CloudEvents (single or batch). */
  async cloudEvents(): Promise<CloudEvent<unknown>[]> {
    const batches = await Promise.all(this.notifications().map((request) => deserializer.deserializeCloudEvents(request.body)));
    return batches.flat();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: ReceivedRequest = { method: req.method ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      const isHandshake = request.method === "OPTIONS" || request.headers["aeg-event-type"] === "SubscriptionValidation";
      const answer = isHandshake ? this.handshake(request) : this.respond(request, this.notifications().length);
      this.requests.push(request);
      if (answer.hang) {
        this.hanging.add(res);
        res.on("close", () => this.hanging.delete(res));
      } else {
        res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? "");
      }
      for (const waiter of [...this.waiters]) waiter();
    });
  }
}

export function answerHandshake(request: ReceivedRequest): ScriptedAnswer {
  if (request.method === "OPTIONS") {
    const origin = String(request.headers["webhook-request-origin"] ?? "");
    return { status: 200, headers: { "WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*", Allow: "POST" } };
  }
  const [event] = JSON.parse(request.body) as { data: { validationCode: string } }[];
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ validationResponse: event.data.validationCode }),
  };
}

/** Resolves once a condition on state outside the receiver holds (checked every few milliseconds). */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
