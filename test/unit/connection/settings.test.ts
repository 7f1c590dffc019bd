import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AzureKeyCredential, isTokenCredential } from "@azure/core-auth";
import { checkAuthorityHost, parseConnectionString, resolveConnectionSettings, SANDBOX_ACCESS_KEY } from "../../../nodes/lib/connection/settings";
import { AcsError } from "../../../nodes/lib/core/errors";
import { SANDBOX_ACCESS_KEY as EMULATOR_KEY } from "../../../emulator";

const KEY = Buffer.from("a-test-access-key-of-32-bytes!!!").toString("base64");
const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function rejects(fn: () => unknown, key: string, text?: RegExp): void {
  assert.throws(fn, (err: AcsError) => {
    assert.equal(err.key, key);
    if (text) assert.match(err.message, text);
    return true;
  });
}

describe("connection settings", () => {
  it("reads a connection string in any key order and case", () => {
    assert.deepEqual(parseConnectionString(`AccessKey=${KEY};Endpoint=https://r.communication.azure.com/`), { endpoint: "https://r.communication.azure.com/", accessKey: KEY });
    const settings = resolveConnectionSettings({ authMode: "connectionString" }, { connectionString: `endpoint=https://r.communication.azure.com;accesskey=${KEY}` });
    assert.equal(settings.endpoint, "https://r.communication.azure.com/");
    assert.equal((settings.credential as AzureKeyCredential).key, KEY);
  });

  it("names a broken connection string without echoing it", () => {
    rejects(() => resolveConnectionSettings({ authMode: "connectionString" }, { connectionString: "accesskey=SECRETSECRET" }), "acs-config.errors.badConnectionString");
    try {
      resolveConnectionSettings({ authMode: "connectionString" }, { connectionString: "accesskey=SECRETSECRET" });
    } catch (err) {
      assert.doesNotMatch((err as Error).message, /SECRETSECRET/);
    }
    rejects(() => resolveConnectionSettings({ authMode: "connectionString" }, {}), "acs-config.errors.required", /^connectionString: required/);
  });

  it("checks endpoint and key in endpoint + access key mode", () => {
    const ok = resolveConnectionSettings({ authMode: "accessKey", endpoint: "https://r.communication.azure.com" }, { accessKey: KEY });
    assert.equal(ok.endpoint, "https://r.communication.azure.com/");
    rejects(() => resolveConnectionSettings({ authMode: "accessKey", endpoint: "r.communication" }, { accessKey: KEY }), "acs-config.errors.badEndpoint", /endpoint: "r.communication" is not an endpoint URL/);
    rejects(() => resolveConnectionSettings({ authMode: "accessKey", endpoint: "https://r.communication.azure.com" }, { accessKey: "not base64!" }), "acs-config.errors.badKey", /^accessKey: not a valid access key/);
    rejects(() => resolveConnectionSettings({ authMode: "accessKey", endpoint: "https://r.communication.azure.com" }, {}), "acs-config.errors.required");
  });

  it("refuses plain http except for a sandbox on loopback", () => {
    rejects(() => resolveConnectionSettings({ authMode: "accessKey", endpoint: "http://r.communication.azure.com" }, { accessKey: KEY }), "acs-config.errors.insecureEndpoint");
    rejects(() => resolveConnectionSettings({ authMode: "sandbox", endpoint: "http://10.1.2.3:5443" }, {}), "acs-config.errors.insecureEndpoint");
    const local = resolveConnectionSettings({ authMode: "sandbox", endpoint: "http://127.0.0.1:5443" }, {});
    assert.equal(local.allowInsecureConnection, true);
    const tls = resolveConnectionSettings({ authMode: "sandbox", endpoint: "https://127.0.0.1:5443" }, {});
    assert.equal(tls.allowInsecureConnection, false);
    assert.equal((tls.credential as AzureKeyCredential).key, SANDBOX_ACCESS_KEY);
  });

  it("builds an Entra ID token credential and validates the service principal fields", () => {
    const byDefault = resolveConnectionSettings({ authMode: "entraId", endpoint: "https://r.communication.azure.com" }, {});
    assert.ok(isTokenCredential(byDefault.credential));
    const principal = { authMode: "entraId" as const, entraMode: "clientSecret" as const, endpoint: "https://r.communication.azure.com", tenantId: "contoso.onmicrosoft.com", clientId: "00000000-0000-0000-0000-000000000001" };
    assert.ok(isTokenCredential(resolveConnectionSettings(principal, { clientSecret: "s3cret" }).credential));
    rejects(() => resolveConnectionSettings({ ...principal, clientId: "app" }, { clientSecret: "s3cret" }), "acs-config.errors.notGuid", /clientId: "app" is not a GUID/);
    rejects(() => resolveConnectionSettings({ ...principal, tenantId: "!" }, { clientSecret: "s3cret" }), "acs-config.errors.badTenant");
    rejects(() => resolveConnectionSettings(principal, {}), "acs-config.errors.required", /clientSecret/);
  });

  it("signs a service principal in at the public cloud unless an https authority host is given", () => {
    assert.equal(checkAuthorityHost(undefined), "https://login.microsoftonline.com");
    assert.equal(checkAuthorityHost("  "), "https://login.microsoftonline.com");
    assert.equal(checkAuthorityHost("https://login.microsoftonline.us/"), "https://login.microsoftonline.us");
    assert.equal(checkAuthorityHost("https://127.0.0.1:5443/"), "https://127.0.0.1:5443");
    rejects(() => checkAuthorityHost("login.microsoftonline.com"), "acs-config.errors.badAuthorityHost", /authorityHost: "login.microsoftonline.com" is not an authority host/);
    rejects(() => checkAuthorityHost("http://127.0.0.1:5443"), "acs-config.errors.badAuthorityHost");
    rejects(() => checkAuthorityHost("https://login.microsoftonline.com/contoso"), "acs-config.errors.badAuthorityHost");
    const principal = { authMode: "entraId" as const, entraMode: "clientSecret" as const, endpoint: "https://r.communication.azure.com", tenantId: "contoso.onmicrosoft.com", clientId: "00000000-0000-0000-0000-000000000001" };
    rejects(() => resolveConnectionSettings({ ...principal, authorityHost: "ftp://x" }, { clientSecret: "s3cret" }), "acs-config.errors.badAuthorityHost");
  });

  it("trusts a CA given as PEM text or as a file, and refuses anything else", () => {
    const dir = mkdtempSync(join(tmpdir(), "acs-ca-"));
    writeFileSync(join(dir, "ca.pem"), CA);
    assert.equal(resolveConnectionSettings({ authMode: "sandbox", endpoint: "https://127.0.0.1:1", caFile: join(dir, "ca.pem") }, {}).ca, CA);
    assert.equal(resolveConnectionSettings({ authMode: "sandbox", endpoint: "https://127.0.0.1:1" }, { caCert: CA }).ca, CA.trim());
    rejects(() => resolveConnectionSettings({ authMode: "sandbox", endpoint: "https://127.0.0.1:1", caFile: join(dir, "missing.pem") }, {}), "acs-config.errors.caFileUnreadable", /caFile: ".*missing.pem" cannot be read/);
    rejects(() => resolveConnectionSettings({ authMode: "sandbox", endpoint: "https://127.0.0.1:1" }, { caCert: "hello" }), "acs-config.errors.caNotPem");
  });

  it("defaults the sandbox mode to the key the sandbox itself uses", () => {
    assert.equal(SANDBOX_ACCESS_KEY, EMULATOR_KEY);
  });

  it("names an unknown authentication mode", () => {
    rejects(() => resolveConnectionSettings({ authMode: "magic" as never }, {}), "acs-config.errors.unknownAuthMode", /authMode: "magic" is not an authentication mode/);
  });
});
