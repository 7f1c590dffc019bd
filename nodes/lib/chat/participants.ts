// Chat participants as a flow gives them: one ACS user id, a comma or newline separated list, an
// array of ids or objects, one object, or a map of id to display name. All become one list of
// {userId, displayName?, shareHistoryTime?} with clear errors for anything that is not a user.
import type { ChatParticipant } from "@azure/communication-chat";
import { getIdentifierRawId, type CommunicationIdentifier } from "@azure/communication-common";
import { fieldError } from "../core/errors";
import { optionalDisplayName } from "./validation";

export interface ParticipantInput {
  userId: string;
  displayName?: string;
  /** From when the participant sees the thread's earlier messages. */
  shareHistoryTime?: Date;
}

/** Raw ids of ACS users: `8:acs:`, and the sovereign-cloud and preview variants of it. */
const ACS_USER_ID = /^8:(acs|spool|gcch-acs|dod-acs):\S+$/;

const ID_KEYS = ["userId", "id", "communicationUserId", "rawId", "communicationIdentifier", "communicationUser"] as const;

export function isAcsUserId(value: string): boolean {
  return ACS_USER_ID.test(value);
}

/** One ACS user id from a string or an identifier-shaped object; throws a field error otherwise. */
export function parseUserId(value: unknown, field: string): string {
  const id = idOf(value);
  if (id === undefined || id === "") throw fieldError("acs-chat.errors.noUserId", field, value);
  if (!isAcsUserId(id)) throw fieldError("acs-chat.errors.notUserId", field, id);
  return id;
}

/** Every participant in `value`, each id once (the first display name given wins). */
export function parseParticipants(value: unknown, field: string): ParticipantInput[] {
  const found: ParticipantInput[] = [];
  for (const item of participantItems(value)) found.push(parseParticipant(item, field));
  const unique = new Map<string, ParticipantInput>();
  for (const participant of found) if (!unique.has(participant.userId)) unique.set(participant.userId, participant);
  return [...unique.values()];
}

/** The Chat SDK's shape of a participant. */
export function toChatParticipant(participant: ParticipantInput): ChatParticipant {
  return {
    id: { communicationUserId: participant.userId },
    ...(participant.displayName !== undefined ? { displayName: participant.displayName } : {}),
    ...(participant.shareHistoryTime !== undefined ? { shareHistoryTime: participant.shareHistoryTime } : {}),
  };
}

/** The raw id of an SDK identifier (undefined when the service left it out). */
export function rawIdOf(identifier: CommunicationIdentifier | undefined): string | undefined {
  return identifier ? getIdentifierRawId(identifier) : undefined;
}

function participantItems(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") {
    return value
      .split(/[,;\n]/)
      .map((part) => part.trim())
      .filter((part) => part !== "");
  }
  if (Array.isArray(value)) return value;
  if (typeof value === "object" && !hasIdKey(value) && Object.keys(value).length > 0 && Object.keys(value).every(isAcsUserId)) {
    // A map of user id to display name: {"8:acs:...": "Ada"}.
    return Object.entries(value as Record<string, unknown>).map(([userId, displayName]) => ({ userId, displayName }));
  }
  return [value];
}

function parseParticipant(item: unknown, field: string): ParticipantInput {
  const userId = parseUserId(item, field);
  if (typeof item !== "object" || item === null) return { userId };
  const source = item as Record<string, unknown>;
  const participant: ParticipantInput = { userId };
  const displayName = optionalDisplayName(source.displayName, field);
  if (displayName !== undefined) participant.displayName = displayName;
  const shareHistoryTime = source.shareHistoryTime;
  if (shareHistoryTime !== undefined && shareHistoryTime !== null && shareHistoryTime !== "") {
    const time = shareHistoryTime instanceof Date ? shareHistoryTime : new Date(shareHistoryTime as string | number);
    if (Number.isNaN(time.getTime())) throw fieldError("acs-chat.errors.badDate", `${field}.shareHistoryTime`, shareHistoryTime);
    participant.shareHistoryTime = time;
  }
  return participant;
}

function hasIdKey(value: object): boolean {
  return ID_KEYS.some((key) => key in value);
}

/** The id in a string, `{userId|id|communicationUserId|rawId}`, or a nested SDK identifier. */
function idOf(value: unknown, depth = 0): string | undefined {
  if (typeof value === "string") return value.trim();
  if (typeof value !== "object" || value === null || depth > 2) return undefined;
  const source = value as Record<string, unknown>;
  for (const key of ID_KEYS) {
    if (source[key] === undefined) continue;
    return idOf(source[key], depth + 1);
  }
  return undefined;
}
