import assert from "node:assert/strict";
import type { ChatMessage } from "@azure/communication-chat";
import { messageResult, participantResult, readReceiptResult, refusedParticipant, threadResult } from "../../../nodes/lib/chat/results";

const ADA = "8:acs:res_ada";
const created = new Date("2024-03-01T12:00:00.000Z");

describe("chat results", function () {
  it("turns a user message into plain JSON with the sender's raw id", () => {
    const message: ChatMessage = {
      id: "1709294400000",
      type: "text",
      sequenceId: "3",
      version: "1709294400000",
      createdOn: created,
      content: { message: "Hello" },
      sender: { kind: "communicationUser", communicationUserId: ADA },
      senderDisplayName: "Ada",
      metadata: { k: "v" },
    };
    const result = messageResult(message);
    assert.deepEqual(result, {
      id: "1709294400000",
      type: "text",
      sequenceId: "3",
      version: "1709294400000",
      createdOn: "2024-03-01T12:00:00.000Z",
      content: "Hello",
      senderId: ADA,
      senderDisplayName: "Ada",
      metadata: { k: "v" },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result, "survives JSON");
  });

  it("keeps what a system message says: participants and who acted", () => {
    const message: ChatMessage = {
      id: "1",
      type: "participantAdded",
      sequenceId: "1",
      version: "1",
      createdOn: created,
      content: {
        participants: [{ id: { communicationUserId: ADA }, displayName: "Ada" }],
        initiator: { kind: "communicationUser", communicationUserId: "8:acs:res_bot" },
      },
    };
    const result = messageResult(message);
    assert.equal(result.content, undefined);
    assert.deepEqual(result.participants, [{ userId: ADA, displayName: "Ada" }]);
    assert.equal(result.initiatorId, "8:acs:res_bot");
  });

  it("maps threads, participants, receipts and refusals", () => {
    assert.deepEqual(threadResult({ id: "19:t@thread.v2", topic: "T", createdOn: created, createdBy: { kind: "communicationUser", communicationUserId: ADA } }), {
      id: "19:t@thread.v2",
      topic: "T",
      createdOn: "2024-03-01T12:00:00.000Z",
      createdBy: ADA,
    });
    assert.deepEqual(participantResult({ id: { communicationUserId: ADA }, shareHistoryTime: created }), { userId: ADA, shareHistoryTime: "2024-03-01T12:00:00.000Z" });
    assert.deepEqual(readReceiptResult({ sender: { kind: "communicationUser", communicationUserId: ADA }, chatMessageId: "9", readOn: created }), {
      userId: ADA,
      messageId: "9",
      readOn: "2024-03-01T12:00:00.000Z",
    });
    assert.deepEqual(refusedParticipant({ code: "404", message: "Not found", target: ADA }), { userId: ADA, code: "404", message: "Not found" });
  });
});
