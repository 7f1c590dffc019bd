// The sandbox's Microsoft Entra ID endpoint, signed in to by @azure/identity's ClientSecretCredential
// with `authorityHost` (through MSAL: discovery document, then the token endpoint), and its tokens
// accepted on the ACS data plane and the Event Grid namespace for their own audience only.
import assert from "node:assert/strict";
import { request as httpsRequest } from "node:https";
import { EmailClient } from "@azure/communication-email";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SmsClient } from "@azure/communication-sms";
import { ClientSecretCredential } from "@azure/identity";
import { startSandbox, type Sandbox } from "../../emulator";
import { suiteSandbox } from "../helpers/sandbox";
import { namespaceRequest, receiverClient, senderClient, subscriptionPath } from "./namespace-fixture";

describe("Entra ID in the sandbox", function () {
  let sandbox: Sandbox;

  suiteSandbox((started) => (sandbox = started), () => startSandbox({ timeScale: 60 }));

  function credential(clientSecret = sandbox.entra.clientSecret): ClientSecretCredential {
    const { tenantId, clientId, authorityHost } = sandbox.entra;
    return new ClientSecretCredential(tenantId, clientId, clientSecret, {
      authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: sandbox.ca },
    });
  }

  const clientOptions = (): { tlsOptions: { ca: string }; retryOptions: { maxRetries: number } } => ({ tlsOptions: { ca: sandbox.ca }, retryOptions: { maxRetries: 0 } });

  it("serves the discovery document with every endpoint on the sandbox", async function () {
    const document = (await get(sandbox, `/${sandbox.entra.tenantId}/v2.0/.well-known/openid-configuration`)) as Record<string, string>;
    const origin = sandbox.endpoint.replace(/\/$/, "");
    assert.equal(document.token_endpoint, `${origin}/${sandbox.entra.tenantId}/oauth2/v2.0/token`);
    assert.equal(document.issuer, `${origin}/${sandbox.entra.tenantId}/v2.0`);
    for (const key of ["authorization_endpoint", "jwks_uri", "end_session_endpoint"]) assert.ok(document[key].startsWith(origin), key);
  });

  it("issues a token to the service principal through the SDK's credential", async function () {
    const token = await credential().getToken("https://communication.azure.com//.default");
    assert.ok(token.expiresOnTimestamp > Date.now() + 50 * 60_000, "an hour's token");
    const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;
    assert.equal(claims.aud, "https://communication.azure.com");
    assert.equal(claims.appid, sandbox.entra.clientId);
    assert.equal(claims.tid, sandbox.entra.tenantId);
  });

  it("refuses a wrong client secret with Entra's invalid_client error", async function () {
    await assert.rejects(credential("wrong-secret").getToken("https://communication.azure.com//.default"), /AADSTS7000215/);
  });

  it("accepts its tokens on SMS, Email and Identity", async function () {
    const [sent] = await new SmsClient(sandbox.endpoint, credential(), clientOptions()).send({ from: "+18005550100", to: ["+14255550123"], message: "hi" });
    assert.equal(sent.successful, true);
    const poller = await new EmailClient(sandbox.endpoint, credential(), clientOptions()).beginSend({
      senderAddress: "DoNotReply@contoso.azurecomm.net",
      content: { subject: "s", plainText: "p" },
      recipients: { to: [{ address: "ada@example.com" }] },
    });
    assert.equal((await poller.pollUntilDone()).status, "Succeeded");
    const user = await new CommunicationIdentityClient(sandbox.endpoint, credential(), clientOptions()).createUser();
    assert.match(user.communicationUserId, /^8:acs:/);
  });

  it("accepts its Event Grid tokens on the namespace", async function () {
    await senderClient(sandbox, credential()).sendEvents({ id: "entra-1", type: "Entra.Test", source: "/entra", data: 1 });
    const receiver = receiverClient(sandbox, credential());
    // The ACS events of the sends above are in the queue too.
    const { details } = await receiver.receiveEvents({ maxEvents: 100, maxWaitTime: 10 });
    assert.ok(details.some((d) => d.event.id === "entra-1"));
    assert.deepEqual((await receiver.acknowledgeEvents(details.map((d) => d.brokerProperties.lockToken))).failedLockTokens, []);
  });

  it("refuses a token of another audience with 401", async function () {
    const eventGridToken = (await credential().getToken("https://eventgrid.azure.net/.default")).token;
    const acsToken = (await credential().getToken("https://communication.azure.com//.default")).token;
    const onNamespace = await namespaceRequest(sandbox, subscriptionPath(sandbox, "receive"), { authorization: `Bearer ${acsToken}` });
    assert.equal(onNamespace.status, 401);
    const onSms = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        new URL("/sms?api-version=2021-03-07", sandbox.endpoint),
        { method: "POST", ca: sandbox.ca, headers: { authorization: `Bearer ${eventGridToken}`, "content-type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ from: "+18005550100", smsRecipients: [{ to: "+14255550123" }], message: "hi" }));
    });
    assert.equal(onSms, 401);
    assert.equal(sandbox.control.sentSms().filter((sms) => sms.message === "hi").length, 1, "only the send with the right token went out");
  });
});

function get(sandbox: Sandbox, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    httpsRequest(new URL(path, sandbox.endpoint), { ca: sandbox.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown));
    })
      .on("error", reject)
      .end();
  });
}
