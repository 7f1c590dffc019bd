// A route owned by a node on Node-RED's httpNode: added when the node starts, removed from the
// router's stack when it closes (as the core http-in node does), so a redeploy re-adds it cleanly.
// One owner per path: a second node asking for a path in use gets an error instead of a route
// that would never be reached.
import type { NodeAPI } from "node-red";
import type { RequestHandler } from "express";
import { AcsError } from "../../core/errors";
import { hasRouteFor, removeLayers, type ExpressApp } from "../../node-red/internals";
import { addFrontRoute, rootPath, type FrontRoute } from "./front";

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

// The first path segments of the editor and admin API apps (@node-red/editor-api). Express mounts
// them with `use`, behind closures, so their routes cannot be asked for; routes added straight on
// RED.httpAdmin (by nodes and plugins) are asked for through hasRouteFor.
const ADMIN_SEGMENTS = new Set(["auth", "flows", "flow", "nodes", "context", "settings", "plugins", "diagnostics", "icons", "library", "locales", "projects", "theme", "red", "vendor", "types", "core"]);

/** What `rootedPath` (as the root app sees it) would shadow in the admin app, or undefined. */
function adminCollision(RED: NodeAPI, rootedPath: string): string | undefined {
  const admin = RED.httpAdmin as unknown as ExpressApp | undefined;
  if (!admin) return undefined;
  const adminRoot = rootPath(admin, "");
  const prefix = adminRoot === "" ? "" : adminRoot;
  if (prefix !== "" && rootedPath !== prefix && !rootedPath.startsWith(`${prefix}/`)) return undefined;
  const inAdmin = rootedPath.slice(prefix.length) || "/";
  const segment = inAdmin.split("/")[1] ?? "";
  if (ADMIN_SEGMENTS.has(segment)) return `the editor's /${segment} routes`;
  if (hasRouteFor(admin, inAdmin)) return "a route of the editor or another node";
  return undefined;
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
  const collision = adminCollision(RED, rootPath(app, path));
  if (collision) throw new AcsError("acs-events.errors.adminPath", { field: "path", value: path, collision });
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
