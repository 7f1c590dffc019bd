import assert from "node:assert/strict";
import { readChatRequest, type ChatField, type MessageDefaults } from "../../../nodes/lib/chat/request";

const THREAD = "19:abc@thread.v2";
const ADA = "8:acs:res_ada";

/** Field values as the node's typedInputs would give them, recording which were read. */
function fields(values: Partial<Record<ChatField, unknown>>) {
  const read: ChatField[] = [];
  return {
    read,
    reader: async (field: ChatField) => {
      read.push(field);
      return values[field];
    },
  };
}

const options = { userMessagesOnly: true };

describe("chat request", function () {
  it("reads only the fields the operation uses", async () => {
    const { read, reader } = fields({ threadId: THREAD, content: "hi", senderDisplayName: "Desk", metadata: { a: 1 } });
    const request = await readChatRequest("sendMessage", reader, {}, options);
    assert.deepEqual(request, { operation: "sendMessage", threadId: THREAD, message: { content: "hi", type: "text", senderDisplayName: "Desk", metadata: { a: "1" } } });
    assert.deepEqual([...read].sort(), ["content", "messageType", "metadata", "senderDisplayName", "threadId"]);

    const deletion = fields({ threadId: THREAD, content: "" });
    await readChatRequest("deleteThread", deletion.reader, {}, options);
    assert.deepEqual(deletion.read, ["threadId"]);
  });

  it("falls back to msg.threadId, then to the msg.acs.threadId a chat node left", async () => {
    const empty = fields({}).reader;
    assert.equal(((await readChatRequest("getThread", empty, { threadId: THREAD }, options)) as { threadId: string }).threadId, THREAD);
    const fromChat: MessageDefaults = { acs: { channel: "chat", threadId: THREAD } };
    assert.equal(((await readChatRequest("getThread", empty, fromChat, options)) as { threadId: string }).threadId, THREAD);
    const fromSms: MessageDefaults = { acs: { channel: "sms", threadId: THREAD } };
    await assert.rejects(readChatRequest("getThread", empty, fromSms, options), /threadId: no thread id/);
    const field = fields({ threadId: "19:field@thread.v2" }).reader;
    assert.equal(((await readChatRequest("getThread", field, { threadId: THREAD }, options)) as { threadId: string }).threadId, "19:field@thread.v2");
  });

  it("answers 'has read' for the message a chat node sent and the contact's chat user", async () => {
    const msg: MessageDefaults = { acs: { channel: "chat", threadId: THREAD, messageId: "1712" }, contact: { chatUserId: ADA } };
    const request = await readChatRequest("hasRead", fields({}).reader, msg, options);
    assert.deepEqual(request, { operation: "hasRead", threadId: THREAD, messageId: "1712", userId: ADA });
  });

  it("bounds the topic, the sender's display name and the metadata of every operation that sends them", async () => {
    const long = "x".repeat(251);
    await assert.rejects(readChatRequest("createThread", fields({ topic: long }).reader, {}, options), /topic: the topic is 251 characters; the limit is 250/);
    await assert.rejects(readChatRequest("updateTopic", fields({ threadId: THREAD, topic: long }).reader, {}, options), /topic: the topic is 251 characters/);
    const name = "n".repeat(257);
    await assert.rejects(readChatRequest("sendMessage", fields({ threadId: THREAD, content: "hi", senderDisplayName: name }).reader, {}, options), /senderDisplayName: the display name is 257 characters; the limit is 256/);
    await assert.rejects(readChatRequest("sendTyping", fields({ threadId: THREAD, senderDisplayName: name }).reader, {}, options), /senderDisplayName: the display name is 257 characters/);
    await assert.rejects(readChatRequest("createThread", fields({ topic: "T", participants: [{ id: ADA, displayName: name }] }).reader, {}, options), /participants: the display name is 257 characters/);
    const metadata = { note: "m".repeat(1100) };
    await assert.rejects(readChatRequest("sendMessage", fields({ threadId: THREAD, content: "hi", metadata }).reader, {}, options), /metadata: the metadata is 1104 bytes/);
    await assert.rejects(readChatRequest("createThread", fields({ topic: "T", metadata }).reader, {}, options), /metadata: the metadata is 1104 bytes/);
  });

  it("reads the history window", async () => {
    const request = await readChatRequest("listMessages", fields({ threadId: THREAD, since: "2024-01-01T00:00:00Z", maxMessages: 5 }).reader, {}, { userMessagesOnly: false });
    assert.deepEqual(request, { operation: "listMessages", threadId: THREAD, history: { since: new Date("2024-01-01T00:00:00Z"), maxCount: 5, userMessagesOnly: false } });
  });

  it("reads participants for create and add, where add needs at least one", async () => {
    const created = await readChatRequest("createThread", fields({ topic: "T" }).reader, {}, options);
    assert.deepEqual(created, { operation: "createThread", topic: "T", participants: [], metadata: undefined });
    await assert.rejects(readChatRequest("addParticipants", fields({ threadId: THREAD }).reader, {}, options), /participants: no participants given/);
  });

  it("reads token options for users and tokens, with no thread", async () => {
    const { read, reader } = fields({ scopes: "chat,voip", tokenMinutes: 120 });
    assert.deepEqual(await readChatRequest("createUser", reader, {}, options), { operation: "createUser", token: { scopes: ["chat", "voip"], expiresInMinutes: 120 } });
    assert.ok(!read.includes("threadId"));
  });
});
