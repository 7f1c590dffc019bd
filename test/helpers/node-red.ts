// Shared set-up for node suites: the real Node-RED runtime under test through
// node-red-node-test-helper, and the per-suite sandbox the suites send to.
import helper = require("node-red-node-test-helper");
import type { NodeAPI } from "node-red";
import { runtimePath } from "./runtime";
import { startTestSandbox, suiteSandbox, type Sandbox } from "./sandbox";

helper.init(runtimePath);

export { helper };

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

/**
 * The hooks a sandbox-backed node suite shares: one sandbox for the whole suite, handed to `use` once
 * started and closed after the last test, and the test's flow unloaded after each test.
 */
export function sandboxPerSuite(use: (sandbox: Sandbox) => unknown, start: () => Promise<Sandbox> = startTestSandbox): void {
  suiteSandbox(use, start);
  afterEach(async () => {
    await helper.unload();
  });
}
