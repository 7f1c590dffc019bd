// The flow the send-node suites (chat, email) drive: acs-config in sandbox mode, the node(s) under
// test wired to a helper node, and a Catch node scoped to them wired to a second helper; plus a way
// to send a msg in and wait for what came out, or for what the Catch node caught.
// Nodes carry x/y so that the runtime treats them as flow nodes, not config nodes.
import type { NodeMessage } from "node-red";
import acsConfig = require("../../nodes/acs-config");
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { helper, type NodeModule } from "../helpers/node-red";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";

export type FlowMsg = NodeMessage & {
  acs?: Record<string, unknown>;
  error?: { message: string };
  [key: string]: unknown;
};

export interface SendFlow {
  /** The node module under test and its type, e.g. acs-chat. */
  module: NodeModule;
  type: string;
  /** The first node's id; the others are `${id}2`, `${id}3`... */
  id: string;
  /** The fields of each node under test. */
  nodes: Record<string, unknown>[];
  /** Extra acs-config properties (e.g. chatPerMinute). */
  config?: Record<string, unknown>;
}

/** Deploys the config node, the nodes under test, their output helper ("out") and Catch helper ("caught"). */
export async function loadSendFlow(sandbox: Sandbox, { module, type, id, nodes, config }: SendFlow): Promise<void> {
  const { node, credentials } = sandboxConfig(sandbox, "acs", config);
  const senders = nodes.map((props, i) => ({ id: i === 0 ? id : `${id}${i + 1}`, type, z: "flow", x: 0, y: 0, config: "acs", wires: [["out"]], ...props }));
  const flow = [
    { id: "flow", type: "tab", label: id },
    node,
    ...senders,
    { id: "out", type: "helper", z: "flow", x: 0, y: 0 },
    { id: "catch", type: "catch", z: "flow", x: 0, y: 0, scope: senders.map((s) => s.id), uncaught: false, wires: [["caught"]] },
    { id: "caught", type: "helper", z: "flow", x: 0, y: 0 },
  ];
  await helper.load([acsConfig, module], flow, credentials);
}

interface EventNode {
  on(event: string, listener: (msg: FlowMsg) => void): void;
  removeListener(event: string, listener: (msg: FlowMsg) => void): void;
  receive(msg: FlowMsg): void;
}

function testNode(id: string): EventNode {
  return helper.getNode(id) as unknown as EventNode;
}

/** What a Catch node got: its error text, with the msg on `msg`. */
export type CaughtError = Error & { msg: FlowMsg };

/**
 * Sends `msg` into node `nodeId`; resolves with the msgs it sent on (up to and including the first
 * for which `last` is true), rejects with a CaughtError when a Catch node got it.
 */
export function collect(nodeId: string, msg: FlowMsg, last: (m: FlowMsg) => boolean): Promise<FlowMsg[]> {
  const out = testNode("out");
  const caught = testNode("caught");
  const id = `test-${Math.random().toString(36).slice(2)}`;
  const received: FlowMsg[] = [];
  return new Promise((resolve, reject) => {
    const onOut = (m: FlowMsg) => {
      if (m._testId !== id) return;
      received.push(m);
      if (!last(m)) return;
      cleanup();
      resolve(received);
    };
    const onCaught = (m: FlowMsg) => {
      if (m._testId !== id) return;
      cleanup();
      reject(Object.assign(new Error(m.error?.message ?? "caught without an error"), { msg: m }));
    };
    const cleanup = () => {
      out.removeListener("input", onOut);
      caught.removeListener("input", onCaught);
    };
    out.on("input", onOut);
    caught.on("input", onCaught);
    testNode(nodeId).receive({ ...msg, _testId: id });
  });
}

/** Sends one msg into node `nodeId` and resolves with the msg it sent on. */
export async function runNode(nodeId: string, msg: FlowMsg): Promise<FlowMsg> {
  const [output] = await collect(nodeId, msg, () => true);
  return output;
}

/** Sends `msg` into node `nodeId` and resolves with what the Catch node got (fails when the msg went through). */
export async function caughtFrom(nodeId: string, msg: FlowMsg): Promise<CaughtError> {
  let output: FlowMsg;
  try {
    output = await runNode(nodeId, msg);
  } catch (err) {
    if (err instanceof Error && "msg" in err) return err as CaughtError;
    throw err;
  }
  throw new Error(`expected a failure, got msg.acs ${JSON.stringify(output.acs)}`);
}

/** The deployed acs-config node. */
export function configNode(): AcsConfigNode {
  return helper.getNode("acs") as unknown as AcsConfigNode;
}
