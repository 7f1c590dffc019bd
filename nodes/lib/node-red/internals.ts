// The one module that touches parts of Node-RED and Express that are not public API (or not in
// their type definitions). Each access says what it relies on; test/unit/node-red/internals.test.ts
// checks each against the runtime under test (Node-RED 4 and 5), so an upgrade that drops one fails
// there, by name, instead of somewhere in the event path. Nothing else in nodes/ reads these names
// (an eslint rule keeps them here).
import type { IncomingMessage } from "node:http";
import { inspect } from "node:util";
import type { NodeAPI } from "node-red";
import type { AcsError } from "../core/errors";

// ---- Node-RED runtime ----

/** The part of RED.hooks (the message hooks API) the package uses. */
export interface MessageHooks {
  add(hookId: string, handler: (event: never) => void): void;
  remove(hookId: string): void;
}

/**
 * The runtime's message hooks, or undefined when it has none.
 * Relies on: `RED.hooks` (documented since Node-RED 1.3, but missing from @types/node-red's NodeAPI).
 */
export function messageHooks(RED: NodeAPI): MessageHooks | undefined {
  const hooks = (RED as unknown as { hooks?: Partial<MessageHooks> }).hooks;
  return typeof hooks?.add === "function" && typeof hooks.remove === "function" ? (hooks as MessageHooks) : undefined;
}

/**
 * How many of a node's input handlers take a `done` callback; undefined when the runtime does not say.
 * Relies on: Node's private `_expectedDoneCount` (runtime/lib/nodes/Node.js), counted as input
 * handlers are added; 0 means the node never calls done() (handlers written before Node-RED 1.0).
 */
export function expectedDoneCount(node: unknown): number | undefined {
  const count = (node as { _expectedDoneCount?: unknown } | undefined)?._expectedDoneCount;
  return typeof count === "number" ? count : undefined;
}

/** What a Catch node finds in msg.error.cause: the failure as the package names it. */
export interface FailureCause {
  key: string;
  params: Record<string, string | number>;
  /** The service's error code and HTTP status, when the service refused. */
  code?: string;
  statusCode?: number;
}

/**
 * What a node gives done(err) for a failure. Uncaught, it reads as one line in the debug sidebar, as
 * core nodes' errors do (they pass strings; an Error is shown as a collapsed {name, message, stack});
 * caught, the Catch node's msg has error.message (the text), error.code (the service's code) and
 * error.cause (key, params, code, statusCode).
 * Relies on: Node.error() building a Catch node's msg.error from toString() and the own properties
 * `code` and `cause` (runtime/lib/flows/Flow.js handleError); and the debug sidebar encoding a logged
 * value that is neither an Error, nor named like one, nor a plain object, as its toString()
 * (@node-red/util util.encodeObject). The class name must not contain "error" for that reason.
 */
export class NodeFailure {
  readonly message: string;
  readonly code?: string;
  readonly cause: FailureCause;

  constructor(error: AcsError) {
    this.message = error.message;
    if (error.code !== undefined) this.code = error.code;
    this.cause = { key: error.key, params: error.params };
    if (error.code !== undefined) this.cause.code = error.code;
    if (error.statusCode !== undefined) this.cause.statusCode = error.statusCode;
  }

  toString(): string {
    return this.message;
  }

  /** The console log prints the text too. */
  [inspect.custom](): string {
    return this.message;
  }
}

// ---- Express (the app behind RED.httpNode) ----

/** A router layer: middleware (`handle`) or a route (`route.path`, `route.methods`). */
export interface RouterLayer {
  handle?: unknown;
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

/** The parts of an Express app used here; httpNode is one. */
export interface ExpressApp {
  parent?: ExpressApp;
  path?(): string;
  use(handler: (...args: never[]) => void): unknown;
}

/**
 * An app's router stack, in the order requests meet it.
 * Relies on: Express 4 keeping its router at the private `app._router`, Express 5 at `app.router`;
 * both routers keep their layers in `stack`. Node-RED's core http-in node reads it the same way.
 */
export function routerStack(app: ExpressApp): RouterLayer[] | undefined {
  const routable = app as { _router?: { stack?: unknown }; router?: { stack?: unknown } };
  const stack = (routable._router ?? routable.router)?.stack;
  return Array.isArray(stack) ? (stack as RouterLayer[]) : undefined;
}

/**
 * The app everything else is mounted in (Node-RED's server app, holding the editor and admin API).
 * Relies on: Express setting `parent` on an app when it is mounted (what `app.path()` reads).
 */
export function rootApp(app: ExpressApp): ExpressApp {
  return app.parent ? rootApp(app.parent) : app;
}

/** Moves the middleware `handler` (already `use`d) to the front of the app's stack; false when it is not found. */
export function moveToFront(app: ExpressApp, handler: unknown): boolean {
  const stack = routerStack(app);
  const index = stack?.findIndex((layer) => layer.handle === handler) ?? -1;
  if (!stack || index < 0) return false;
  stack.unshift(...stack.splice(index, 1));
  return true;
}

/** Removes the layers `matches` picks from the app's stack (Express has no call that removes a route). */
export function removeLayers(app: ExpressApp, matches: (layer: RouterLayer) => boolean): void {
  const stack = routerStack(app);
  if (!stack) return;
  for (let index = stack.length - 1; index >= 0; index--) if (matches(stack[index])) stack.splice(index, 1);
}

/**
 * Whether one of the app's own route layers (not middleware) matches `path`, e.g. the routes nodes
 * add to RED.httpAdmin. Relies on: Express 4 and 5 router layers having `match(path)` and `route`.
 * Sub-apps mounted with `use` (the editor and admin API apps) sit behind closures Express does not
 * expose, so callers also need a list of those apps' prefixes.
 */
export function hasRouteFor(app: ExpressApp, path: string): boolean {
  const stack = routerStack(app) ?? [];
  return stack.some((layer) => {
    const match = (layer as { match?: unknown }).match;
    if (!layer.route || typeof match !== "function") return false;
    try {
      return (match as (path: string) => boolean).call(layer, path) === true;
    } catch {
      return false;
    }
  });
}

// ---- request body marks ----

interface MarkedRequest extends IncomingMessage {
  _body?: boolean;
  skipRawBodyParser?: boolean;
}

/**
 * Whether a parser before this one already read the request's body (it is then in `req.body`).
 * Relies on: body-parser (and parsers following it) setting the private `req._body` once they read a body.
 */
export function bodyAlreadyRead(req: IncomingMessage): boolean {
  return (req as MarkedRequest)._body === true;
}

/**
 * Marks a request whose body was read here, so no later parser reads the stream again.
 * Relies on: body-parser skipping requests with `req._body`, and Node-RED's core http-in node
 * skipping its raw body parser for requests with `req.skipRawBodyParser`.
 */
export function markBodyRead(req: IncomingMessage): void {
  const marked = req as MarkedRequest;
  marked._body = true;
  marked.skipRawBodyParser = true;
}
