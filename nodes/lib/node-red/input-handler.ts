// The one place where a node's input handling meets Node-RED: run the handler, and turn any failure
// into a red status with a short reason plus done(err), so Catch nodes receive it with the msg
// (done gets a NodeFailure: one line in the debug sidebar, key and params kept for Catch nodes).
// Nothing thrown here can escape into the runtime.
import type { Node, NodeAPI, NodeMessageInFlow, NodeMessage } from "node-red";
import { AcsError, serviceError } from "../core/errors";
import { localText, type MessageParams } from "../core/i18n";
import { NodeFailure } from "./internals";

export type Send = (msg: NodeMessage | (NodeMessage | NodeMessage[] | null)[]) => void;
export type InputHandler = (msg: NodeMessageInFlow, send: Send) => Promise<void>;
/** Ends one msg: done(), or for an error a red status and done(err). Only its first call counts. */
export type Finish = (err?: unknown) => void;
/**
 * A handler that ends each msg itself through `finish`: a msg that waits long (in a send queue)
 * then holds only what the handler keeps, with no promise chain.
 */
export type CallbackInputHandler = (msg: NodeMessageInFlow, send: Send, finish: Finish) => void;

/** Told when each msg starts and ends (a node's close waits for its msgs). */
export interface InputTracker {
  started(): void;
  ended(): void;
}

export function handleInput(RED: NodeAPI, node: Node, operation: string, handler: InputHandler, tracker?: InputTracker): void {
  handleCallbackInput(RED, node, operation, (msg, send, finish) => handler(msg, send).then(() => finish(), finish), tracker);
}

export function handleCallbackInput(RED: NodeAPI, node: Node, operation: string, handler: CallbackInputHandler, tracker?: InputTracker): void {
  node.on("input", (msg: NodeMessageInFlow, send: Send, done: (err?: Error) => void) => {
    let settled = false;
    tracker?.started();
    const finish: Finish = (err) => {
      if (settled) return;
      settled = true;
      tracker?.ended();
      if (err === undefined) return done();
      const error = translated(RED, serviceError(err, operation));
      node.status({ fill: "red", shape: "ring", text: shortReason(error) });
      // The runtime takes any value (the types say Error): see NodeFailure for why it is not one.
      done(new NodeFailure(error) as unknown as Error);
    };
    try {
      handler(msg, send, finish);
    } catch (err) {
      finish(err);
    }
  });
}

/** Status text from an i18n key, in the user's language where the runtime has it. */
export function statusText(RED: NodeAPI, key: string, params?: MessageParams): string {
  return localText(RED._ as (key: string, params?: object) => string, key, params);
}

function translated(RED: NodeAPI, err: AcsError): AcsError {
  const text = statusText(RED, err.key, err.params);
  if (text !== err.message) err.message = text;
  return err;
}

/** A message without its parenthesised hint ("... (expected E.164, e.g. +14255550123)"). */
export function withoutHint(text: string): string {
  return text.replace(/\s*\(.*$/, "");
}

/** Status texts must be short: the message without its parenthesised hint, cut to 40 characters. */
export function shortReason(err: Error): string {
  const text = withoutHint(err.message) || err.message;
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
