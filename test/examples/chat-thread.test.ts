// examples/chat-thread.json end to end: a new thread, two posts in order, the history read back.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

describe("example: chat thread", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("chat-thread");
  });

  afterEach(() => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("creates a thread, posts both messages in order and reads them back", async () => {
    await runtime.inject("start");
    const [history] = await runtime.waitForMessages("history");
    const [thread] = await runtime.waitForMessages("thread");

    const threadId = (thread.payload as { id: string }).id;
    assert.equal((thread.payload as { topic: string }).topic, "Order 1042");
    const posted = runtime.sandbox.control.sentChatMessages(threadId);
    assert.deepEqual(posted.map((message) => [message.content, message.senderDisplayName]), [
      ["Hello! Your order 1042 has shipped.", "Dispatch"],
      ["It arrives tomorrow between 2 and 4 pm.", "Dispatch"],
    ]);
    const read = (history.payload as { id: string; content: string }[]).map((message) => [message.id, message.content]);
    assert.deepEqual(read.sort(), posted.map((message) => [message.messageId, message.content]).sort());
  });
});
