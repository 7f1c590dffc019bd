// Evaluates a typedInput field (str, num, msg, flow, global, env, jsonata...) against a message, as
// a promise. Node-RED's evaluateNodeProperty is callback-based for the async types (flow/global with
// a persistent store, jsonata).
import type { NodeAPI, Node, NodeMessage } from "node-red";

export interface TypedValue {
  value: string;
  type: string;
}

export function evaluateTyped(RED: NodeAPI, node: Node, msg: NodeMessage, field: TypedValue): Promise<unknown> {
  if (!field.type || field.value === undefined) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    RED.util.evaluateNodeProperty(field.value, field.type, node, msg, (err: Error | null, result: unknown) => {
      if (err) reject(err);
      else resolve(result);
    });
  });
}

/** The text of a typed field; undefined when the field is empty or the property is missing. */
export async function evaluateText(RED: NodeAPI, node: Node, msg: NodeMessage, field: TypedValue): Promise<string | undefined> {
  const value = await evaluateTyped(RED, node, msg, field);
  if (value === undefined || value === null) return undefined;
  const text = typeof value === "string" ? value : Buffer.isBuffer(value) ? value.toString("utf8") : typeof value === "object" ? JSON.stringify(value) : String(value);
  return text === "" ? undefined : text;
}
