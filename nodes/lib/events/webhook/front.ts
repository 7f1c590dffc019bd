// Node-RED serves the editor and the admin API from the same server as httpNode, and with the
// default settings (httpAdminRoot and httpNodeRoot both "/") the admin app sees every request
// first: its CORS handler answers every OPTIONS request itself, so the CloudEvents validation
// handshake would never reach the node, and its JSON parser consumes bodies with its own limit and
// error page. Like the core http-in node's raw body capture, one middleware at the front of the
// root app handles the webhook paths first: it answers their OPTIONS requests and reads their POST
// bodies within the node's limit, then lets the request go on its way (auth, then the node's route).
import type { IncomingMessage } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AcsError } from "../../core/errors";
import { readBody } from "./body";

interface Layer {
  handle?: unknown;
}

interface ExpressAppLike {
  parent?: ExpressAppLike;
  path?(): string;
  use(handler: RequestHandler): unknown;
  _router?: { stack: Layer[] };
  router?: { stack: Layer[] };
}

/** What the front middleware leaves on a request whose body it read. */
export interface FrontReadRequest extends IncomingMessage {
  _body?: boolean;
  body?: unknown;
  /** Core http-in's raw body parser skips requests marked so. */
  skipRawBodyParser?: boolean;
  /** Set when the body was refused (too large): the route answers with it. */
  webhookBodyError?: AcsError;
}

export interface FrontRoute {
  maxBodyBytes: number;
  options: RequestHandler;
}

interface Front {
  root: ExpressAppLike;
  middleware: RequestHandler;
  routes: Map<string, FrontRoute>;
}

const fronts = new WeakMap<object, Front>();

function rootOf(app: ExpressAppLike): ExpressAppLike {
  return app.parent ? rootOf(app.parent) : app;
}

function stackOf(app: ExpressAppLike): Layer[] | undefined {
  return (app._router ?? app.router)?.stack;
}

function routeKey(path: string): string {
  return path.replace(/\/{2,}/g, "/").replace(/\/$/, "").toLowerCase();
}

/** The path as the root app sees it: httpNode's mount path, then the route's. */
export function rootPath(app: ExpressAppLike, path: string): string {
  return routeKey(`${app.path?.() ?? ""}/${path}`);
}

function pathnameOf(req: Request): string {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return "";
  }
}

function frontMiddleware(routes: Map<string, FrontRoute>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const route = routes.size > 0 ? routes.get(routeKey(pathnameOf(req))) : undefined;
    if (!route) return next();
    if (req.method === "OPTIONS") return route.options(req, res, next);
    const request = req as unknown as FrontReadRequest;
    if (req.method !== "POST" || request._body) return next();
    readBody(req, route.maxBodyBytes)
      .then(
        (text) => (request.body = text),
        (err: unknown) => (request.webhookBodyError = err as AcsError),
      )
      .then(() => {
        request._body = true;
        request.skipRawBodyParser = true;
        next();
      });
  };
}

/**
 * Routes `path` of httpNode through the front middleware; returns the function that undoes it.
 * Without a root router to sit in front of (never the case in Node-RED), it does nothing.
 */
export function addFrontRoute(httpNode: unknown, path: string, route: FrontRoute): () => void {
  const app = httpNode as ExpressAppLike;
  const root = rootOf(app);
  let front = fronts.get(root);
  if (!front) {
    const routes = new Map<string, FrontRoute>();
    front = { root, routes, middleware: frontMiddleware(routes) };
    root.use(front.middleware);
    const stack = stackOf(root);
    const index = stack?.findIndex((layer) => layer.handle === front?.middleware) ?? -1;
    if (!stack || index < 0) return () => undefined;
    stack.unshift(...stack.splice(index, 1));
    fronts.set(root, front);
  }
  const key = rootPath(app, path);
  front.routes.set(key, route);
  const installed = front;
  return () => {
    if (installed.routes.get(key) !== route) return;
    installed.routes.delete(key);
    if (installed.routes.size > 0) return;
    // Leave the root app as it was found.
    const stack = stackOf(root);
    const index = stack?.findIndex((layer) => layer.handle === installed.middleware) ?? -1;
    if (stack && index >= 0) stack.splice(index, 1);
    fronts.delete(root);
  };
}
