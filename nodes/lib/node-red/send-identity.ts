// What every send records about the flow's msg: its correlation id (the node's field, by default
// msg.correlationId, else a new uuid) and the recipient's other contact details (msg.contact), which
// come back on the delivery event so a fallback can reach the recipient on another channel.
import { randomUUID } from "node:crypto";
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { evaluateText, type TypedValue } from "./typed-input";
import { flattened, isRecord } from "../core/values";

/** The msg.correlationId field of a send node, as the editor saves it (empty means msg.correlationId). */
export interface CorrelationIdField {
  correlationId?: string;
  correlationIdType?: string;
}

export async function correlationIdOf(RED: NodeAPI, node: Node, msg: NodeMessage, def: CorrelationIdField = {}): Promise<string> {
  const field: TypedValue = { value: def.correlationId || "correlationId", type: def.correlationIdType || "msg" };
  return (await evaluateText(RED, node, msg, field)) ?? flattened(randomUUID());
}

/** `msg.contact` when it is an object; anything else is not recorded. */
export function contactOf(msg: object): Record<string, unknown> | undefined {
  const contact = (msg as { contact?: unknown }).contact;
  return isRecord(contact) ? contact : undefined;
}
