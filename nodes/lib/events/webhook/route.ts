// A route owned by a node on Node-RED's httpNode: added when the node starts, removed from the
// router's stack when it closes (as the core http-in node does), so a redeploy re-adds it cleanly.
// One owner per path: a second node asking for a path in use gets an error instead of a route
// that would never be reached.
import type { NodeAPI } from "node-red";
import type { RequestHandler } from "express";
import { AcsError } from "../../core/errors";
import { removeLayers, type ExpressApp } from "../../node-red/internals";
import { addFrontRoute, type FrontRoute } from "./front";

export type WebhookMethod = "post" | "options";

interface RoutableApp extends ExpressApp {
  post(path: string, ...handlers: RequestHandler[]): unknown;
  options(path: string, ...handlers: RequestHandler[]): unknown;
}

const PATH_PATTERN = /^\/[A-Za-z0-9._~\-/]*$/;
const owners = new WeakMap<object, Map<string, string>>();

/** A path as routed: a leading slash, no trailing one; throws when it holds route syntax (`:`, `*`, `?`). */
export function normalisePath(path: string): string {
  let normal = path.trim();
  if (!normal.startsWith("/")) normal = `/${normal}`;
  if (normal.length > 1) normal = normal.replace(/\/+$/, "");
  if (normal === "/" || !PATH_PATTERN.test(normal)) throw new AcsError("acs-events.errors.badPath", { field: "path", value: path });
  return normal;
}

export interface WebhookRoute {
  readonly path: string;
  remove(): void;
}

/** Adds `handlers` for each method on `path`; `ownerId` is the node that owns it. */
export function addWebhookRoute(
  RED: NodeAPI,
  ownerId: string,
  path: string,
  handlers: Record<WebhookMethod, RequestHandler>,
  maxBodyBytes: number,
  refuseBeforeBody: FrontRoute["refuseBeforeBody"],
): WebhookRoute {
  const app = RED.httpNode as unknown as RoutableApp | undefined;
  if (!app) throw new AcsError("acs-events.errors.noHttpNode");
  let paths = owners.get(app);
  if (!paths) owners.set(app, (paths = new Map()));
  const owner = paths.get(path.toLowerCase());
  if (owner !== undefined && owner !== ownerId) throw new AcsError("acs-events.errors.pathInUse", { field: "path", value: path });
  paths.set(path.toLowerCase(), ownerId);
  app.post(path, handlers.post);
  app.options(path, handlers.options);
  const removeFront = addFrontRoute(app, path, { maxBodyBytes, options: handlers.options, refuseBeforeBody });
  let removed = false;
  return {
    path,
    remove() {
      if (removed) return;
      removed = true;
      if (paths.get(path.toLowerCase()) === ownerId) paths.delete(path.toLowerCase());
      removeFront();
      const methods = Object.keys(handlers);
      removeLayers(app, ({ route }) => route?.path === path && methods.some((method) => route.methods?.[method]));
    },
  };
}
