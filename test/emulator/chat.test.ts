// Chat through the real ChatClient / ChatThreadClient against the sandbox: every call in the chat
// table, absolute nextLink paging, the service's limits, 403 for non-participants, the per-thread
// send rate limit, and the answers compared with the spec examples.

import assert from "node:assert/strict";
import type { ChatMessage, ChatThreadClient } from "@azure/communication-chat";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import { chatClient, chatUser, identityClient, rawRequest, restError, type Sandbox, serviceSandboxPerSuite } from "./service-fixture";
import { specExample } from "../helpers/spec-examples";

type User = { id: string; token: string };

function who(user: { id: string }): CommunicationUserIdentifier {
  return { communicationUserId: user.id };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function manyUsers(sandbox: Sandbox, count: number): Promise<CommunicationUserIdentifier[]> {
  const client = identityClient(sandbox);
  return Promise.all(Array.from({ length: count }, () => client.createUser()));
}

describe("sandbox chat", function () {
  let sandbox: Sandbox;
  let alice: User;
  let bob: User;
  let eve: User;

  serviceSandboxPerSuite(async (started) => {
    sandbox = started;
    [alice, bob, eve] = await Promise.all([chatUser(sandbox), chatUser(sandbox), chatUser(sandbox)]);
  }, { quotas: { chat: { sendMessagePerThread: null, listReadReceiptsPerUser: null } } });

  async function threadWithBob(topic = "Lunch"): Promise<ChatThreadClient> {
    const created = await chatClient(sandbox, alice.token).createChatThread({ topic }, { participants: [{ id: who(bob), displayName: "Bob" }] });
    return chatClient(sandbox, alice.token).getChatThreadClient(created.chatThread?.id ?? "");
  }

  describe("threads", function () {
    it("creates a thread with a 19:...@thread.v2 id, its creator and the listed participants", async function () {
      const created = await chatClient(sandbox, alice.token).createChatThread(
        { topic: "Lunch" },
        { participants: [{ id: who(bob), displayName: "Bob" }] }
      );
      const thread = created.chatThread;
      assert.match(thread?.id ?? "", /^19:.+@thread\.v2$/);
      assert.equal(thread?.topic, "Lunch");
      assert.deepEqual(thread?.createdBy, { kind: "communicationUser", communicationUserId: alice.id });
      const participants = await collect(chatClient(sandbox, alice.token).getChatThreadClient(thread?.id ?? "").listParticipants());
      assert.deepEqual(
        participants.map((p) => (p.id as CommunicationUserIdentifier).communicationUserId).sort(),
        [alice.id, bob.id].sort()
      );
    });

    it("reports unknown users as invalidParticipants and creates the thread without them", async function () {
      const ghost = { communicationUserId: `${alice.id.slice(0, alice.id.indexOf("_") + 1)}00000000-0000-0000-0000-000000000000` };
      const created = await chatClient(sandbox, alice.token).createChatThread({ topic: "Ghosts" }, { participants: [{ id: ghost }] });
      assert.equal(created.invalidParticipants?.length, 1);
      assert.equal(created.invalidParticipants?.[0].target, ghost.communicationUserId);
      assert.equal(created.invalidParticipants?.[0].code, "404");
    });

    it("returns the same thread for a repeated idempotency token", async function () {
      const client = chatClient(sandbox, alice.token);
      const first = await client.createChatThread({ topic: "Once" }, { idempotencyToken: "8e1b2c3d-0000-4000-8000-000000000001" });
      const second = await client.createChatThread({ topic: "Once" }, { idempotencyToken: "8e1b2c3d-0000-4000-8000-000000000001" });
      assert.equal(second.chatThread?.id, first.chatThread?.id);
    });

    it("gets, updates and lists threads, and marks a deleted one", async function () {
      const thread = await threadWithBob("Before");
      await thread.updateTopic("After");
      await thread.updateProperties({ metadata: { order: "42" } });
      const properties = await thread.getProperties();
      assert.equal(properties.topic, "After");
      assert.deepEqual(properties.metadata, { order: "42" });
      const bobsThreads = await collect(chatClient(sandbox, bob.token).listChatThreads());
      assert.ok(bobsThreads.some((t) => t.id === thread.threadId && t.topic === "After"));
      await chatClient(sandbox, alice.token).deleteChatThread(thread.threadId);
      const after = await collect(chatClient(sandbox, bob.token).listChatThreads());
      assert.ok(after.find((t) => t.id === thread.threadId)?.deletedOn instanceof Date);
      const error = await restError(thread.getProperties());
      assert.equal(error.statusCode, 404);
    });

    it("answers 403 to a user who is not in the thread", async function () {
      const thread = await threadWithBob();
      const outsider = chatClient(sandbox, eve.token).getChatThreadClient(thread.threadId);
      for (const call of [outsider.getProperties(), outsider.sendMessage({ content: "let me in" }), collect(outsider.listMessages())]) {
        const error = await restError(call);
        assert.equal(error.statusCode, 403);
        assert.equal(error.code, "Forbidden");
      }
    });
  });

  describe("messages", function () {
    it("sends, gets, edits and deletes a message; the thread lists it with its system messages", async function () {
      const thread = await threadWithBob();
      const { id } = await thread.sendMessage({ content: "<b>Hi</b>" }, { senderDisplayName: "Alice", type: "html", metadata: { k: "v" } });
      const got = await thread.getMessage(id);
      assert.equal(got.content?.message, "<b>Hi</b>");
      assert.equal(got.type, "html");
      assert.equal(got.senderDisplayName, "Alice");
      assert.deepEqual(got.metadata, { k: "v" });
      assert.deepEqual(got.sender, { kind: "communicationUser", communicationUserId: alice.id });

      await thread.updateMessage(id, { content: "Hi!" });
      const edited = await thread.getMessage(id);
      assert.equal(edited.content?.message, "Hi!");
      assert.ok(edited.editedOn instanceof Date);

      const bobsView = chatClient(sandbox, bob.token).getChatThreadClient(thread.threadId);
      assert.equal((await restError(bobsView.deleteMessage(id))).statusCode, 403, "only the sender deletes");
      await thread.deleteMessage(id);
      const messages = await collect(bobsView.listMessages());
      assert.deepEqual(messages.map((m) => m.type), ["html", "participantAdded"]);
      assert.ok(messages[0].deletedOn instanceof Date);
    });

    it("lists messages newest first and only those after startTime", async function () {
      const thread = await threadWithBob();
      await thread.sendMessage({ content: "one" });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const since = new Date();
      await thread.sendMessage({ content: "two" });
      await thread.sendMessage({ content: "three" });
      const recent = await collect(thread.listMessages({ startTime: since }));
      assert.deepEqual(recent.map((m) => m.content?.message), ["three", "two"]);
    });

    it("accepts a 28 KB message and refuses one byte more", async function () {
      const thread = await threadWithBob();
      const ok = await thread.sendMessage({ content: "x".repeat(28 * 1024) });
      assert.ok(ok.id);
      const error = await restError(thread.sendMessage({ content: "x".repeat(28 * 1024 + 1) }));
      assert.equal(error.statusCode, 400);
      assert.match(error.message, /28 KB/);
    });

    it("refuses a topic over 250 characters, a display name over 256 and metadata over 1 KB with 400 BadRequest", async function () {
      const client = chatClient(sandbox, alice.token);
      const longTopic = await restError(client.createChatThread({ topic: "t".repeat(251) }));
      assert.equal(longTopic.statusCode, 400);
      assert.equal(longTopic.code, "BadRequest");
      assert.match(longTopic.message, /topic exceeds the maximum length of 250 characters/);
      const thread = await threadWithBob("t".repeat(250));
      assert.equal((await thread.getProperties()).topic.length, 250);
      assert.match((await restError(thread.updateTopic("t".repeat(251)))).message, /topic exceeds the maximum length of 250/);
      const name = await restError(thread.sendMessage({ content: "hi" }, { senderDisplayName: "n".repeat(257) }));
      assert.equal(name.statusCode, 400);
      assert.match(name.message, /display name exceeds the maximum length of 256 characters/);
      assert.match((await restError(thread.sendTypingNotification({ senderDisplayName: "n".repeat(257) }))).message, /display name exceeds/);
      const metadata = await restError(thread.sendMessage({ content: "hi" }, { metadata: { k: "v".repeat(1024) } }));
      assert.equal(metadata.statusCode, 400);
      assert.match(metadata.message, /metadata exceeds the maximum size of 1 KB/);
      const atLimits = await thread.sendMessage({ content: "hi" }, { senderDisplayName: "n".repeat(256), metadata: { k: "v".repeat(1023) } });
      const stored = await thread.getMessage(atLimits.id);
      assert.equal(stored.senderDisplayName?.length, 256);
      assert.equal(stored.metadata?.k.length, 1023);
    });

    it("pages past 200 messages with absolute nextLinks", async function () {
      const thread = await threadWithBob();
      for (let i = 0; i < 205; i++) await thread.sendMessage({ content: `message ${i}` });
      const pages: ChatMessage[][] = [];
      const links: (string | undefined)[] = [];
      const iterator = thread.listMessages({ maxPageSize: 200 }).byPage();
      for await (const page of iterator) {
        pages.push(page);
        links.push((page as unknown as { continuationToken?: string }).continuationToken);
      }
      assert.deepEqual(pages.map((p) => p.length), [200, 6]);
      const texts = pages.flat().filter((m) => m.type === "text").map((m) => m.content?.message);
      assert.equal(texts.length, 205);
      assert.equal(texts[0], "message 204");
      assert.equal(new Set(texts).size, 205);
      // nextLink: absolute, same scheme and host as the request.
      const response = await rawRequest(
        sandbox,
        "GET",
        new URL(`/chat/threads/${encodeURIComponent(thread.threadId)}/messages?maxPageSize=200&api-version=2025-03-15`, sandbox.endpoint),
        "",
        { authorization: `Bearer ${alice.token}` }
      );
      const nextLink = (response.json() as { nextLink?: string }).nextLink ?? "";
      assert.equal(new URL(nextLink).origin, new URL(sandbox.endpoint).origin);
      assert.match(nextLink, /maxPageSize=200/);
      assert.match(nextLink, /api-version=2025-03-15/);
    });

    it("refuses a page size above 200", async function () {
      const thread = await threadWithBob();
      const error = await restError(collect(thread.listMessages({ maxPageSize: 201 })));
      assert.equal(error.statusCode, 400);
    });
  });

  describe("participants", function () {
    let crowd: CommunicationUserIdentifier[];

    before(async function () {
      // 250 identities at once: seconds on a busy machine.
      this.timeout(120_000);
      crowd = await manyUsers(sandbox, 250);
    });

    it("adds, lists and removes participants, reporting unknown ones", async function () {
      const thread = await threadWithBob();
      const ghost = { communicationUserId: `${eve.id.slice(0, eve.id.indexOf("_") + 1)}11111111-1111-1111-1111-111111111111` };
      const added = await thread.addParticipants({ participants: [{ id: who(eve), displayName: "Eve" }, { id: ghost }] });
      assert.deepEqual(added.invalidParticipants?.map((p) => p.target), [ghost.communicationUserId]);
      let participants = await collect(thread.listParticipants());
      assert.equal(participants.find((p) => (p.id as CommunicationUserIdentifier).communicationUserId === eve.id)?.displayName, "Eve");
      await thread.removeParticipant(who(eve));
      participants = await collect(thread.listParticipants());
      assert.equal(participants.length, 2);
      const types = (await collect(thread.listMessages())).map((m) => m.type);
      assert.deepEqual(types, ["participantRemoved", "participantAdded", "participantAdded"]);
    });

    it("refuses more than 200 participants in one call", async function () {
      const users = crowd.slice(0, 201);
      const error = await restError(chatClient(sandbox, alice.token).createChatThread({ topic: "Crowd" }, { participants: users.map((id) => ({ id })) }));
      assert.equal(error.statusCode, 400);
      assert.match(error.message, /200/);
    });

    it("holds 250 participants and refuses the 251st", async function () {
      const users = crowd;
      const created = await chatClient(sandbox, alice.token).createChatThread(
        { topic: "Town hall" },
        { participants: users.slice(0, 200).map((id) => ({ id })) }
      );
      const thread = chatClient(sandbox, alice.token).getChatThreadClient(created.chatThread?.id ?? "");
      await thread.addParticipants({ participants: users.slice(200, 249).map((id) => ({ id })) });
      assert.equal((await collect(thread.listParticipants())).length, 250);
      const error = await restError(thread.addParticipants({ participants: [{ id: users[249] }] }));
      assert.equal(error.statusCode, 400);
      assert.match(error.message, /250/);
    });
  });

  describe("read receipts and typing", function () {
    it("records read receipts and lists them", async function () {
      const thread = await threadWithBob();
      const { id } = await thread.sendMessage({ content: "Read me" });
      const bobsView = chatClient(sandbox, bob.token).getChatThreadClient(thread.threadId);
      await bobsView.sendReadReceipt({ chatMessageId: id });
      await bobsView.sendTypingNotification({ senderDisplayName: "Bob" });
      const receipts = await collect(thread.listReadReceipts());
      assert.equal(receipts.length, 1);
      assert.equal(receipts[0].chatMessageId, id);
      assert.deepEqual(receipts[0].sender, { kind: "communicationUser", communicationUserId: bob.id });
      assert.ok(receipts[0].readOn instanceof Date);
    });

    it("lets tests read a message as a user through the control API", async function () {
      const thread = await threadWithBob();
      const { id } = await thread.sendMessage({ content: "Read me too" });
      sandbox.control.readChatMessage({ threadId: thread.threadId, userId: bob.id, messageId: id });
      const receipts = await collect(thread.listReadReceipts());
      assert.deepEqual(receipts.map((r) => r.chatMessageId), [id]);
    });

    it("supports read receipts and typing with 20 participants and refuses them with 21", async function () {
      const users = await manyUsers(sandbox, 19);
      const created = await chatClient(sandbox, alice.token).createChatThread({ topic: "Twenty" }, { participants: users.map((id) => ({ id })) });
      const thread = chatClient(sandbox, alice.token).getChatThreadClient(created.chatThread?.id ?? "");
      const { id } = await thread.sendMessage({ content: "hello all" });
      await thread.sendReadReceipt({ chatMessageId: id });
      await thread.sendTypingNotification();
      await thread.addParticipants({ participants: [{ id: who(bob) }] });
      for (const call of [thread.sendReadReceipt({ chatMessageId: id }), collect(thread.listReadReceipts())]) {
        const error = await restError(call);
        assert.equal(error.statusCode, 403);
        assert.match(error.message, /20 participants/);
      }
      // The SDK skips a typing notification sent within 8 s of the last from the same client.
      const freshClient = chatClient(sandbox, alice.token).getChatThreadClient(thread.threadId);
      const typing = await restError(freshClient.sendTypingNotification());
      assert.equal(typing.statusCode, 403);
    });
  });

  describe("answers compared with the spec examples", function () {
    function bearer(user: User): Record<string, string> {
      return { authorization: `Bearer ${user.token}`, "content-type": "application/json" };
    }

    it("creates a thread as Threads_CreateChatThread.json: 201, Location, chatThread keys", async function () {
      const spec = specExample("chat", "Threads_CreateChatThread.json").responses["201"];
      const response = await rawRequest(
        sandbox,
        "POST",
        new URL("/chat/threads?api-version=2025-03-15", sandbox.endpoint),
        JSON.stringify({ topic: "Lunch", participants: [{ communicationIdentifier: { rawId: bob.id, communicationUser: { id: bob.id } }, displayName: "Bob" }] }),
        bearer(alice)
      );
      assert.equal(response.status, 201);
      const body = response.json() as { chatThread: Record<string, unknown> };
      const expectedKeys = Object.keys((spec.body as { chatThread: object }).chatThread).filter((k) => k !== "retentionPolicy");
      assert.deepEqual(Object.keys(body.chatThread).sort(), expectedKeys.sort());
      assert.match(String(body.chatThread.createdOn), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
      assert.equal(String(response.headers.location), `${sandbox.endpoint}chat/threads/${encodeURIComponent(String(body.chatThread.id))}`);
    });

    it("sends a message as Messages_SendChatMessage.json: 201 {id} and Location", async function () {
      const thread = await threadWithBob();
      const path = `/chat/threads/${encodeURIComponent(thread.threadId)}/messages?api-version=2025-03-15`;
      const response = await rawRequest(sandbox, "POST", new URL(path, sandbox.endpoint), JSON.stringify({ content: "Hi" }), bearer(alice));
      assert.equal(response.status, 201);
      const body = response.json() as { id: string };
      assert.deepEqual(Object.keys(body), Object.keys(specExample("chat", "Messages_SendChatMessage.json").responses["201"].body ?? {}));
      assert.match(body.id, /^\d{13}$/);
      assert.ok(String(response.headers.location).endsWith(`/messages/${body.id}`));
    });

    it("lists participants as Participants_ListChatParticipantsWithPageSize.json: absolute nextLink with skip", async function () {
      const thread = await threadWithBob();
      await thread.addParticipants({ participants: [{ id: who(eve) }] });
      const path = `/chat/threads/${encodeURIComponent(thread.threadId)}/participants?maxPageSize=2&api-version=2025-03-15`;
      const response = await rawRequest(sandbox, "GET", new URL(path, sandbox.endpoint), "", bearer(alice));
      const body = response.json() as { value: unknown[]; nextLink: string };
      const specLink = new URL(String(specExample("chat", "Participants_ListChatParticipantsWithPageSize.json").responses["200"].body?.nextLink));
      const link = new URL(body.nextLink);
      assert.equal(body.value.length, 2);
      assert.equal(link.origin, new URL(sandbox.endpoint).origin);
      assert.deepEqual([...link.searchParams.keys()].sort(), [...specLink.searchParams.keys()].sort());
      assert.equal(link.searchParams.get("skip"), "2");
    });

    it("answers a non-participant with the 403 body of the examples", async function () {
      const thread = await threadWithBob();
      const path = `/chat/threads/${encodeURIComponent(thread.threadId)}?api-version=2025-03-15`;
      const response = await rawRequest(sandbox, "GET", new URL(path, sandbox.endpoint), "", bearer(eve));
      assert.equal(response.status, 403);
      assert.deepEqual(response.json(), specExample("chat", "Threads_GetChatThread.json").responses["403"].body);
    });
  });
});

describe("sandbox chat send rate limit", function () {
  // Ten messages per simulated 10 s and thread. In real time (timeScale 1) eleven sends fit in the
  // window however busy the machine; at timeScale 200 it lasts 50 real ms, so a retry finds room.
  let realTime: Sandbox;
  let sandbox: Sandbox;
  let alice: User;

  serviceSandboxPerSuite((started) => (realTime = started), { timeScale: 1 });
  serviceSandboxPerSuite(async (started) => {
    sandbox = started;
    alice = await chatUser(sandbox);
  }, { timeScale: 200 });

  it("answers the 11th message within 10 s with 429 and Retry-After", async function () {
    const user = await chatUser(realTime);
    const created = await chatClient(realTime, user.token).createChatThread({ topic: "Busy" });
    const thread = chatClient(realTime, user.token, { retryOptions: { maxRetries: 0 } }).getChatThreadClient(created.chatThread?.id ?? "");
    for (let i = 0; i < 10; i++) await thread.sendMessage({ content: `m${i}` });
    const error = await restError(thread.sendMessage({ content: "one too many" }));
    assert.equal(error.statusCode, 429);
    assert.ok(Number(error.response?.headers.get("retry-after")) >= 1);
    assert.equal(realTime.control.counters().throttled.chat, 1);
  });

  it("lets the SDK's retry through once the window has room, sending the message once", async function () {
    const created = await chatClient(sandbox, alice.token).createChatThread({ topic: "Patient" });
    const thread = chatClient(sandbox, alice.token).getChatThreadClient(created.chatThread?.id ?? "");
    for (let i = 0; i < 11; i++) await thread.sendMessage({ content: `m${i}` });
    const texts = sandbox.control.sentChatMessages(created.chatThread?.id).map((m) => m.content);
    assert.equal(texts.length, 11);
    assert.equal(new Set(texts).size, 11);
  });
});
