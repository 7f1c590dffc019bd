// Identity API (api-version 2023-10-01): create users (with or without a token), issue tokens,
// revoke tokens, delete users.

import { randomUUID } from "node:crypto";
import { TOKEN_SCOPES } from "../auth/tokens";
import { serviceError, type ServiceError, type ServiceResponse } from "../http/errors";
import { serviceRoutes, type Route, type RequestInfo, type SandboxServices } from "./services";
import { parseJsonObject, type JsonObject } from "../http/json";

const MIN_EXPIRES_IN_MINUTES = 60;
const MAX_EXPIRES_IN_MINUTES = 1440;
const DEFAULT_EXPIRES_IN_MINUTES = 1440;

export function identityRoutes(services: SandboxServices): Route[] {
  return serviceRoutes("identity", "hmac", [
    ["POST", /^\/identities$/, (r) => createIdentity(services, r)],
    ["POST", /^\/identities\/([^/]+)\/:issueAccessToken$/, (r) => issueToken(services, r)],
    ["POST", /^\/identities\/([^/]+)\/:revokeAccessTokens$/, (r) => revokeTokens(services, r)],
    ["DELETE", /^\/identities\/([^/]+)$/, (r) => deleteIdentity(services, r)]
  ]);
}

function createIdentity(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const body = parseJsonObject(request.body, validationError);
  const scopes = body.createTokenWithScopes;
  const wantsToken = Array.isArray(scopes) && scopes.length > 0;
  const lifetimeMs = wantsToken ? tokenLifetimeMs(body) : 0;
  if (wantsToken) checkScopes(scopes);
  const id = `8:acs:${services.resourceId}_${randomUUID()}`;
  services.store.users.set(id, { id, createdAt: Date.now(), deleted: false });
  const result: JsonObject = { identity: { id } };
  if (wantsToken) {
    const issued = services.tokens.issue(id, scopes as string[], lifetimeMs);
    result.accessToken = { token: issued.token, expiresOn: identityDate(issued.expiresOn) };
  }
  return { status: 201, body: result };
}

function issueToken(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const id = existingUser(services, request.params[0]);
  const body = parseJsonObject(request.body, validationError);
  const scopes = body.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0) throw validationError("scopes: at least one scope is required.");
  checkScopes(scopes);
  const issued = services.tokens.issue(id, scopes as string[], tokenLifetimeMs(body));
  return { status: 200, body: { token: issued.token, expiresOn: identityDate(issued.expiresOn) } };
}

function revokeTokens(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const id = existingUser(services, request.params[0]);
  const user = services.store.users.get(id);
  if (user) user.tokensRevokedThrough = services.tokens.lastIssued;
  return { status: 204 };
}

function deleteIdentity(services: SandboxServices, request: RequestInfo): ServiceResponse {
  const id = existingUser(services, request.params[0]);
  const user = services.store.users.get(id);
  if (user) {
    user.deleted = true;
    user.tokensRevokedThrough = services.tokens.lastIssued;
  }
  return { status: 204 };
}

/** The id must belong to this resource (401 IdentityNotOwned otherwise) and exist (404). */
function existingUser(services: SandboxServices, id: string): string {
  if (!id.startsWith(`8:acs:${services.resourceId}_`)) {
    throw serviceError(401, "IdentityNotOwned", "The identity is not owned by this resource.");
  }
  const user = services.store.users.get(id);
  if (!user || user.deleted) throw serviceError(404, "IdentityNotFound", "The identity was not found.");
  return id;
}

function tokenLifetimeMs(body: JsonObject): number {
  const minutes = body.expiresInMinutes ?? DEFAULT_EXPIRES_IN_MINUTES;
  if (
    typeof minutes !== "number" ||
    !Number.isInteger(minutes) ||
    minutes < MIN_EXPIRES_IN_MINUTES ||
    minutes > MAX_EXPIRES_IN_MINUTES
  ) {
    throw validationError(
      `expiresInMinutes: the value must be an integer between ${MIN_EXPIRES_IN_MINUTES} and ${MAX_EXPIRES_IN_MINUTES}.`
    );
  }
  return minutes * 60_000;
}

function checkScopes(scopes: unknown[]): void {
  for (const scope of scopes) {
    if (typeof scope !== "string" || !(TOKEN_SCOPES as readonly string[]).includes(scope)) {
      throw validationError(`scopes: '${String(scope)}' is not a valid scope (expected one of ${TOKEN_SCOPES.join(", ")}).`);
    }
  }
}

function validationError(message: string): ServiceError {
  return serviceError(400, "ValidationError", message);
}

/** The Identity API writes dates as `2023-10-10T21:39:39.3244584+00:00`. */
function identityDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000+00:00");
}
