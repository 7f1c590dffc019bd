// examples/chat-thread.json end to end: one click creates a thread, posts two messages in order and
// reads the history back.
import assert from "node:assert/strict";
import { exampleRuntime, type ExampleRuntime } from "./harness";

interface HistoryItem {
  type: string;
  content: string;
  senderDisplayName?: string;
}

describe("example: chat thread (create, post, read the history)", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  before(async () => {
    runtime = await exampleRuntime();
    await runtime.load("chat-thread");
  });

  it("deploys without warnings", () => {
    assert.deepEqual(runtime.problems(), []);
  });

  it("creates the thread, posts both messages in order and shows the history newest first", async () => {
    await runtime.inject("start");
    const [thread] = await runtime.waitForMessages("thread");
    const threadId = (thread.acs as { threadId: string }).threadId;
    assert.equal((thread.payload as { topic: string }).topic, "Order 1042");

    const [history] = await runtime.waitForMessages("history");
    const items = history.payload as HistoryItem[];
    assert.deepEqual(
      items.map((item) => [item.content, item.senderDisplayName]),
      [
        ["It arrives tomorrow between 2 and 4 pm.", "Dispatch"],
        ["Hello! Your order 1042 has shipped.", "Dispatch"],
      ],
    );
    assert.deepEqual(
      runtime.sandbox.control.sentChatMessages(threadId).map((message) => message.content),
      ["Hello! Your order 1042 has shipped.", "It arrives tomorrow between 2 and 4 pm."],
    );
    assert.deepEqual(runtime.problems(), []);
  });
});
