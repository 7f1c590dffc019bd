// The example harness itself: what the example suites rely on to find problems does find them.
import assert from "node:assert/strict";
import type { FlowNode } from "../../scripts/demo-flows";
import { exampleRuntime, type ExampleRuntime } from "./harness";

const tab: FlowNode = { id: "h0000000000000t0", type: "tab", label: "harness check" };

function node(id: string, type: string, props: Record<string, unknown> = {}): FlowNode {
  return { id, type, z: tab.id, x: 100, y: 100, wires: [], ...props };
}

describe("example harness", function () {
  this.timeout(30_000);
  let runtime: ExampleRuntime;

  before(async () => {
    runtime = await exampleRuntime();
  });

  it("reports a node's warning and error among the problems, and what each node received", async () => {
    await runtime.loadFlow([
      tab,
      node("h000000000000001", "inject", { name: "go", props: [{ p: "payload" }], payload: "hi", payloadType: "str", wires: [["h000000000000002"]] }),
      node("h000000000000002", "function", { name: "complain", func: "node.warn('careful'); node.error('broken', msg); return msg;", outputs: 1, wires: [["h000000000000003"]] }),
      node("h000000000000003", "debug", { name: "out", active: true, tosidebar: true, complete: "payload", targetType: "msg" }),
    ]);
    await runtime.inject("go");
    const [out] = await runtime.waitForMessages("out");
    assert.equal(out.payload, "hi");
    assert.deepEqual(runtime.problems(), ["warn [function:h000000000000002] careful", "error [function:h000000000000002] broken"]);
  });

  it("refuses a flow whose node types are not installed", async () => {
    await assert.rejects(runtime.loadFlow([tab, node("h000000000000004", "no-such-node")]), /missing-types.*no-such-node/);
  });

  it("scales a 5 minute delay down to 300 ms", async () => {
    const [, delay] = await runtime.loadFlow([tab, node("h000000000000005", "delay", { pauseType: "delay", timeout: "5", timeoutUnits: "minutes" })]);
    assert.deepEqual([delay.timeout, delay.timeoutUnits], ["300", "milliseconds"]);
  });
});
