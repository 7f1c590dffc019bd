// Benchmark, chat post: N messages posted by acs-chat in a real Node-RED runtime versus the bare
// ChatThreadClient posting the same messages, in the same process, against the sandbox with a fixed
// latency and no per-thread quota. Both sides post to `threads` threads, one message at a time per
// thread (as the node does, to keep a thread's messages in order), so the concurrency is the same.
// Prints JSON: both rates, their ratio, and CPU time per message.
// Run alone: `node dist/bench/chat-post.js [--messages=2000] [--threads=8] [--latency=20] [--warmup=400] [--rounds=2]`.
import { ChatClient, type ChatThreadClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { NodeMessageInFlow } from "node-red";
import { numberOption, runMain } from "./lib/cli";
import { configNode, sink, tab, TAB_ID } from "./lib/flows";
import { BenchRuntime } from "./lib/node-red";
import { round } from "./lib/resources";
import { RemoteSandbox } from "./lib/sandbox";
import { inTurns } from "./lib/segments";

const CHAT_NODE = "bench-chat";
const OUTPUT = "bench-chat-output";

export interface ChatPostOptions {
  messages: number;
  threads: number;
  latencyMs: number;
  warmup: number;
  /** Rounds of bare, node, node, bare. */
  rounds: number;
}

function messageText(index: number): string {
  return `Your driver is 5 minutes away (update ${index}).`;
}

/** The baseline: one worker per thread, each posting one message at a time with the SDK. */
async function postBare(threads: ChatThreadClient[], first: number, count: number): Promise<number> {
  let next = first;
  let failed = 0;
  const worker = async (thread: ChatThreadClient) => {
    while (next < first + count) {
      const index = next++;
      const result = await thread.sendMessage({ content: messageText(index) }, { senderDisplayName: "Dispatch", type: "text" }).catch(() => undefined);
      if (!result?.id) failed++;
    }
  };
  await Promise.all(threads.map(worker));
  return failed;
}

/** Hands `count` messages, spread over the threads, to the acs-chat node at once and waits until each is done. */
async function postThroughNode(runtime: BenchRuntime, threadIds: string[], first: number, count: number): Promise<{ failed: number; errors: string[] }> {
  const counts = runtime.track(CHAT_NODE);
  const node = runtime.node(CHAT_NODE);
  for (let index = first; index < first + count; index++) {
    node.receive({ operation: "sendMessage", threadId: threadIds[index % threadIds.length], payload: messageText(index) });
  }
  await runtime.waitFor(() => counts.done + counts.failed >= count, 3 * 60_000);
  return { failed: counts.failed, errors: counts.errors };
}

/** Creates `count` threads through the node (its service user is their creator) and returns their ids. */
async function nodeThreads(runtime: BenchRuntime, count: number): Promise<string[]> {
  const threadIds: string[] = [];
  runtime.node(OUTPUT).on("input", (msg: NodeMessageInFlow & { acs?: { operation?: string; threadId?: string } }) => {
    if (msg.acs?.operation === "createThread" && msg.acs.threadId) threadIds.push(msg.acs.threadId);
  });
  const counts = runtime.track(CHAT_NODE);
  for (let index = 0; index < count; index++) runtime.node(CHAT_NODE).receive({ operation: "createThread", topic: `Deliveries ${index}` });
  // The output reaches the next node asynchronously, after the node's done(): wait for both.
  await runtime.waitFor(() => counts.failed > 0 || threadIds.length >= count, 60_000).catch(() => undefined);
  if (threadIds.length !== count) throw new Error(`the node created ${threadIds.length} of ${count} threads: ${counts.errors.join("; ")}`);
  return threadIds;
}

/** Threads of a user of its own, for the bare SDK. */
async function bareThreads(sandbox: RemoteSandbox, count: number): Promise<ChatThreadClient[]> {
  const identity = new CommunicationIdentityClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
  const { user, token } = await identity.createUserAndToken(["chat"]);
  const client = new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(token), { tlsOptions: { ca: sandbox.ca } });
  const threads: ChatThreadClient[] = [];
  for (let index = 0; index < count; index++) {
    const created = await client.createChatThread({ topic: `Deliveries ${index}` }, { participants: [{ id: user }] });
    const threadId = created.chatThread?.id;
    if (!threadId) throw new Error("the sandbox created no thread");
    threads.push(client.getChatThreadClient(threadId));
  }
  return threads;
}

export async function runChatPost(options: ChatPostOptions) {
  const sandbox = await RemoteSandbox.start({ latencyMs: options.latencyMs, quotas: { chat: { sendMessagePerThread: null } } });
  const runtime = await BenchRuntime.start();
  try {
    await runtime.deploy([
      tab(),
      configNode(sandbox, { chatPerMinute: "1000000000" }),
      { id: CHAT_NODE, type: "acs-chat", z: TAB_ID, config: "bench-acs", operation: "msg", threadId: "threadId", threadIdType: "msg", content: "payload", contentType: "msg", messageType: "text", messageTypeType: "format", senderDisplayName: "Dispatch", senderDisplayNameType: "str", metadata: "metadata", metadataType: "msg", topic: "topic", topicType: "msg", participants: "participants", participantsType: "msg", wires: [["bench-sink", OUTPUT]] },
      sink("bench-sink"),
      { id: OUTPUT, type: "junction", z: TAB_ID, wires: [] },
    ]);
    const nodeThreadIds = await nodeThreads(runtime, options.threads);
    const bare = await bareThreads(sandbox, options.threads);

    // Warm both paths up (JIT, TLS sessions, tokens, pooled sockets) before anything is measured.
    let next = 0;
    await postBare(bare, next, options.warmup);
    next += options.warmup;
    await postThroughNode(runtime, nodeThreadIds, next, options.warmup);
    next += options.warmup;

    const { bare: bareFigures, node: nodeFigures } = await inTurns(options.messages, options.rounds, next, async (side, first, count) =>
      side === "bare" ? { failed: await postBare(bare, first, count), errors: [] } : postThroughNode(runtime, nodeThreadIds, first, count),
    );
    const recorded = await sandbox.summary();
    const ratio = round(nodeFigures.messagesPerSecond / bareFigures.messagesPerSecond, 3);
    const cpuRatio = round(nodeFigures.cpuMsPerMessage / bareFigures.cpuMsPerMessage, 2);
    return {
      benchmark: "chat-post",
      headline: { rateRatio: ratio, cpuMsPerMessage: nodeFigures.cpuMsPerMessage, bareCpuMsPerMessage: bareFigures.cpuMsPerMessage, cpuRatio },
      settings: { ...options, sandboxQuota: "none" },
      bareSdk: bareFigures,
      node: nodeFigures,
      ratio,
      cpuRatio,
      goal: "node rate >= 0.9 x bare SDK rate",
      sandbox: { throttled: recorded.throttled.chat ?? 0 },
    };
  } finally {
    await runtime.close();
    await sandbox.close();
  }
}

if (require.main === module) {
  runMain(() =>
    runChatPost({
      messages: numberOption("messages", 2000),
      threads: numberOption("threads", 8),
      latencyMs: numberOption("latency", 20),
      warmup: numberOption("warmup", 400),
      rounds: numberOption("rounds", 2),
    }),
  );
}
