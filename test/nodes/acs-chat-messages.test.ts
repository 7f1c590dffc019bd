import assert from "node:assert/strict";
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { loadChatFlow, run, serviceUserId, type ChatMsg } from "./acs-chat.fixture";

interface MessagePayload {
  id: string;
  type: string;
  content?: string;
  senderId?: string;
  createdOn: string;
}

/** The node's own queue pacing is lifted so that tests run at the sandbox's speed. */
const FAST_CONFIG = { config: { chatPerMinute: "1000000" } };

describe("acs-chat node: messages and history", function () {
  let sandbox: Sandbox;

  // No per-thread rate here; the rate-limit test turns it back on for itself.
  sandboxPerSuite((started) => (sandbox = started), () => startTestSandbox({ quotas: { chat: { sendMessagePerThread: null } } }));
  afterEach(() => {
    sandbox.control.setQuotas({ chat: { sendMessagePerThread: null } });
  });

  async function newThread(): Promise<string> {
    return String((await run({ operation: "createThread", topic: "History" })).acs?.threadId);
  }

  function post(threadId: string, payload: unknown, extra: Record<string, unknown> = {}): Promise<ChatMsg> {
    return run({ operation: "sendMessage", threadId, payload, ...extra });
  }

  it("posts a text message with a sender name and metadata, keeping msg.payload", async () => {
    await loadChatFlow(sandbox, { operation: "msg", senderDisplayName: "Dispatch" });
    const threadId = await newThread();
    const out = await post(threadId, "Your order shipped", { metadata: { orderId: "42" }, correlationId: "order-42" });
    assert.equal(out.payload, "Your order shipped");
    assert.deepEqual(
      { ...out.acs, messageId: typeof out.acs?.messageId },
      { channel: "chat", operation: "sendMessage", status: "sent", threadId, messageId: "string", correlationId: "order-42", to: threadId, from: await serviceUserId() },
    );
    const [stored] = sandbox.control.sentChatMessages(threadId);
    assert.equal(stored.messageId, out.acs?.messageId);
    assert.deepEqual([stored.content, stored.type, stored.senderDisplayName, stored.metadata], ["Your order shipped", "text", "Dispatch", { orderId: "42" }]);
  });

  it("posts html when the format says so", async () => {
    await loadChatFlow(sandbox, { operation: "msg", messageType: "html" });
    const threadId = await newThread();
    await post(threadId, "<b>Shipped</b>");
    assert.equal(sandbox.control.sentChatMessages(threadId)[0].type, "html");
  });

  it("records each sent message for correlation, with the flow's contact details", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const threadId = await newThread();
    const contact = { phone: "+14255550123", chatUserId: "8:acs:sandbox_x" };
    const out = await post(threadId, "Are you there?", { contact });
    const correlationId = String(out.acs?.correlationId);
    assert.match(correlationId, /^[0-9a-f-]{36}$/, "a uuid is generated when msg.correlationId is absent");
    const store = (helper.getNode("acs") as unknown as AcsConfigNode).resource.correlation;
    const record = await store.find(String(out.acs?.messageId));
    assert.deepEqual(
      { ...record, sentAt: typeof record?.sentAt },
      { channel: "chat", messageId: out.acs?.messageId, correlationId, to: threadId, from: await serviceUserId(), sentAt: "number", threadId, contact },
    );
  });

  it("reads the whole history past 200 messages, newest first, following every page", async function () {
    this.timeout(20_000);
    await loadChatFlow(sandbox, { operation: "msg", maxMessages: "0" }, FAST_CONFIG);
    const threadId = await newThread();
    const sent = await Promise.all(Array.from({ length: 250 }, (_, i) => post(threadId, `message ${i}`)));
    const history = await run({ operation: "listMessages", threadId, payload: "replaced" });
    const messages = history.payload as MessagePayload[];
    assert.equal(history.acs?.status, "received");
    assert.equal(messages.length, 250);
    assert.deepEqual(new Set(messages.map((m) => m.id)), new Set(sent.map((m) => m.acs?.messageId)));
    assert.ok(messages.every((m) => m.type === "text" && m.senderId === messages[0].senderId));
    const order = messages.map((m) => Number(m.id));
    assert.deepEqual(order, [...order].sort((a, b) => b - a), "newest first");
    assert.equal(messages.at(-1)?.content, "message 0");
  });

  it("lists the messages since a time, and the service's system messages when asked", async () => {
    await loadChatFlow(sandbox, [{ operation: "msg" }, { operation: "listMessages", userMessagesOnly: false, maxMessages: "" }], FAST_CONFIG);
    const threadId = await newThread();
    for (let i = 0; i < 3; i++) await post(threadId, `early ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const since = new Date().toISOString();
    for (let i = 0; i < 2; i++) await post(threadId, `late ${i}`);

    const all = (await run({ operation: "listMessages", threadId }, "chat")).payload as MessagePayload[];
    assert.equal(all.length, 5, "user messages only, by default");
    const late = (await run({ threadId, since }, "chat2")).payload as MessagePayload[];
    assert.deepEqual(late.map((m) => m.content), ["late 1", "late 0"]);
    const everything = (await run({ threadId }, "chat2")).payload as MessagePayload[];
    assert.ok(everything.some((m) => m.type === "participantAdded"), "system messages are included when asked");
    assert.equal(everything.filter((m) => m.type === "text").length, 5);
  });

  it("limits the history to the newest N messages", async () => {
    await loadChatFlow(sandbox, [{ operation: "msg" }, { operation: "listMessages", maxMessages: "maxMessages", maxMessagesType: "msg" }], FAST_CONFIG);
    const threadId = await newThread();
    for (let i = 0; i < 4; i++) await post(threadId, `m${i}`);
    const out = await run({ threadId, maxMessages: 2 }, "chat2");
    assert.deepEqual((out.payload as MessagePayload[]).map((m) => m.content), ["m3", "m2"]);
  });

  it("waits out the per-thread rate limit (429) and retries: every message arrives once, in order", async function () {
    this.timeout(20_000);
    sandbox.control.setQuotas({ chat: { sendMessagePerThread: { per10Seconds: 10 } } });
    await loadChatFlow(sandbox, { operation: "msg" }, FAST_CONFIG);
    const threadId = await newThread();
    const throttledBefore = sandbox.control.counters().throttled.chat ?? 0;
    const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => post(threadId, `burst ${i}`)));
    assert.ok((sandbox.control.counters().throttled.chat ?? 0) > throttledBefore, "the sandbox did answer 429");
    const stored = sandbox.control.sentChatMessages(threadId);
    assert.equal(stored.length, 30);
    assert.deepEqual(stored.map((m) => m.content), Array.from({ length: 30 }, (_, i) => `burst ${i}`));
    assert.deepEqual(new Set(outs.map((o) => o.acs?.messageId)), new Set(stored.map((m) => m.messageId)));
    assert.ok(outs.every((o) => o.acs?.status === "sent"));
  });

  it("settles every queued message when the node closes: the waiting ones fail with a clear error", async () => {
    // Default pacing (60 a minute): the first message goes at once, the others wait their turn.
    await loadChatFlow(sandbox, { operation: "msg" });
    const threadId = await newThread();
    const errors: string[] = [];
    (helper.getNode("chat") as unknown as { on(e: string, l: (call: { args: unknown[] }) => void): void }).on("call:error", (call) => {
      errors.push(String((call.args[0] as Error).message ?? call.args[0]));
    });
    const first = post(threadId, "one");
    for (const text of ["two", "three", "four"]) void post(threadId, text).catch(() => undefined);
    await first;
    await (helper.getNode("chat") as unknown as { close(removed: boolean): Promise<void> }).close(true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(errors.length, 3);
    assert.ok(errors.every((e) => /not sent: the node was stopped or redeployed before the message left the queue/.test(e)), errors.join("; "));
    assert.deepEqual(sandbox.control.sentChatMessages(threadId).map((m) => m.content), ["one"]);
  });
});
