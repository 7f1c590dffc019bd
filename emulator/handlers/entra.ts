// The Microsoft Entra ID endpoints a service-principal credential calls (what @azure/identity's
// ClientSecretCredential with `authorityHost` pointing here requests through MSAL): the OpenID
// discovery document, the instance discovery, the signing keys and the client-credentials token
// endpoint. They need no authentication, like the real ones.
import { randomUUID } from "node:crypto";
import type { EntraAuthority } from "../auth/entra";
import { serviceRoutes, type RequestInfo, type Route } from "./services";
import type { ServiceResponse } from "../http/errors";

const TENANT = "([^/]+)";

export function entraRoutes(authority: EntraAuthority): Route[] {
  return serviceRoutes("entra", "none", [
    ["GET", new RegExp(`^/${TENANT}/v2\\.0/\\.well-known/openid-configuration$`), (request) => discovery(request, true)],
    ["GET", new RegExp(`^/${TENANT}/\\.well-known/openid-configuration$`), (request) => discovery(request, false)],
    ["GET", new RegExp(`^/${TENANT}/discovery/instance$`), (request) => instanceDiscovery(request)],
    ["GET", new RegExp(`^/${TENANT}/discovery/v2\\.0/keys$`), () => ({ status: 200, body: { keys: [] } })],
    ["POST", new RegExp(`^/${TENANT}/oauth2/v2\\.0/token$`), (request) => token(authority, request)],
  ]);
}

function discovery(request: RequestInfo, v2: boolean): ServiceResponse {
  const base = `${request.origin}/${request.params[0]}`;
  const oauth = v2 ? `${base}/oauth2/v2.0` : `${base}/oauth2`;
  return {
    status: 200,
    body: {
      token_endpoint: `${oauth}/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: v2 ? `${base}/v2.0` : `${base}/`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${oauth}/authorize`,
      device_authorization_endpoint: `${oauth}/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${oauth}/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "nbf", "tid", "oid", "appid", "azp"],
      tenant_region_scope: "NA",
      cloud_instance_name: "sandbox",
    },
  };
}

/** MSAL asks which hosts form the cloud of an authority: here, the sandbox alone. */
function instanceDiscovery(request: RequestInfo): ServiceResponse {
  const host = new URL(request.origin).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${request.origin}/${request.params[0]}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

function token(authority: EntraAuthority, request: RequestInfo): ServiceResponse {
  const form = new URLSearchParams(request.body.toString("utf8"));
  const grant = authority.grant(request.params[0], form, `${request.origin}/`);
  if (!grant.ok) {
    return {
      status: grant.status,
      body: {
        error: grant.error,
        error_description: grant.description,
        error_codes: [grant.code],
        timestamp: new Date().toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"),
        trace_id: randomUUID(),
        correlation_id: randomUUID(),
      },
    };
  }
  return {
    status: 200,
    body: { token_type: "Bearer", expires_in: grant.expiresIn, ext_expires_in: grant.expiresIn, access_token: grant.accessToken },
  };
}
