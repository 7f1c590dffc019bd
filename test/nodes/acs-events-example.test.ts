// examples/delivery-events.json as a user imports it, with only the connection pointed at this
// suite's sandbox: the SMS it sends comes back through acs-events and its switch as "delivered".
import assert from "node:assert/strict";
import type { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import acsConfig from "../../nodes/acs-config";
import acsSms from "../../nodes/acs-sms";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { EventsHarness, coreNode } from "./acs-events.fixture";

type FlowNode = Record<string, unknown> & { id: string; type: string };
type Msg = Record<string, unknown> & { acs: Record<string, unknown> & { sent?: { contact?: Record<string, unknown> } } };

const example = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "examples", "delivery-events.json"), "utf8")) as FlowNode[];

function byType(type: string, name?: string): FlowNode {
  const found = example.find((node) => node.type === type && (name === undefined || node.name === name));
  assert.ok(found, `the example has a ${type} node ${name ?? ""}`);
  return found;
}

describe("examples/delivery-events.json", function () {
  const harness = new EventsHarness();
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  before(() => harness.start());
  after(async () => {
    delete process.env.ACS_EVENTS_SECRET;
    await harness.stop();
  });

  it("holds a comment, an inject, acs-sms, acs-events, a debug and a sandbox connection", () => {
    for (const type of ["comment", "inject", "acs-sms", "acs-events", "debug"]) byType(type);
    const config = byType("acs-config");
    assert.equal(config.authMode, "sandbox");
    assert.equal(config.endpoint, "https://127.0.0.1:5443");
    assert.equal(config.caFile, ".sandbox/ca.pem");
    assert.deepEqual(byType("acs-events").credentials, { secret: "${ACS_EVENTS_SECRET}" }, "no secret is shipped, only where to read it");
  });

  it("sends the SMS and routes its delivery report, matched to the send, to 'delivered'", async () => {
    process.env.ACS_EVENTS_SECRET = "example-secret";
    const config = byType("acs-config");
    const events = byType("acs-events");
    const flow = example.map((node) => {
      if (node.id === config.id) return { ...node, endpoint: sandbox.endpoint, caFile: "" };
      if (node.id === events.id) return Object.fromEntries(Object.entries(node).filter(([key]) => key !== "credentials"));
      return node;
    });
    const modules = ["common/20-inject.js", "common/21-debug.js", "common/90-comment.js", "function/10-switch.js"].map((file) => coreNode(file));
    await harness.load([acsConfig, acsSms, ...modules], flow, {
      [config.id]: { accessKey: sandbox.accessKey, caCert: sandbox.ca },
      [events.id]: events.credentials as object,
    });
    await sandbox.control.subscribe({ endpoint: harness.url(String(events.path), "example-secret") });

    const delivered = byType("debug", "delivered");
    const arrived = new Promise<Msg>((resolve) => (helper.getNode(delivered.id) as unknown as EventEmitter).once("input", resolve));
    helper.getNode(byType("inject").id).receive({});
    const msg = await arrived;
    assert.equal(msg.acs.status, "delivered");
    assert.equal(msg.acs.correlationId, "order-1001");
    assert.equal(msg.acs.sent?.contact?.email, "ada@contoso.test");
  });
});
