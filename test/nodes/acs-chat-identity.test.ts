import assert from "node:assert/strict";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { chatClientFor, collectStatuses, failureOf, loadChatFlow, run } from "./acs-chat.fixture";

interface TokenPayload {
  userId: string;
  token: string;
  expiresOn: string;
}

describe("acs-chat node: users and tokens for chat clients", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));

  it("creates a user with a token that a chat client can join a thread with", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const created = await run({ operation: "createUser" });
    const { userId, token, expiresOn } = created.payload as TokenPayload;
    assert.match(userId, /^8:acs:/);
    assert.equal(created.acs?.status, "sent");
    assert.equal(created.acs?.userId, userId);
    assert.ok(Date.parse(expiresOn) > Date.now());

    const thread = await run({ operation: "createThread", topic: "Web chat", participants: userId });
    await run({ operation: "sendMessage", threadId: thread.acs?.threadId, payload: "Welcome!" });
    const client = chatClientFor(sandbox, token).getChatThreadClient(String(thread.acs?.threadId));
    const seen: string[] = [];
    for await (const message of client.listMessages()) if (message.type === "text") seen.push(String(message.content?.message));
    assert.deepEqual(seen, ["Welcome!"]);
  });

  it("issues a token for an existing user with the scopes and lifetime asked for", async () => {
    await loadChatFlow(sandbox, { operation: "msg", scopes: "chat, voip", tokenMinutes: "60" });
    const { userId } = (await run({ operation: "createUser" })).payload as TokenPayload;
    const issued = await run({ operation: "issueToken", userId });
    const payload = issued.payload as TokenPayload;
    assert.equal(payload.userId, userId);
    const claims = JSON.parse(Buffer.from(payload.token.split(".")[1], "base64url").toString("utf8")) as { acsScope: string };
    assert.equal(claims.acsScope, "chat,voip");
    const minutes = (Date.parse(payload.expiresOn) - Date.now()) / 60_000;
    assert.ok(minutes > 58 && minutes <= 60, `token lives ${minutes} minutes`);
  });

  it("keeps the token out of the status and the log", async () => {
    await loadChatFlow(sandbox, { operation: "createUser" });
    const statuses = collectStatuses();
    const { token } = (await run({})).payload as TokenPayload;
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(statuses.length > 0);
    const secretPart = token.split(".")[2] ?? token;
    assert.doesNotMatch(JSON.stringify(statuses), new RegExp(secretPart.slice(0, 16)));
    assert.doesNotMatch(JSON.stringify(helper.log().args), new RegExp(secretPart.slice(0, 16)));
  });

  it("refuses an unknown scope and a lifetime outside 60..1440 minutes before calling the service", async () => {
    await loadChatFlow(sandbox, [
      { operation: "createUser", scopes: "chat, admin" },
      { operation: "createUser", tokenMinutes: "30" },
    ]);
    const requests = sandbox.control.counters().requests;
    assert.match(await failureOf({}), /scopes: "admin" is not a token scope \(expected one of chat, voip/);
    assert.match(await failureOf({}, "chat2"), /tokenMinutes: "30" is not a token lifetime/);
    assert.equal(sandbox.control.counters().requests, requests);
  });

  it("needs the user id to issue a token for", async () => {
    await loadChatFlow(sandbox, { operation: "issueToken" });
    assert.match(await failureOf({}), /userId: no ACS user id given/);
  });
});
