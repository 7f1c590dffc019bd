// Identity through the real CommunicationIdentityClient against the sandbox: users, tokens,
// revocation, deletion, validation, and the answers compared with the spec examples.

import assert from "node:assert/strict";
import type { TokenScope } from "@azure/communication-identity";
import { chatClient, identityClient, restError, type Sandbox, serviceSandboxPerSuite, signedRequest } from "./service-fixture";
import { specExample } from "../helpers/spec-examples";

function jwtPayload(token: string): { exp: number; acsScope: string; skypeid: string } {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as ReturnType<typeof jwtPayload>;
}

describe("sandbox identity", function () {
  let sandbox: Sandbox;

  serviceSandboxPerSuite((started) => (sandbox = started));

  it("creates a user with an id of the form 8:acs:<resource>_<guid>", async function () {
    const user = await identityClient(sandbox).createUser();
    assert.match(user.communicationUserId, /^8:acs:[0-9a-f-]{36}_[0-9a-f-]{36}$/);
  });

  it("creates a user with a chat token whose exp matches expiresOn", async function () {
    const { user, token, expiresOn } = await identityClient(sandbox).createUserAndToken(["chat", "voip"], { tokenExpiresInMinutes: 90 });
    const claims = jwtPayload(token);
    assert.equal(claims.exp, Math.floor(expiresOn.getTime() / 1000));
    assert.equal(claims.acsScope, "chat,voip");
    assert.equal(`8:${claims.skypeid}`, user.communicationUserId);
    const minutesLeft = (expiresOn.getTime() - Date.now()) / 60_000;
    assert.ok(minutesLeft > 89 && minutesLeft <= 90, `${minutesLeft} minutes`);
  });

  it("issues a token for an existing user, 24 hours by default", async function () {
    const client = identityClient(sandbox);
    const user = await client.createUser();
    const { token, expiresOn } = await client.getToken(user, ["chat"]);
    assert.equal(jwtPayload(token).acsScope, "chat");
    const hoursLeft = (expiresOn.getTime() - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 23.9 && hoursLeft <= 24, `${hoursLeft} hours`);
  });

  it("refuses expiresInMinutes outside 60..1440", async function () {
    const client = identityClient(sandbox);
    const user = await client.createUser();
    for (const minutes of [59, 1441]) {
      const error = await restError(client.getToken(user, ["chat"], { tokenExpiresInMinutes: minutes }));
      assert.equal(error.statusCode, 400, `${minutes} minutes`);
      assert.match(error.message, /expiresInMinutes/);
    }
  });

  it("refuses an unknown scope", async function () {
    const client = identityClient(sandbox);
    const user = await client.createUser();
    const error = await restError(client.getToken(user, ["sms" as TokenScope]));
    assert.equal(error.statusCode, 400);
    assert.match(error.message, /'sms' is not a valid scope/);
  });

  it("revokes tokens: the old token is refused by chat, a new one works", async function () {
    const client = identityClient(sandbox);
    const { user, token } = await client.createUserAndToken(["chat"]);
    await client.revokeTokens(user);
    const error = await restError(chatClient(sandbox, token).createChatThread({ topic: "after revoke" }));
    assert.equal(error.statusCode, 401);
    const fresh = await client.getToken(user, ["chat"]);
    const created = await chatClient(sandbox, fresh.token).createChatThread({ topic: "with a new token" });
    assert.ok(created.chatThread?.id);
  });

  it("deletes a user: its tokens stop working and no new token can be issued", async function () {
    const client = identityClient(sandbox);
    const { user, token } = await client.createUserAndToken(["chat"]);
    await client.deleteUser(user);
    const chatError = await restError(chatClient(sandbox, token).createChatThread({ topic: "deleted" }));
    assert.equal(chatError.statusCode, 401);
    const tokenError = await restError(client.getToken(user, ["chat"]));
    assert.equal(tokenError.statusCode, 404);
  });

  it("answers IdentityNotOwned for a user id of another resource", async function () {
    const foreign = { communicationUserId: "8:acs:2dee53b4-368b-45b4-ab52-8493fb117652_00000005-14a2-493b-8a72-5a3a0d000081" };
    const error = await restError(identityClient(sandbox).getToken(foreign, ["chat"]));
    assert.equal(error.statusCode, 401);
    assert.equal(error.code, "IdentityNotOwned");
  });

  it("answers as CreateIdentity.json and IssueAccessToken.json do", async function () {
    const createExample = specExample<{
      parameters: { body: unknown };
      responses: { "201": { body: { identity: object; accessToken: { expiresOn: string } } } };
    }>("identity", "CreateIdentity.json");
    const created = await signedRequest(sandbox, "POST", "/identities?api-version=2023-10-01", createExample.parameters.body);
    assert.equal(created.status, 201);
    const body = created.json() as { identity: { id: string }; accessToken: { token: string; expiresOn: string } };
    assert.deepEqual(Object.keys(body).sort(), Object.keys(createExample.responses["201"].body).sort());
    assert.deepEqual(Object.keys(body.accessToken).sort(), ["expiresOn", "token"]);
    // Same date format as the example: seven fractional digits and +00:00.
    assert.match(createExample.responses["201"].body.accessToken.expiresOn, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    assert.match(body.accessToken.expiresOn, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);

    const issueExample = specExample<{
      parameters: { body: unknown };
      responses: { "200": { body: object } };
    }>("identity", "IssueAccessToken.json");
    const issued = await signedRequest(
      sandbox,
      "POST",
      `/identities/${encodeURIComponent(body.identity.id)}/:issueAccessToken?api-version=2023-10-01`,
      issueExample.parameters.body
    );
    assert.equal(issued.status, 200);
    assert.deepEqual(Object.keys(issued.json() as object).sort(), Object.keys(issueExample.responses["200"].body).sort());

    const revoked = await signedRequest(sandbox, "POST", `/identities/${encodeURIComponent(body.identity.id)}/:revokeAccessTokens?api-version=2023-10-01`);
    assert.equal(revoked.status, 204);
    assert.equal(revoked.text, "");
    const deleted = await signedRequest(sandbox, "DELETE", `/identities/${encodeURIComponent(body.identity.id)}?api-version=2023-10-01`);
    assert.equal(deleted.status, 204);
  });
});
