// Shared set-up for node suites: the real Node-RED runtime through node-red-node-test-helper, chosen
// by NODE_RED_PATH (the Node-RED 5 leg points it at a separate install) or the project's own.
import helper = require("node-red-node-test-helper");
import type { NodeAPI } from "node-red";

const runtimePath = process.env.NODE_RED_PATH ? require.resolve(process.env.NODE_RED_PATH) : require.resolve("node-red");
helper.init(runtimePath);

export { helper };

/** The Node-RED version under test (e.g. "4.1.8"). */
export function nodeRedVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime is chosen at run time
  return (require(runtimePath) as { version(): string }).version();
}

export type NodeModule = (RED: NodeAPI) => void;

/**
 * Wraps a node module so the test can reach the RED object the helper gives it (the helper does not
 * expose httpNode, which the events node registers its route on).
 */
export function capturingRed(module: NodeModule, onRed: (RED: NodeAPI) => void): NodeModule {
  return (RED) => {
    onRed(RED);
    module(RED);
  };
}
