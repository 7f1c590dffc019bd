// The sandbox's HTTPS front: one path for every request. Find the route -> authenticate by header
// where the scheme needs no body (namespace key, Bearer) -> read the body -> latency and 5xx faults
// -> authenticate what needs the body (HMAC) -> route to a handler -> answer, or drop the connection
// after the handler ran when a drop fault says so. /_sandbox/* goes to the control API without auth.

import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ACS_AUDIENCE, EVENTGRID_AUDIENCE, type EntraAuthority } from "../auth/entra";
import { verifyHmac } from "../auth/hmac";
import { ServiceError, serviceError, smsUnauthorized, type ServiceResponse } from "./errors";
import { findRoute } from "./routing";
import type { FaultInjector } from "../state/faults";
import { throttled, type RequestInfo, type Route, type SandboxServices } from "../handlers/services";

/** Bodies above this are refused before any handler sees them (email allows 10 MB). */
const MAX_BODY_BYTES = 12 * 1024 * 1024;
const CONTROL_PREFIX = "/_sandbox/";

export interface RequestPipelineDeps {
  services: SandboxServices;
  routes: Route[];
  accessKey: string;
  /** The Event Grid namespace's access key (`Authorization: SharedAccessKey <key>`). */
  namespaceKey: string;
  /** Issuer of the Entra ID tokens the ACS and namespace routes accept. */
  entra: EntraAuthority;
  faults: FaultInjector;
  latencyMs(): number;
  handleControlRequest?(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export function createRequestListener(deps: RequestPipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      console.error("sandbox: request failed:", error instanceof Error ? error.message : error);
      if (!res.headersSent) respond(res, serviceError(500, "InternalServerError", "The sandbox failed to handle the request.").response);
      else res.destroy();
    });
  };
}

async function handle(deps: RequestPipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = `https://${req.headers.host ?? "127.0.0.1"}`;
  const url = new URL(req.url ?? "/", origin);
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    if (deps.handleControlRequest && (await deps.handleControlRequest(req, res, url))) return;
    respond(res, serviceError(404, "NotFound", `No control route ${url.pathname}.`).response);
    return;
  }

  const { services } = deps;
  const method = req.method ?? "GET";
  const found = findRoute(deps.routes, method, url.pathname);
  if (!("missing" in found) && found.route.auth === "namespace") {
    // A caller without the key learns nothing and uploads nothing.
    const refusal = refuseNamespaceCaller(deps, req.headers.authorization);
    if (refusal) {
      services.store.counters.requests++;
      services.store.counters.authFailures++;
      res.shouldKeepAlive = false;
      respond(res, refusal.response);
      req.resume();
      return;
    }
  }

  const body = await readBody(req);
  services.store.counters.requests++;
  if (body === null) {
    respond(res, serviceError(413, "RequestEntityTooLarge", `The request exceeds ${MAX_BODY_BYTES} bytes.`).response);
    return;
  }
  await services.clock.sleepReal(deps.latencyMs());

  if ("missing" in found) {
    const error = found.missing === "method"
      ? serviceError(405, "MethodNotAllowed", `${method} is not allowed on ${url.pathname}.`)
      : serviceError(404, "NotFound", `No resource at ${url.pathname}.`);
    respond(res, error.response);
    return;
  }

  const { route, params } = found;
  const closed = new AbortController();
  res.once("close", () => closed.abort());
  const request: RequestInfo = { method, url, origin, headers: req.headers, body, params, signal: closed.signal };

  let response: ServiceResponse;
  try {
    authenticate(deps, route, request, req.url ?? "/");
    const faultStatus = deps.faults.serverErrorFor(route.channel);
    if (faultStatus !== null) {
      services.store.counters.serverErrors++;
      throw serviceError(faultStatus, "ServiceUnavailable", "The server is currently unable to handle the request.");
    }
    const retryAfterSimMs = deps.faults.throttleFor(route.channel);
    if (retryAfterSimMs !== null) throw throttled(services, route.channel, retryAfterSimMs);
    response = await route.handle(request);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    response = error.response;
  }

  if (response.status < 300 && deps.faults.shouldDrop(route.channel)) {
    // The request was processed and recorded; the client never hears about it.
    services.store.counters.droppedConnections++;
    req.socket.destroy();
    return;
  }
  respond(res, response);
}

function authenticate(deps: RequestPipelineDeps, route: Route, request: RequestInfo, pathAndQuery: string): void {
  const { services } = deps;
  if (route.auth === "none" || route.auth === "namespace") return;
  if (route.auth === "hmac") {
    const bearer = bearerToken(request.headers.authorization);
    if (bearer !== undefined) {
      if (deps.entra.verify(bearer, ACS_AUDIENCE)) return;
      services.store.counters.authFailures++;
      if (route.channel === "sms" || route.channel === "mms") throw smsUnauthorized();
      throw serviceError(401, "Unauthorized", "The Bearer token is not valid for https://communication.azure.com: unknown issuer, wrong audience or expired.");
    }
    const failure = verifyHmac({ method: request.method, pathAndQuery, headers: request.headers, body: request.body }, deps.accessKey);
    if (failure === null) return;
    services.store.counters.authFailures++;
    if (route.channel === "sms" || route.channel === "mms") throw smsUnauthorized();
    throw serviceError(401, "Unauthorized", hmacMessage(failure));
  }
  const token = bearerToken(request.headers.authorization);
  const caller = token !== undefined ? bearerUser(services, token) : undefined;
  if (caller === undefined) {
    services.store.counters.authFailures++;
    throw serviceError(401, "Unauthorized", "Request is not authorized.");
  }
  request.caller = caller;
}

/**
 * Why a namespace request is refused (401 in the service's envelope), or undefined when it carries
 * the namespace key or an Entra ID token for Event Grid that this sandbox issued.
 */
function refuseNamespaceCaller(deps: RequestPipelineDeps, authorization: string | undefined): ServiceError | undefined {
  const header = authorization?.trim() ?? "";
  const key = /^SharedAccessKey\s+(.+)$/i.exec(header);
  if (key) {
    if (sameSecret(key[1].trim(), deps.namespaceKey)) return undefined;
    return serviceError(401, "Unauthorized", "The request authorization key is not authorized for this namespace.");
  }
  const token = bearerToken(header);
  if (token !== undefined) {
    if (deps.entra.verify(token, EVENTGRID_AUDIENCE)) return undefined;
    return serviceError(401, "Unauthorized", "The Bearer token is not valid for https://eventgrid.azure.net: unknown issuer, wrong audience or expired.");
  }
  return serviceError(401, "Unauthorized", "The request has no Authorization header: send 'SharedAccessKey <key>' or a Bearer token.");
}

function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  return match ? match[1].trim() : undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The user a chat token speaks for, unless the token is invalid, the user deleted or its tokens revoked since. */
function bearerUser(services: SandboxServices, token: string): string | undefined {
  const verdict = services.tokens.verifyChatToken(token);
  if ("failure" in verdict) return undefined;
  const user = services.store.users.get(verdict.userId);
  if (!user || user.deleted) return undefined;
  if (user.tokensRevokedThrough !== undefined && verdict.claims.seq <= user.tokensRevokedThrough) return undefined;
  return verdict.userId;
}

function hmacMessage(failure: string): string {
  switch (failure) {
    case "stale-date":
      return "The request date (x-ms-date) is outside the allowed 15 minute window.";
    case "content-hash-mismatch":
      return "The content hash (x-ms-content-sha256) does not match the request body.";
    case "missing-authorization":
    case "malformed-authorization":
    case "missing-date":
      return "The request is not signed with HMAC-SHA256.";
    default:
      return "Denied by the authentication policy: the signature does not match.";
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    if (!tooLarge) chunks.push(buffer);
  }
  return tooLarge ? null : Buffer.concat(chunks);
}

function respond(res: ServerResponse, response: ServiceResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let text: string | undefined;
  if (response.body !== undefined && response.status !== 204) {
    text = JSON.stringify(response.body);
    headers["content-type"] = "application/json; charset=utf-8";
  }
  headers["content-length"] = String(text === undefined ? 0 : Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

export interface RunningServer {
  server: Server;
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function listenHttps(
  options: { host: string; port: number; cert: string; key: string },
  listener: (req: IncomingMessage, res: ServerResponse) => void
): Promise<RunningServer> {
  const server = createServer({ cert: options.cert, key: options.key }, listener);
  // closeAllConnections() knows only sockets that finished the TLS handshake; one still shaking hands
  // (a client reconnecting as the sandbox stops) would hold close() until the handshake times out.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      })
  };
}
