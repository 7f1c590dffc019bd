import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "express";
import { addFrontRoute, type FrontReadRequest } from "../../../../nodes/lib/events/webhook/front";
import { runtimeRequire } from "../../../helpers/runtime";

type Handler = (req: unknown, res: unknown, next?: () => void) => void;
interface App extends Handler {
  use(...args: unknown[]): App;
  post(path: string, handler: Handler): App;
  options(path: string, handler: Handler): App;
}

describe("webhook front middleware", () => {
  let express: () => App;
  let server: Server;
  let app: App | undefined;
  let base = "";

  before(async () => {
    express = runtimeRequire<() => App>("express");
    server = createServer((req, res) => (app ? app(req, res, () => res.writeHead(404).end()) : res.writeHead(503).end()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A root app with something that answers every OPTIONS and eats every body first, then httpNode at `mount`. */
  function standalone(mount: string): { root: App; httpNode: App } {
    const root = express();
    const greedy: Handler = (req, res, next) => {
      // A parser as body-parser is: it marks the request read (a private mark; see node-red/internals.ts).
      const request = req as FrontReadRequest & { method: string; _body?: boolean };
      if (request.method === "OPTIONS") return (res as { writeHead(s: number): { end(): void } }).writeHead(204).end();
      if (!request._body) {
        request._body = true;
        request.body = { eaten: true };
      }
      next?.();
    };
    root.use(greedy);
    const httpNode = express();
    root.use(mount, httpNode);
    return { root, httpNode };
  }

  const answerOptions: RequestHandler = (_req, res) => {
    res.writeHead(200, { "x-handled-by": "front" }).end();
  };

  it("answers OPTIONS and reads the body before the rest of the root app, under httpNodeRoot", async () => {
    const { root, httpNode } = standalone("/red");
    app = root;
    httpNode.post("/acs/events", (req, res) => {
      const request = req as FrontReadRequest;
      (res as { end(text: string): void }).end(JSON.stringify({ body: request.body }));
    });
    const remove = addFrontRoute(httpNode, "/acs/events", { maxBodyBytes: 1024, options: answerOptions, refuseBeforeBody: () => false });
    const options = await fetch(`${base}/red/ACS/events/`, { method: "OPTIONS" });
    assert.equal(options.headers.get("x-handled-by"), "front", "paths match without case or trailing slash");
    const posted = await fetch(`${base}/red/acs/events?code=x`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    assert.deepEqual(await posted.json(), { body: '{"a":1}' }, "the node gets the raw text, not the greedy parser's value");
    remove();
    assert.equal((await fetch(`${base}/red/acs/events`, { method: "OPTIONS" })).status, 204, "removed: the root app is as it was");
  });

  it("leaves a body over the limit for the route to refuse", async () => {
    const { root, httpNode } = standalone("/");
    app = root;
    httpNode.post("/hook", (req, res) => {
      const error = (req as FrontReadRequest).webhookBodyError;
      (res as { writeHead(s: number): { end(t: string): void } }).writeHead(error ? 413 : 200).end(error?.key ?? "");
    });
    const remove = addFrontRoute(httpNode, "/hook", { maxBodyBytes: 10, options: answerOptions, refuseBeforeBody: () => false });
    const response = await fetch(`${base}/hook`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "more than ten bytes" }) });
    assert.equal(response.status, 413);
    assert.equal(await response.text(), "acs-events.errors.tooLarge");
    remove();
  });

  it("lets other paths pass untouched", async () => {
    const { root, httpNode } = standalone("/");
    app = root;
    httpNode.post("/other", (req, res) => (res as { end(t: string): void }).end(JSON.stringify((req as FrontReadRequest).body)));
    const remove = addFrontRoute(httpNode, "/hook", { maxBodyBytes: 10, options: answerOptions, refuseBeforeBody: () => false });
    const response = await fetch(`${base}/other`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.deepEqual(await response.json(), { eaten: true });
    remove();
  });
});
