import assert from "node:assert/strict";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { chatClientFor, createUsers, failureOf, loadChatFlow, run, serviceUserId } from "./acs-chat.fixture";

interface ParticipantPayload {
  userId: string;
  displayName?: string;
}

describe("acs-chat node: threads and participants", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));

  /** A thread made by the node (as its service user) with the given participants. */
  async function newThread(participants?: unknown): Promise<string> {
    const out = await run({ operation: "createThread", topic: "Support", participants });
    return String(out.acs?.threadId);
  }

  it("creates a thread holding the service user and the participants given, with their display names", async () => {
    await loadChatFlow(sandbox, { operation: "createThread" });
    const [ada] = await createUsers(sandbox, 1);
    const out = await run({ topic: "Order 42", participants: [{ id: ada.userId, displayName: "Ada" }], metadata: { orderId: 42 } });
    const me = await serviceUserId();
    assert.equal(out.acs?.status, "sent");
    assert.equal(out.acs?.channel, "chat");
    assert.equal(out.acs?.operation, "createThread");
    assert.match(String(out.acs?.threadId), /^19:.*@thread\.v2$/);
    assert.equal(out.threadId, out.acs?.threadId, "msg.threadId is set for the next chat node");
    const payload = out.payload as { id: string; topic: string; createdBy: string; metadata: Record<string, string> };
    assert.deepEqual([payload.id, payload.topic, payload.createdBy, payload.metadata], [out.acs?.threadId, "Order 42", me, { orderId: "42" }]);
    const stored = sandbox.store.listParticipants(String(out.acs?.threadId));
    assert.deepEqual(stored.map((p) => [p.id, p.displayName]).sort(), [[ada.userId, "Ada"], [me, undefined]].sort());
  });

  it("gets the thread and updates its topic", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const threadId = await newThread();
    const updated = await run({ operation: "updateTopic", threadId, topic: "Escalated" });
    assert.equal(updated.acs?.status, "sent");
    assert.equal(updated.payload, undefined, "updateTopic leaves the payload as it was");
    const got = await run({ operation: "getThread", threadId, payload: "kept?" });
    assert.equal(got.acs?.status, "received");
    assert.equal((got.payload as { topic: string }).topic, "Escalated");
    assert.equal(sandbox.store.getThread(threadId)?.topic, "Escalated");
  });

  it("takes the operation from msg.operation only when the node is set to do so", async () => {
    await loadChatFlow(sandbox, [{ operation: "msg" }, { operation: "getThread" }]);
    const threadId = await newThread();
    const fixed = await run({ operation: "deleteThread", threadId }, "chat2");
    assert.equal(fixed.acs?.operation, "getThread");
    assert.equal(sandbox.store.getThread(threadId)?.deletedOn, undefined);
  });

  it("adds participants given as an id map, lists them all and removes one", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const [ada, bob, eve] = await createUsers(sandbox, 3);
    const threadId = await newThread(ada.userId);
    const added = await run({ operation: "addParticipants", threadId, participants: { [bob.userId]: "Bob", [eve.userId]: "Eve" } });
    assert.equal(added.acs?.status, "sent");
    const listed = await run({ operation: "listParticipants", threadId });
    const people = (listed.payload as ParticipantPayload[]).map((p) => [p.userId, p.displayName ?? ""]).sort();
    assert.deepEqual(people, [[ada.userId, ""], [bob.userId, "Bob"], [eve.userId, "Eve"], [await serviceUserId(), ""]].sort());
    const removed = await run({ operation: "removeParticipant", threadId, userId: eve.userId });
    assert.equal(removed.acs?.userId, eve.userId);
    assert.deepEqual(sandbox.store.listParticipants(threadId).map((p) => p.id).sort(), [ada.userId, bob.userId, await serviceUserId()].sort());
  });

  it("reports participants the service refuses as failed, naming them, and still adds the others", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const [ada] = await createUsers(sandbox, 1);
    const threadId = await newThread();
    const ghost = "8:acs:sandbox_00000000-0000-0000-0000-000000000000";
    const out = await run({ operation: "addParticipants", threadId, participants: [ada.userId, ghost] });
    assert.equal(out.acs?.status, "failed");
    assert.deepEqual((out.acs?.invalidParticipants as { userId: string }[]).map((p) => p.userId), [ghost]);
    assert.match(String(out.acs?.error), new RegExp(`1 participant\\(s\\) refused.*${ghost}`));
    assert.ok(sandbox.store.listParticipants(threadId).some((p) => p.id === ada.userId));
  });

  it("deletes a thread; using it afterwards fails with 'not found'", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const threadId = await newThread();
    const deleted = await run({ operation: "deleteThread", threadId });
    assert.equal(deleted.acs?.status, "sent");
    assert.notEqual(sandbox.store.getThread(threadId)?.deletedOn, undefined);
    const error = await failureOf({ operation: "getThread", threadId });
    assert.match(error, /threadId: thread ".*" not found/);
  });

  it("explains that the node's user is not a participant of a thread someone else made", async () => {
    await loadChatFlow(sandbox, { operation: "msg" });
    const [owner] = await createUsers(sandbox, 1);
    const created = await chatClientFor(sandbox, owner.token).createChatThread({ topic: "Private" });
    const threadId = String(created.chatThread?.id);
    const me = await serviceUserId();
    for (const operation of ["sendMessage", "getThread", "listMessages"]) {
      const error = await failureOf({ operation, threadId, payload: "hello" });
      assert.match(error, new RegExp(`${operation} refused in thread ".*": the node's chat user ${me} is not a participant`));
    }
    assert.equal(sandbox.control.sentChatMessages(threadId).length, 0);
  });
});
