// Turns the acs-config node's fields and credentials into validated connection settings. Every
// problem names the field and what is wrong with it, and never echoes a secret.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import { AzureAuthorityHosts, ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import { AcsError, describeValue, fieldError } from "../core/errors";

export type AuthMode = "connectionString" | "accessKey" | "entraId" | "sandbox";
export type EntraMode = "default" | "clientSecret";

/** The acs-config node's properties, as the editor saves them. */
export interface AcsConfigProperties {
  authMode: AuthMode;
  endpoint?: string;
  entraMode?: EntraMode;
  tenantId?: string;
  clientId?: string;
  /** Entra ID authority of the service principal: empty for the public cloud, a sovereign cloud's, or the sandbox's. */
  authorityHost?: string;
  /** Path of a PEM file with the CA certificate(s) to trust, e.g. the sandbox's `.sandbox/ca.pem`. */
  caFile?: string;
}

/** The acs-config node's credentials (all password fields in the editor). */
export interface AcsConfigCredentials {
  connectionString?: string;
  accessKey?: string;
  clientSecret?: string;
  /** CA certificate(s) as PEM text, as an alternative to caFile. */
  caCert?: string;
}

export interface ConnectionSettings {
  endpoint: string;
  credential: AzureKeyCredential | TokenCredential;
  /** PEM text of the CA(s) to trust in addition to the system's. */
  ca?: string;
  /** Only for an http:// sandbox on loopback. */
  allowInsecureConnection: boolean;
}

export const AUTH_MODES: readonly AuthMode[] = ["connectionString", "accessKey", "entraId", "sandbox"];

/** The sandbox's published development key (like Azurite's well-known key): not a secret. */
export const SANDBOX_ACCESS_KEY = "3jdd4c3YXieBSu7TtpNUlU0q1rMRtN8DzJMM87yLKO5/dCjF0A0KcPTzHRSDfnQOa4Xff9Ql56pj1GHsbS1zRA==";

export function resolveConnectionSettings(props: AcsConfigProperties, creds: AcsConfigCredentials): ConnectionSettings {
  const ca = readCa(props, creds);
  switch (props.authMode) {
    case "connectionString": {
      const parsed = parseConnectionString(required(creds.connectionString, "connectionString"));
      return { endpoint: checkEndpoint(parsed.endpoint, "connectionString", false), credential: new AzureKeyCredential(checkKey(parsed.accessKey, "connectionString")), ca, allowInsecureConnection: false };
    }
    case "accessKey":
      return { endpoint: checkEndpoint(props.endpoint, "endpoint", false), credential: new AzureKeyCredential(checkKey(required(creds.accessKey, "accessKey"), "accessKey")), ca, allowInsecureConnection: false };
    case "entraId":
      return { endpoint: checkEndpoint(props.endpoint, "endpoint", false), credential: entraCredential(props, creds, ca), ca, allowInsecureConnection: false };
    case "sandbox": {
      const endpoint = checkEndpoint(props.endpoint, "endpoint", true);
      const key = creds.accessKey ? checkKey(creds.accessKey, "accessKey") : SANDBOX_ACCESS_KEY;
      return { endpoint, credential: new AzureKeyCredential(key), ca, allowInsecureConnection: endpoint.startsWith("http:") };
    }
    default:
      throw fieldError("acs-config.errors.unknownAuthMode", "authMode", props.authMode, { modes: AUTH_MODES.join(", ") });
  }
}

/** `endpoint=https://HOST/;accesskey=KEY`, keys case-insensitive, in any order. */
export function parseConnectionString(text: string): { endpoint: string; accessKey: string } {
  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const endpoint = parts.get("endpoint");
  const accessKey = parts.get("accesskey");
  // The value is a secret: the message says what is missing, never what was given.
  if (!endpoint || !accessKey) throw new AcsError("acs-config.errors.badConnectionString");
  return { endpoint, accessKey };
}

function required(value: string | undefined, field: string): string {
  const trimmed = value?.trim();
  if (!trimmed) throw new AcsError("acs-config.errors.required", { field });
  return trimmed;
}

function checkKey(key: string, field: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, "base64").length < 16) {
    throw new AcsError("acs-config.errors.badKey", { field });
  }
  return key;
}

function checkEndpoint(value: string | undefined, field: string, sandbox: boolean): string {
  const text = required(value, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fieldError("acs-config.errors.badEndpoint", field, field === "connectionString" ? "(hidden)" : text);
  }
  const shown = field === "connectionString" ? url.origin : text;
  if (url.protocol === "http:") {
    // Plain HTTP would send the key-signed requests in clear text: only a local sandbox may use it.
    if (!sandbox || !isLoopback(url.hostname)) throw fieldError("acs-config.errors.insecureEndpoint", field, shown);
  } else if (url.protocol !== "https:") {
    throw fieldError("acs-config.errors.badEndpoint", field, shown);
  }
  return `${url.protocol}//${url.host}/`;
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/**
 * The Entra ID credential of the acs-config fields: DefaultAzureCredential, or a service principal
 * (tenant, client id, secret) at `authorityHost`. Shared with every node that signs in "as
 * acs-config does".
 */
export function entraCredential(props: AcsConfigProperties, creds: AcsConfigCredentials, ca: string | undefined): TokenCredential {
  const tls = ca ? { tlsOptions: { ca } } : {};
  if ((props.entraMode ?? "default") === "default") return new DefaultAzureCredential(tls);
  const tenantId = required(props.tenantId, "tenantId");
  const clientId = required(props.clientId, "clientId");
  if (!/^[0-9a-f-]{36}$/i.test(clientId)) throw fieldError("acs-config.errors.notGuid", "clientId", clientId);
  if (!/^[0-9a-f-]{36}$/i.test(tenantId) && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(tenantId)) {
    throw fieldError("acs-config.errors.badTenant", "tenantId", tenantId);
  }
  const authorityHost = checkAuthorityHost(props.authorityHost);
  return new ClientSecretCredential(tenantId, clientId, required(creds.clientSecret, "clientSecret"), {
    ...tls,
    authorityHost,
    // Instance discovery asks login.microsoftonline.com whether the authority is a Microsoft cloud;
    // any other authority (the sandbox, a private one) would fail it.
    disableInstanceDiscovery: !KNOWN_AUTHORITY_HOSTS.has(authorityHost),
  });
}

/** The Microsoft clouds' authority hosts, without a trailing slash. */
const KNOWN_AUTHORITY_HOSTS = new Set<string>(Object.values(AzureAuthorityHosts).map((host) => host.replace(/\/+$/, "")));

/** The authority host as a URL origin; empty means the public cloud. */
export function checkAuthorityHost(value: string | undefined): string {
  const text = value?.trim();
  if (!text) return AzureAuthorityHosts.AzurePublicCloud;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw fieldError("acs-config.errors.badAuthorityHost", "authorityHost", text);
  }
  // Tokens are secrets: they are only ever requested over TLS.
  if (url.protocol !== "https:" || url.pathname.replace(/\/+$/, "") !== "" || url.search !== "") {
    throw fieldError("acs-config.errors.badAuthorityHost", "authorityHost", text);
  }
  return url.origin;
}

function readCa(props: AcsConfigProperties, creds: AcsConfigCredentials): string | undefined {
  let pem = creds.caCert?.trim();
  const file = props.caFile?.trim();
  if (!pem && file) {
    try {
      pem = readFileSync(file, "utf8");
    } catch (err) {
      throw fieldError("acs-config.errors.caFileUnreadable", "caFile", file, { reason: describeValue((err as Error).message) });
    }
  }
  if (pem === undefined || pem === "") return undefined;
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new AcsError("acs-config.errors.caNotPem", { field: creds.caCert ? "caCert" : "caFile" });
  return pem;
}
