// Routing shared by the service APIs (server.ts) and the control API (control-api.ts): a table of
// method + path pattern, matched in order, each path matched once.

/** What a route needs for matching: the method and a pattern whose groups are the path parameters. */
export interface RoutePattern {
  method: string;
  pattern: RegExp;
}

/**
 * The route for `method` on `path` with its decoded path parameters, or what is missing: no route
 * has the path (404), or none of those that have it takes the method (405).
 */
export function findRoute<R extends RoutePattern>(
  routes: R[],
  method: string,
  path: string
): { route: R; params: string[] } | { missing: "path" | "method" } {
  let pathKnown = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    if (route.method === method) return { route, params: match.slice(1).map((p) => decodeURIComponent(p)) };
    pathKnown = true;
  }
  return { missing: pathKnown ? "method" : "path" };
}
