// examples/chat-then-sms.json end to end: the sandbox plays the customer, who reads the chat
// message during the wait or does not; the SMS goes exactly when the message is still unread.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

const TEXT = "Your order 1042 has shipped and arrives tomorrow.";
const PHONE = "+14255550123";

interface ChatAcs {
  status: string;
  threadId: string;
  messageId: string;
}

describe("example: chat first, SMS fallback", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;
  let threadId: string;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("chat-then-sms");
    await runtime.inject("set up the customer");
    const [ready] = await runtime.waitForMessages("ready");
    threadId = (ready.acs as ChatAcs).threadId;
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("sets up a thread with the customer's new chat user", () => {
    assert.match(threadId, /^19:.+@thread\.v2$/);
    assert.deepEqual(runtime.receivedBy("send it by SMS instead"), []);
  });

  it("sends the text by SMS after the wait when the customer has not read the chat message", async () => {
    await runtime.inject("notify the customer");
    const [smsResult] = await runtime.waitForMessages("SMS sent");

    const posted = runtime.sandbox.control.sentChatMessages(threadId);
    assert.deepEqual(posted.map((message) => message.content), [TEXT]);
    const sent = runtime.sandbox.control.sentSms();
    assert.deepEqual(sent.map((sms) => [sms.to, sms.message]), [[PHONE, TEXT]]);
    assert.equal((smsResult.acs as { status: string }).status, "queued");
    assert.deepEqual(runtime.receivedBy("read in the chat: no SMS"), []);
    // In order: the chat post, the read check after the wait, then the SMS.
    const [checked] = runtime.receivedBy("read or unread?");
    assert.equal((checked.acs as ChatAcs).status, "unread");
    assert.equal((checked.acs as ChatAcs).messageId, posted[0].messageId);
    const order = runtime.received.map((entry) => entry.nodeId);
    const at = (name: string) => order.indexOf(runtime.node(name).id);
    assert.ok(at("post in the chat") < at("has the customer read it?") && at("has the customer read it?") < at("send it by SMS instead"));
  });

  it("sends no SMS when the customer reads the chat message during the wait", async () => {
    const smsBefore = runtime.sandbox.control.sentSms().length;
    runtime.whenReceived("wait 5 minutes", (msg) => {
      const acs = msg.acs as ChatAcs;
      const contact = msg.contact as { chatUserId: string };
      runtime.sandbox.control.readChatMessage({ threadId: acs.threadId, userId: contact.chatUserId, messageId: acs.messageId });
    });
    const unreadBefore = runtime.receivedBy("send it by SMS instead").length;
    await runtime.inject("notify the customer");
    const [read] = await runtime.waitForMessages("read in the chat: no SMS");

    assert.equal((read.acs as ChatAcs).status, "read");
    assert.equal(runtime.sandbox.control.sentChatMessages(threadId).length, 2);
    assert.equal(runtime.sandbox.control.sentSms().length, smsBefore);
    assert.equal(runtime.receivedBy("send it by SMS instead").length, unreadBefore);
  });
});
