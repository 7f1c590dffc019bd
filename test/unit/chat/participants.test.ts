import assert from "node:assert/strict";
import { parseParticipants, parseUserId, toChatParticipant } from "../../../nodes/lib/chat/participants";

const ADA = "8:acs:res_00000000-0000-0000-0000-00000000000a";
const BOB = "8:acs:res_00000000-0000-0000-0000-00000000000b";

describe("chat participants", function () {
  it("reads one id, and a comma, semicolon or newline separated list", () => {
    assert.deepEqual(parseParticipants(ADA, "participants"), [{ userId: ADA }]);
    assert.deepEqual(parseParticipants(` ${ADA},${BOB}\n`, "participants"), [{ userId: ADA }, { userId: BOB }]);
    assert.deepEqual(parseParticipants(`${ADA}; ${BOB}`, "participants").map((p) => p.userId), [ADA, BOB]);
  });

  it("reads arrays of ids and of objects in the usual spellings, with display names", () => {
    const parsed = parseParticipants(
      [ADA, { id: BOB, displayName: "Bob" }, { communicationUserId: "8:acs:res_c" }, { rawId: "8:acs:res_d" }, { userId: "8:acs:res_e", displayName: "" }],
      "participants",
    );
    assert.deepEqual(parsed, [{ userId: ADA }, { userId: BOB, displayName: "Bob" }, { userId: "8:acs:res_c" }, { userId: "8:acs:res_d" }, { userId: "8:acs:res_e" }]);
  });

  it("reads the Chat SDK's own participant shape", () => {
    assert.deepEqual(parseParticipants({ id: { communicationUserId: ADA }, displayName: "Ada" }, "participants"), [{ userId: ADA, displayName: "Ada" }]);
    assert.deepEqual(parseParticipants({ communicationIdentifier: { rawId: ADA, communicationUser: { id: ADA } } }, "participants"), [{ userId: ADA }]);
  });

  it("reads a map of id to display name", () => {
    assert.deepEqual(parseParticipants({ [ADA]: "Ada", [BOB]: "Bob" }, "participants"), [
      { userId: ADA, displayName: "Ada" },
      { userId: BOB, displayName: "Bob" },
    ]);
  });

  it("keeps each id once, with the first display name given", () => {
    assert.deepEqual(parseParticipants([{ id: ADA, displayName: "Ada" }, ADA, { id: ADA, displayName: "Other" }], "participants"), [{ userId: ADA, displayName: "Ada" }]);
  });

  it("reads a share-history time and refuses one that is not a date", () => {
    const [ada] = parseParticipants({ id: ADA, shareHistoryTime: "2024-01-02T03:04:05Z" }, "participants");
    assert.equal(ada.shareHistoryTime?.toISOString(), "2024-01-02T03:04:05.000Z");
    assert.throws(() => parseParticipants({ id: ADA, shareHistoryTime: "soon" }, "participants"), /participants\.shareHistoryTime: "soon" is not a date/);
  });

  it("gives nothing for nothing", () => {
    assert.deepEqual(parseParticipants(undefined, "participants"), []);
    assert.deepEqual(parseParticipants("", "participants"), []);
  });

  it("refuses what is not an ACS user, naming the field and the value", () => {
    assert.throws(() => parseParticipants("+14255550123", "participants"), /participants: "\+14255550123" is not an ACS user id \(expected 8:acs:/);
    assert.throws(() => parseParticipants([{ displayName: "Nobody" }], "participants"), /participants: no ACS user id given/);
    assert.throws(() => parseParticipants({ displayName: "Nobody" }, "participants"), /participants: no ACS user id given/);
    assert.throws(() => parseParticipants([{ id: ADA, displayName: 42 }], "participants"), /participants: display name 42 is not text/);
  });

  it("reads one user id for the single-user operations", () => {
    assert.equal(parseUserId(` ${ADA} `, "userId"), ADA);
    assert.equal(parseUserId({ communicationUserId: ADA }, "userId"), ADA);
    assert.throws(() => parseUserId("", "userId"), /userId: no ACS user id given/);
    assert.throws(() => parseUserId("alice", "userId"), /userId: "alice" is not an ACS user id/);
  });

  it("accepts the sovereign-cloud forms of user ids", () => {
    for (const id of ["8:spool:res_x", "8:gcch-acs:res_x", "8:dod-acs:res_x"]) assert.equal(parseUserId(id, "userId"), id);
  });

  it("turns a participant into the SDK's shape", () => {
    const when = new Date("2024-01-01T00:00:00Z");
    assert.deepEqual(toChatParticipant({ userId: ADA, displayName: "Ada", shareHistoryTime: when }), {
      id: { communicationUserId: ADA },
      displayName: "Ada",
      shareHistoryTime: when,
    });
    assert.deepEqual(toChatParticipant({ userId: BOB }), { id: { communicationUserId: BOB } });
  });
});
