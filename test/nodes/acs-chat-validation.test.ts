import assert from "node:assert/strict";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { collectStatuses, failureOf, loadChatFlow, run, type ChatMsg } from "./acs-chat.fixture";
import { caughtFrom } from "./send-node.fixture";

/** Well-formed ids of users that need not exist: these checks run before any call. */
function fakeUsers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `8:acs:sandbox_00000000-0000-0000-0000-${String(i).padStart(12, "0")}`);
}

describe("acs-chat node: input validation", function () {
  let sandbox: Sandbox;
  let threadId: string;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    threadId = String((await run({ operation: "createThread", topic: "Checks" })).acs?.threadId);
  });

  /** Fails `msg` through a Catch node, and proves that nothing reached the service. */
  async function refused(msg: ChatMsg): Promise<string> {
    const requests = sandbox.control.counters().requests;
    const error = await failureOf(msg);
    assert.equal(sandbox.control.counters().requests, requests, "no request was made");
    return error;
  }

  it("refuses an unknown operation, listing the known ones", async () => {
    assert.match(await refused({ operation: "sendFax" }), /msg\.operation: "sendFax" is not a chat operation \(expected one of sendMessage, createThread, .*issueToken\)/);
    assert.match(await refused({}), /msg\.operation: "undefined" is not a chat operation/);
  });

  it("refuses a message without a thread id", async () => {
    assert.match(await refused({ operation: "sendMessage", payload: "hi" }), /threadId: no thread id \(set the Thread id field or msg\.threadId/);
  });

  it("refuses an empty message", async () => {
    assert.match(await refused({ operation: "sendMessage", threadId, payload: "   " }), /payload: the message is empty/);
    assert.match(await refused({ operation: "sendMessage", threadId }), /payload: the message is empty/);
  });

  it("refuses a message over 28 KB, saying how large it is", async () => {
    const payload = "é".repeat(14 * 1024 + 1);
    assert.match(await refused({ operation: "sendMessage", threadId, payload }), /payload: message of 28674 bytes is too large \(the service accepts at most 28672 bytes/);
  });

  it("accepts a message of exactly 28 KB", async () => {
    const out = await run({ operation: "sendMessage", threadId, payload: "a".repeat(28 * 1024) });
    assert.equal(out.acs?.status, "sent");
  });

  it("refuses more than 250 participants for a thread", async () => {
    const error = await refused({ operation: "createThread", topic: "Crowd", participants: fakeUsers(251) });
    assert.match(error, /participants: 251 participants is more than a thread can have \(at most 250\)/);
  });

  it("refuses more than 200 participants in one call", async () => {
    const error = await refused({ operation: "addParticipants", threadId, participants: fakeUsers(201) });
    assert.match(error, /participants: 201 participants is more than one call can add \(at most 200/);
  });

  it("refuses participants that are not ACS user ids, and adding none", async () => {
    assert.match(await refused({ operation: "addParticipants", threadId, participants: ["+14255550123"] }), /participants: "\+14255550123" is not an ACS user id/);
    assert.match(await refused({ operation: "addParticipants", threadId, participants: [] }), /participants: no participants given/);
  });

  it("refuses a thread without a topic, bad metadata and a bad history start", async () => {
    assert.match(await refused({ operation: "createThread" }), /topic: no topic/);
    assert.match(await refused({ operation: "sendMessage", threadId, payload: "x", metadata: { nested: { a: 1 } } }), /metadata: .* is not metadata/);
    assert.match(await refused({ operation: "listMessages", threadId, since: "yesterday-ish" }), /since: "yesterday-ish" is not a date/);
  });

  it("refuses a topic, display name or metadata over the service's limits, naming the field, with the msg at the Catch node", async () => {
    const topic = await caughtFrom("chat", { operation: "createThread", topic: "t".repeat(300), orderId: 7 });
    assert.equal(topic.message, "topic: the topic is 300 characters; the limit is 250");
    assert.equal(topic.msg.orderId, 7, "the msg reaches the Catch node");
    assert.match(await refused({ operation: "updateTopic", threadId, topic: "t".repeat(251) }), /^topic: the topic is 251 characters; the limit is 250$/);
    const metadata = { note: "m".repeat(2000) };
    assert.match(await refused({ operation: "sendMessage", threadId, payload: "hi", metadata }), /^metadata: the metadata is 2004 bytes \(1 keys and their values, UTF-8\); the limit is 1024 bytes, 1 KB$/);
    assert.match(await refused({ operation: "createThread", topic: "T", metadata }), /^metadata: the metadata is 2004 bytes/);
    const name = "n".repeat(257);
    await helper.unload();
    await loadChatFlow(sandbox, { operation: "msg", senderDisplayName: "senderDisplayName", senderDisplayNameType: "msg" });
    assert.match(await refused({ operation: "sendMessage", threadId, payload: "hi", senderDisplayName: name }), /^senderDisplayName: the display name is 257 characters; the limit is 256$/);
    assert.match(await refused({ operation: "sendTyping", threadId, senderDisplayName: name }), /^senderDisplayName: the display name is 257 characters/);
  });

  it("sends a topic, display name and metadata at their limits", async () => {
    await helper.unload();
    await loadChatFlow(sandbox, { operation: "msg", senderDisplayName: "senderDisplayName", senderDisplayNameType: "msg" });
    const created = await run({ operation: "createThread", topic: "t".repeat(250), metadata: { k: "v".repeat(1023) } });
    assert.equal(created.acs?.status, "sent");
    const sent = await run({ operation: "sendMessage", threadId: created.acs?.threadId, payload: "hi", senderDisplayName: "n".repeat(256), metadata: { k: "v".repeat(1023) } });
    assert.equal(sent.acs?.status, "sent");
  });

  it("needs a message id and a user id to answer 'has read'", async () => {
    assert.match(await refused({ operation: "hasRead", threadId, userId: fakeUsers(1)[0] }), /messageId: no message id/);
    assert.match(await refused({ operation: "hasRead", threadId, messageId: "1" }), /userId: no ACS user id given/);
  });

  it("shows a short red reason and keeps the msg for the Catch node", async () => {
    const statuses = collectStatuses();
    const caught = new Promise<ChatMsg>((resolve) => (helper.getNode("caught") as unknown as { on(e: string, l: (m: ChatMsg) => void): void }).on("input", resolve));
    await failureOf({ operation: "sendMessage", threadId, payload: "", orderId: 42 });
    const msg = await caught;
    assert.equal(msg.orderId, 42);
    await new Promise((resolve) => setImmediate(resolve));
    const last = statuses.at(-1);
    assert.equal(last?.fill, "red");
    assert.equal(last?.text, "payload: the message is empty");
  });

  it("fails clearly when no connection is selected", async () => {
    await helper.unload();
    await loadChatFlow(sandbox, { operation: "getThread", config: "" });
    assert.match(await failureOf({ threadId }), /config: no ACS connection selected/);
  });
});
