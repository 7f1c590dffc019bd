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
import { bodyAlreadyRead, markBodyRead, moveToFront, removeLayers, rootApp, type ExpressApp } from "../../node-red/internals";
import { readBody } from "./body";

/** What the front middleware leaves on a request whose body it read. */
export interface FrontReadRequest extends IncomingMessage {
  body?: unknown;
  /** Set when the body was refused (too large): the route answers with it. */
  webhookBodyError?: AcsError;
}

export interface FrontRoute {
  maxBodyBytes: number;
  options: RequestHandler;
  /** Answers a POST that is refused before its body is read (secret, content type, declared size); true when it did. */
  refuseBeforeBody(req: IncomingMessage, res: Response): boolean;
}

interface Front {
  root: ExpressApp;
  middleware: RequestHandler;
  routes: Map<string, FrontRoute>;
}

const fronts = new WeakMap<object, Front>();

function routeKey(path: string): string {
  return path.replace(/\/{2,}/g, "/").replace(/\/$/, "").toLowerCase();
}

/** The path as the root app sees it: httpNode's mount path, then the route's. */
export function rootPath(app: ExpressApp, path: string): string {
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
    if (req.method !== "POST" || bodyAlreadyRead(req)) return next();
    if (route.refuseBeforeBody(req, res)) return;
    readBody(req, route.maxBodyBytes)
      .then(
        (text) => (request.body = text),
        (err: unknown) => (request.webhookBodyError = err as AcsError),
      )
      .then(() => {
        markBodyRead(req);
        next();
      });
  };
}

/**
 * Routes `path` of httpNode through the front middleware; returns the function that undoes it.
 * Without a root router to sit in front of (never the case in Node-RED), it does nothing.
 */
export function addFrontRoute(httpNode: unknown, path: string, route: FrontRoute): () => void {
  const app = httpNode as ExpressApp;
  const root = rootApp(app);
  let front = fronts.get(root);
  if (!front) {
    const routes = new Map<string, FrontRoute>();
    front = { root, routes, middleware: frontMiddleware(routes) };
    root.use(front.middleware);
    if (!moveToFront(root, front.middleware)) return () => undefined;
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
    removeLayers(root, (layer) => layer.handle === installed.middleware);
    fronts.delete(root);
  };
}
