import assert from "node:assert/strict";
import type { ChatThreadClient } from "@azure/communication-chat";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { chatClientFor, createUsers, failureOf, loadChatFlow, run, serviceUserId } from "./acs-chat.fixture";

/** Lifts the node's own pacing of read-receipt queries (1 a second by default) so tests run quickly. */
const FAST_CONFIG = { config: { chatPerMinute: "1000000" } };

describe("acs-chat node: read receipts, has read, typing", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));

  /** A thread made by the node with one other user in it, and that user's own Chat SDK client. */
  async function threadWithReader(): Promise<{ threadId: string; readerId: string; reader: ChatThreadClient }> {
    const [user] = await createUsers(sandbox, 1);
    const out = await run({ operation: "createThread", topic: "Delivery", participants: user.userId });
    const threadId = String(out.acs?.threadId);
    return { threadId, readerId: user.userId, reader: chatClientFor(sandbox, user.token).getChatThreadClient(threadId) };
  }

  async function post(threadId: string, text: string): Promise<string> {
    return String((await run({ operation: "sendMessage", threadId, payload: text })).acs?.messageId);
  }

  it("answers unread until the other user (with the Chat SDK and its own token) reads the message, then read", async () => {
    await loadChatFlow(sandbox, { operation: "msg" }, FAST_CONFIG);
    const { threadId, readerId, reader } = await threadWithReader();
    const messageId = await post(threadId, "Your parcel is at the door");

    const before = await run({ operation: "hasRead", threadId, messageId, userId: readerId, payload: "Your parcel is at the door" });
    assert.equal(before.acs?.status, "unread");
    assert.equal(before.acs?.messageId, messageId);
    assert.equal(before.payload, "Your parcel is at the door", "the payload stays for a fallback on another channel");

    await reader.sendReadReceipt({ chatMessageId: messageId });
    const after = await run({ operation: "hasRead", threadId, messageId, userId: readerId });
    assert.equal(after.acs?.status, "read");
    assert.equal(after.acs?.readMessageId, messageId);
    assert.equal(after.acs?.userId, readerId);
    assert.ok(!Number.isNaN(Date.parse(String(after.acs?.readOn))));
  });

  it("counts a read receipt for a later message as read, and one for an earlier message as unread", async () => {
    await loadChatFlow(sandbox, { operation: "msg" }, FAST_CONFIG);
    const { threadId, readerId, reader } = await threadWithReader();
    const first = await post(threadId, "first");
    const second = await post(threadId, "second");
    const third = await post(threadId, "third");
    await reader.sendReadReceipt({ chatMessageId: second });

    const ofFirst = await run({ operation: "hasRead", threadId, messageId: first, userId: readerId });
    assert.equal(ofFirst.acs?.status, "read");
    assert.equal(ofFirst.acs?.readMessageId, second);
    const ofThird = await run({ operation: "hasRead", threadId, messageId: third, userId: readerId });
    assert.equal(ofThird.acs?.status, "unread");
  });

  it("checks the message a previous chat node sent, for the contact's chat user (the fallback chain)", async () => {
    await loadChatFlow(sandbox, [{ operation: "msg" }, { operation: "hasRead" }], FAST_CONFIG);
    const { threadId, readerId, reader } = await threadWithReader();
    const sent = await run({ operation: "sendMessage", threadId, payload: "Still there?", correlationId: "ticket-7", contact: { chatUserId: readerId, phone: "+14255550123" } });
    // What a delay node passes on: the sent msg, here without msg.threadId so msg.acs.threadId is used.
    const passedOn = { ...sent };
    delete passedOn.threadId;
    const unread = await run(passedOn, "chat2");
    assert.equal(unread.acs?.status, "unread");
    assert.equal(unread.acs?.messageId, sent.acs?.messageId);
    assert.equal(unread.acs?.correlationId, "ticket-7", "msg.correlationId travels on");
    await reader.sendReadReceipt({ chatMessageId: String(sent.acs?.messageId) });
    assert.equal((await run(passedOn, "chat2")).acs?.status, "read");
  });

  it("sends a read receipt as the service user and lists the thread's receipts", async () => {
    await loadChatFlow(sandbox, { operation: "msg" }, FAST_CONFIG);
    const { threadId, readerId, reader } = await threadWithReader();
    const { id: fromReader } = await reader.sendMessage({ content: "Where is my parcel?" });
    const sent = await run({ operation: "sendReadReceipt", threadId, messageId: fromReader });
    assert.equal(sent.acs?.status, "sent");
    await reader.sendReadReceipt({ chatMessageId: fromReader });
    const listed = await run({ operation: "listReadReceipts", threadId });
    assert.equal(listed.acs?.status, "received");
    const receipts = listed.payload as { userId: string; messageId: string; readOn: string }[];
    assert.deepEqual(receipts.map((r) => [r.userId, r.messageId]).sort(), [[await serviceUserId(), fromReader], [readerId, fromReader]].sort());
  });

  it("sends a typing notification", async () => {
    await loadChatFlow(sandbox, { operation: "msg", senderDisplayName: "Dispatch" });
    const { threadId } = await threadWithReader();
    const requests = sandbox.control.counters().requests;
    const out = await run({ operation: "sendTyping", threadId });
    assert.equal(out.acs?.status, "sent");
    // One page of participants (the 20-participant check), then the notification itself.
    assert.equal(sandbox.control.counters().requests - requests, 2);
    assert.equal(out.acs?.operation, "sendTyping");
  });

  it("names a message the thread does not have", async () => {
    await loadChatFlow(sandbox, { operation: "msg" }, FAST_CONFIG);
    const { threadId, readerId } = await threadWithReader();
    const error = await failureOf({ operation: "hasRead", threadId, messageId: "1234", userId: readerId });
    assert.match(error, /messageId: message "1234" not found in thread/);
  });

  it("says the service has no read receipts or typing in threads of more than 20 participants", async function () {
    this.timeout(10_000);
    await loadChatFlow(sandbox, { operation: "msg" }, FAST_CONFIG);
    const users = await createUsers(sandbox, 20);
    const created = await run({ operation: "createThread", topic: "Town hall", participants: users.map((u) => u.userId) });
    const threadId = String(created.acs?.threadId);
    const messageId = await post(threadId, "Welcome");
    assert.equal(sandbox.store.listParticipants(threadId).length, 21);
    const checks: [string, RegExp][] = [
      ["sendReadReceipt", /more than 20 participants, and the service does not support read receipts/],
      ["listReadReceipts", /more than 20 participants, and the service does not support read receipts/],
      ["hasRead", /more than 20 participants, and the service does not support read receipts/],
      ["sendTyping", /more than 20 participants, and the service does not support typing notifications/],
    ];
    for (const [operation, expected] of checks) {
      assert.match(await failureOf({ operation, threadId, messageId, userId: users[0].userId }), expected, operation);
    }
  });
});
