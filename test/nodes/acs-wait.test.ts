import assert from "node:assert/strict";
import type { Node } from "node-red";
import acsConfig = require("../../nodes/acs-config");
import acsWait = require("../../nodes/acs-wait");
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";
import { coreNode } from "./acs-events.fixture";

type Msg = Record<string, unknown>;
type StatusEvent = { text?: string; fill?: string };

interface Catch {
  node: Node & { receive(msg: object): void };
  errors: { msg: Msg; error: Error }[];
}


describe("acs-wait node", function () {
  this.timeout(20_000);
  let sandbox: Sandbox;
  sandboxPerSuite((started) => (sandbox = started));

  async function load(waitSettings: Record<string, unknown> = {}): Promise<{ wait: Catch["node"]; out: Msg[]; errors: Catch["errors"]; statuses: StatusEvent[]; keys: () => Promise<string[]> }> {
    const { node: config, credentials } = sandboxConfig(sandbox);
    const flow = [
      { id: "flow", type: "tab", label: "wait" },
      config,
      { id: "wait", type: "acs-wait", z: "flow", x: 0, y: 0, config: "acs", timeout: "100", timeoutUnits: "milliseconds", cancellable: true, correlationId: "acs.correlationId", correlationIdType: "msg", cancelOn: "delivered, read", sendNowOn: "failed", wires: [["out"]], ...waitSettings },
      { id: "out", type: "helper", z: "flow", x: 0, y: 0 },
      { id: "catch", type: "catch", z: "flow", x: 0, y: 0, scope: ["wait"], uncaught: false, wires: [["caught"]] },
      { id: "caught", type: "helper", z: "flow", x: 0, y: 0 },
    ];
    await helper.load([acsConfig, acsWait, coreNode("common/25-catch.js")], flow, credentials);
    const wait = helper.getNode("wait");
    const out: Msg[] = [];
    const errors: Catch["errors"] = [];
    const statuses: StatusEvent[] = [];
    helper.getNode("out").on("input", (msg: Msg) => void out.push(msg));
    // Catch gives the error's text with its name in front ("AcsError: ...").
    helper.getNode("caught").on("input", (msg: Msg) => void errors.push({ msg, error: { ...(msg.error as Error), message: String((msg.error as Error).message).replace(/^AcsError: /, "") } }));
    const original = wait.status.bind(wait);
    wait.status = (status) => {
      statuses.push(status as StatusEvent);
      original(status);
    };
    const keys = () => new Promise<string[]>((resolve, reject) => wait.context().keys((err, names) => (err ? reject(err) : resolve((names ?? []) as string[]))));
    return { wait, out, errors, statuses, keys };
  }

  async function until(what: string, condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const sent = (correlationId: string, payload = "fallback"): Msg => ({ payload, acs: { channel: "sms", status: "queued", correlationId } });
  const event = (correlationId: string, status: string): Msg => ({ payload: "report", acs: { channel: "sms", status, correlationId } });

  it("holds a msg for its time, then sends it once with msg.waited, showing \"1 waiting\" meanwhile", async () => {
    const { wait, out, statuses, keys } = await load();
    wait.receive(sent("c1"));
    await until("the status", () => statuses.some((status) => status.text === "1 waiting"));
    assert.equal((await keys()).filter((key) => key.startsWith("wait-")).length, 1);
    await until("the msg to go on", () => out.length === 1);
    assert.equal(out[0].payload, "fallback");
    const waited = out[0].waited as { reason: string; correlationId: string; since: string; due: string };
    assert.equal(waited.reason, "deadline");
    assert.equal(waited.correlationId, "c1");
    assert.equal(Date.parse(waited.due) - Date.parse(waited.since), 100);
    assert.deepEqual(statuses.at(-1), {});
    assert.deepEqual((await keys()).filter((key) => key.startsWith("wait-")), []);
    await pause(200);
    assert.equal(out.length, 1);
  });

  it("is cancelled by an event with the same correlation id whose status is in Cancel on", async () => {
    const { wait, out, keys } = await load({ timeout: "300" });
    wait.receive(sent("c1"));
    wait.receive(sent("c2", "other"));
    await until("both stored", () => (wait.context().keys() as string[]).filter((key) => key.startsWith("wait-")).length === 2);
    wait.receive(event("c1", "Delivered"));
    await until("the other msg to go on", () => out.length === 1);
    await pause(300);
    assert.deepEqual(out.map((msg) => msg.payload), ["other"]);
    assert.deepEqual((await keys()).filter((key) => key.startsWith("wait-")), []);
  });

  it("sends the waiting msg at once on an event whose status is in Send now on, not the event", async () => {
    const { wait, out } = await load({ timeout: "10", timeoutUnits: "minutes" });
    wait.receive(sent("c1"));
    wait.receive(event("c1", "failed"));
    await until("the msg to go on", () => out.length === 1);
    assert.equal(out[0].payload, "fallback");
    assert.deepEqual(out[0].waited && { reason: (out[0].waited as Msg).reason, status: (out[0].waited as Msg).status }, { reason: "event", status: "failed" });
  });

  it("takes msg.wait \"cancel\" and \"now\" as commands, whatever the status", async () => {
    const { wait, out } = await load({ timeout: "10", timeoutUnits: "minutes", cancelOn: "", sendNowOn: "" });
    wait.receive(sent("c1", "cancelled"));
    wait.receive(sent("c2", "sent now"));
    wait.receive({ wait: "cancel", acs: { correlationId: "c1" } });
    wait.receive({ wait: "now", acs: { correlationId: "c2" } });
    await until("one msg to go on", () => out.length === 1);
    await pause(100);
    assert.deepEqual(out.map((msg) => msg.payload), ["sent now"]);
  });

  it("sends a msg with no correlation id to Catch when events end the wait, and stores nothing", async () => {
    const { wait, out, errors, keys } = await load();
    wait.receive({ payload: "no id" });
    await until("the error", () => errors.length === 1);
    assert.match(errors[0].error.message, /^msg\.acs\.correlationId: missing \(this wait ends early on events with the same correlation id/);
    assert.equal(errors[0].msg.payload, "no id");
    assert.deepEqual((await keys()).filter((key) => key.startsWith("wait-")), []);
    await pause(200);
    assert.equal(out.length, 0);
  });

  it("holds a msg without a correlation id when events do not end the wait", async () => {
    const { wait, out } = await load({ cancellable: false });
    wait.receive({ payload: "no id" });
    await until("the msg to go on", () => out.length === 1);
    assert.equal((out[0].waited as Msg).reason, "deadline");
  });

  it("sends a msg too large to keep to Catch, and stores nothing", async () => {
    const { wait, errors, keys } = await load({ maxMegabytes: "0.001" });
    wait.receive(sent("c1", "x".repeat(2000)));
    await until("the error", () => errors.length === 1);
    assert.match(errors[0].error.message, /^msg: \d+ bytes as JSON, more than this node keeps in all \(Max size: 1049 bytes\); nothing was stored$/);
    assert.deepEqual((await keys()).filter((key) => key.startsWith("wait-")), []);
  });

  it("sends a msg past Max waiting to Catch", async () => {
    const { wait, errors, statuses } = await load({ maxWaiting: "2", timeout: "10", timeoutUnits: "minutes" });
    for (const id of ["a", "b", "c"]) wait.receive(sent(id));
    await until("the error", () => errors.length === 1);
    assert.match(errors[0].error.message, /^msg: 2 msgs already waiting, this node's bound \(Max waiting: 2\); nothing was stored$/);
    assert.equal((errors[0].msg.acs as Msg).correlationId, "c");
    assert.ok(statuses.some((status) => status.text === "2 waiting"));
  });

  it("sends a msg with a circular reference to Catch", async () => {
    const { wait, errors } = await load();
    const msg = sent("c1");
    msg.self = msg;
    wait.receive(msg);
    await until("the error", () => errors.length === 1);
    assert.match(errors[0].error.message, /^msg: cannot be stored, it has a circular reference/);
  });

  it("sends an unknown msg.wait command to Catch", async () => {
    const { wait, errors } = await load();
    wait.receive({ wait: "later", acs: { correlationId: "c1" } });
    await until("the error", () => errors.length === 1);
    assert.match(errors[0].error.message, /^msg\.wait: "later" is not a wait command/);
  });

  it("leaves msg.req and msg.res out, with one warning", async () => {
    const { wait, out } = await load();
    wait.receive({ ...sent("c1"), req: { url: "/hook" }, res: { _res: {} } });
    wait.receive({ ...sent("c2"), req: { url: "/hook" } });
    await until("both to go on", () => out.length === 2);
    assert.ok(out.every((msg) => !("req" in msg) && !("res" in msg)));
    const warnings = helper.log().args.filter(([entry]) => entry.level === 30 && String(entry.msg).includes("not kept"));
    assert.equal(warnings.length, 1);
    assert.match(String(warnings[0][0].msg), /^msg\.req, msg\.res not kept: an HTTP request and response cannot wait/);
  });

  it("warns at deploy that Node-RED discards its waits when settings.js configures no context store", async () => {
    await load();
    const warnings = helper.log().args.filter(([entry]) => entry.level === 30).map(([entry]) => String(entry.msg));
    assert.ok(warnings.some((text) => text.startsWith("no contextStorage in settings.js: Node-RED discards this node's waits on every deploy and restart")), warnings.join("; "));
  });

  it("names the field when the wait time is not valid", async () => {
    await load({ timeout: "soon" });
    const errors = helper.log().args.filter(([entry]) => entry.level === 20);
    assert.match(String(errors[0]?.[0].msg), /^timeout: "soon" is not a positive number$/);
  });
});
