// A Microsoft Entra ID stand-in for service principals: the sandbox issues OAuth client-credentials
// access tokens to one registered application and accepts them as Bearer tokens on the ACS data
// plane and on the Event Grid namespace. Tokens are JWTs (HS256) signed with a secret made at start,
// with the claims of real app-only tokens (aud, iss, tid, appid, oid, roles-less), so only the
// sandbox can verify them. Lifetimes are real time: @azure/identity compares expiry with the real clock.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

/** The audience of ACS data-plane tokens and of Event Grid tokens, as the SDKs' scopes name them. */
export const ACS_AUDIENCE = "https://communication.azure.com";
export const EVENTGRID_AUDIENCE = "https://eventgrid.azure.net";

const TOKEN_LIFETIME_MS = 60 * 60_000;

export interface EntraApplication {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface EntraClaims {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  azp: string;
  oid: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  uti: string;
  ver: "1.0";
}

/** What the token endpoint answers, as Entra ID words it (an OAuth error with an AADSTS code). */
export type TokenGrant =
  | { ok: true; accessToken: string; expiresIn: number }
  | { ok: false; status: number; error: string; description: string; code: number };

export class EntraAuthority {
  private readonly secret = randomBytes(32);
  /** The application's service principal object id. */
  private readonly objectId = randomUUID();

  constructor(readonly application: EntraApplication) {}

  /**
   * The client-credentials grant: checks tenant, client and secret, and issues a token for the
   * resource the `.default` scope names.
   */
  grant(tenant: string, form: URLSearchParams, issuerBase: string, nowMs = Date.now()): TokenGrant {
    const { tenantId, clientId, clientSecret } = this.application;
    if (tenant.toLowerCase() !== tenantId.toLowerCase()) {
      return refuse(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`);
    }
    if (form.get("grant_type") !== "client_credentials") {
      return refuse(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type; this sandbox issues client_credentials only.");
    }
    if (form.get("client_id") !== clientId) {
      return refuse(400, "unauthorized_client", 700016, `Application with identifier '${form.get("client_id") ?? ""}' was not found in the directory '${tenantId}'.`);
    }
    const given = Buffer.from(form.get("client_secret") ?? "");
    const expected = Buffer.from(clientSecret);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return refuse(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
    }
    const audience = audienceOf(form.get("scope") ?? "");
    if (audience === undefined) {
      return refuse(400, "invalid_scope", 1002012, "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.");
    }
    const now = Math.floor(nowMs / 1000);
    const claims: EntraClaims = {
      aud: audience,
      iss: `${issuerBase}${tenantId}/v2.0`,
      tid: tenantId,
      appid: clientId,
      azp: clientId,
      oid: this.objectId,
      sub: this.objectId,
      iat: now,
      nbf: now,
      exp: now + TOKEN_LIFETIME_MS / 1000,
      uti: randomBytes(16).toString("base64url"),
      ver: "1.0",
    };
    const header = { alg: "HS256", typ: "JWT", kid: "sandbox-entra" };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return { ok: true, accessToken: `${unsigned}.${this.sign(unsigned)}`, expiresIn: TOKEN_LIFETIME_MS / 1000 };
  }

  /** The claims of a token this sandbox issued for `audience` and that has not expired, else undefined. */
  verify(token: string, audience: string, nowMs = Date.now()): EntraClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: EntraClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as EntraClaims;
    } catch {
      return undefined;
    }
    if (typeof claims.exp !== "number" || claims.exp * 1000 <= nowMs) return undefined;
    return claims.aud === audience ? claims : undefined;
  }

  private sign(unsigned: string): string {
    return createHmac("sha256", this.secret).update(unsigned).digest("base64url");
  }
}

/**
 * The resource a client-credentials scope asks for: `https://eventgrid.azure.net/.default`, or the
 * ACS SDKs' `https://communication.azure.com//.default` (their double slash included).
 */
export function audienceOf(scope: string): string | undefined {
  const scopes = scope.split(" ").filter((s) => s !== "" && s !== "offline_access" && s !== "openid" && s !== "profile");
  if (scopes.length !== 1 || !scopes[0].endsWith("/.default")) return undefined;
  const resource = scopes[0].slice(0, -"/.default".length).replace(/\/+$/, "");
  return resource === "" ? undefined : resource;
}

function refuse(status: number, error: string, code: number, text: string): TokenGrant {
  return { ok: false, status, error, code, description: `AADSTS${code}: ${text}` };
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
