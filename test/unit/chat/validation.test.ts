import assert from "node:assert/strict";
import {
  CHAT_OPERATIONS,
  checkParticipantCount,
  messageContent,
  messageFormat,
  optionalDisplayName,
  parseMaxCount,
  parseMetadata,
  parseOperation,
  parseScopes,
  parseTime,
  parseTokenMinutes,
  requireMessageId,
  requireThreadId,
  requireTopic,
} from "../../../nodes/lib/chat/validation";

const users = (count: number) => Array.from({ length: count }, (_, i) => ({ userId: `8:acs:res_${i}` }));

describe("chat validation", function () {
  it("knows the fifteen operations, whatever their case", () => {
    assert.equal(CHAT_OPERATIONS.length, 15);
    assert.equal(parseOperation("hasread"), "hasRead");
    assert.equal(parseOperation(" sendMessage "), "sendMessage");
    assert.throws(() => parseOperation("sendFax", "msg.operation"), /msg\.operation: "sendFax" is not a chat operation \(expected one of sendMessage, .*, issueToken\)/);
    assert.throws(() => parseOperation(7), /is not a chat operation/);
  });

  it("needs a thread id without spaces", () => {
    assert.equal(requireThreadId(" 19:abc@thread.v2 "), "19:abc@thread.v2");
    assert.throws(() => requireThreadId(undefined), /threadId: no thread id/);
    assert.throws(() => requireThreadId("19:a b@thread.v2"), /threadId: "19:a b@thread.v2" is not a thread id/);
  });

  it("needs a message id, text or number", () => {
    assert.equal(requireMessageId(1712345678901), "1712345678901");
    assert.throws(() => requireMessageId(""), /messageId: no message id/);
  });

  it("takes message text from strings, buffers, numbers and objects", () => {
    assert.equal(messageContent("hi"), "hi");
    assert.equal(messageContent(Buffer.from("héllo")), "héllo");
    assert.equal(messageContent(42), "42");
    assert.equal(messageContent({ a: 1 }), '{"a":1}');
  });

  it("refuses empty messages and ones over 28 KB (counted in UTF-8 bytes)", () => {
    assert.throws(() => messageContent(""), /payload: the message is empty/);
    assert.throws(() => messageContent(null), /payload: the message is empty/);
    assert.equal(messageContent("x".repeat(28 * 1024)).length, 28 * 1024);
    assert.throws(() => messageContent("€".repeat(10_000)), /payload: message of 30000 bytes is too large \(the service accepts at most 28672 bytes/);
  });

  it("reads the format as text or html", () => {
    assert.equal(messageFormat(undefined), "text");
    assert.equal(messageFormat("HTML"), "html");
    assert.throws(() => messageFormat("markdown"), /messageType: "markdown" is not a message format \(expected text or html\)/);
  });

  it("keeps participant counts within 250 a thread and 200 a call", () => {
    assert.equal(checkParticipantCount(users(200), "participants", true).length, 200);
    assert.throws(() => checkParticipantCount(users(201), "participants", true), /201 participants is more than one call can add \(at most 200/);
    assert.throws(() => checkParticipantCount(users(251), "participants", true), /251 participants is more than a thread can have \(at most 250\)/);
    assert.throws(() => checkParticipantCount([], "participants", true), /participants: no participants given/);
    assert.deepEqual(checkParticipantCount([], "participants", false), []);
  });

  it("needs a topic", () => {
    assert.equal(requireTopic(" Orders "), "Orders");
    assert.throws(() => requireTopic(""), /topic: no topic/);
  });

  it("keeps a topic to 250 characters, saying how long it is", () => {
    assert.equal(requireTopic("t".repeat(250)).length, 250);
    assert.throws(() => requireTopic("t".repeat(300)), /^AcsError: topic: the topic is 300 characters; the limit is 250$/);
    assert.throws(() => requireTopic("t".repeat(5_000_000), "msg.topic"), /msg\.topic: the topic is 5000000 characters; the limit is 250/);
  });

  it("keeps a display name to 256 characters and leaves an empty one out", () => {
    assert.equal(optionalDisplayName("Desk", "senderDisplayName"), "Desk");
    assert.equal(optionalDisplayName("n".repeat(256), "senderDisplayName")?.length, 256);
    assert.equal(optionalDisplayName("  ", "senderDisplayName"), undefined);
    assert.equal(optionalDisplayName(undefined, "senderDisplayName"), undefined);
    assert.throws(() => optionalDisplayName("n".repeat(257), "senderDisplayName"), /senderDisplayName: the display name is 257 characters; the limit is 256/);
    assert.throws(() => optionalDisplayName(7, "senderDisplayName"), /senderDisplayName: display name 7 is not text/);
  });

  it("reads metadata as a flat map of text, from an object or JSON", () => {
    assert.deepEqual(parseMetadata({ orderId: 42, urgent: true, note: "x" }), { orderId: "42", urgent: "true", note: "x" });
    assert.deepEqual(parseMetadata('{"a":"b"}'), { a: "b" });
    assert.equal(parseMetadata(undefined), undefined);
    assert.equal(parseMetadata({}), undefined);
    assert.throws(() => parseMetadata({ nested: { a: 1 } }), /metadata: .* is not metadata/);
    assert.throws(() => parseMetadata("[1]"), /is not metadata/);
    assert.throws(() => parseMetadata("{oops"), /is not metadata/);
  });

  it("keeps metadata to 1 KB of keys and values in UTF-8, with no empty key", () => {
    const full = { k: "v".repeat(1023) };
    assert.deepEqual(parseMetadata(full), full);
    assert.throws(() => parseMetadata({ k: "v".repeat(1024) }), /^AcsError: metadata: the metadata is 1025 bytes \(1 keys and their values, UTF-8\); the limit is 1024 bytes, 1 KB$/);
    assert.throws(() => parseMetadata({ k: "é".repeat(512) }), /the metadata is 1025 bytes/);
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key${i}`, "1"]));
    assert.throws(() => parseMetadata(many), /metadata: the metadata is 1290 bytes \(200 keys/);
    assert.throws(() => parseMetadata(JSON.stringify({ note: "x".repeat(2000) }), "msg.metadata"), /msg\.metadata: the metadata is 2004 bytes/);
    assert.throws(() => parseMetadata({ "": "x" }), /metadata: \{"":"x"\} has an empty key/);
  });

  it("reads times from ISO text, milliseconds and Dates", () => {
    assert.equal(parseTime("2024-05-01T10:00:00Z", "since")?.toISOString(), "2024-05-01T10:00:00.000Z");
    assert.equal(parseTime(0, "since")?.toISOString(), "1970-01-01T00:00:00.000Z");
    const now = new Date();
    assert.equal(parseTime(now, "since"), now);
    assert.equal(parseTime("", "since"), undefined);
    assert.throws(() => parseTime("later", "since"), /since: "later" is not a date/);
  });

  it("reads a maximum count, 0 meaning all", () => {
    assert.equal(parseMaxCount("25", "maxMessages"), 25);
    assert.equal(parseMaxCount(undefined, "maxMessages"), 0);
    assert.throws(() => parseMaxCount(-1, "maxMessages"), /maxMessages: "-1" is not a count/);
    assert.throws(() => parseMaxCount(2.5, "maxMessages"), /is not a count/);
  });

  it("reads token scopes and lifetimes within the service's range", () => {
    assert.deepEqual(parseScopes(undefined), ["chat"]);
    assert.deepEqual(parseScopes("chat, voip chat"), ["chat", "voip"]);
    assert.deepEqual(parseScopes(["chat.join"]), ["chat.join"]);
    assert.throws(() => parseScopes("chat,admin"), /scopes: "admin" is not a token scope/);
    assert.equal(parseTokenMinutes(""), undefined);
    assert.equal(parseTokenMinutes("60"), 60);
    assert.equal(parseTokenMinutes(1440), 1440);
    assert.throws(() => parseTokenMinutes(59), /tokenMinutes: "59" is not a token lifetime/);
    assert.throws(() => parseTokenMinutes(1441), /is not a token lifetime/);
  });
});
