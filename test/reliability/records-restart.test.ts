// The records of what was sent outlive a restart when the connection keeps them in a persistent
// context store: an SMS failure report that reaches a restarted runtime still carries
// msg.acs.sent.contact, so an SMS-then-email fallback still knows where to write.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestSandbox, sandboxConfig, type Sandbox } from "../helpers/sandbox";
import { RealRuntime } from "./real-runtime";

const PHONE_OFF = "+14255550142";
const SECRET = "restart-webhook-secret";
const EVENTS_PATH = "/acs/restart-events";

function recordsFlow(sandbox: Sandbox): Record<string, unknown>[] {
  const config = sandboxConfig(sandbox, "acs", { contextStore: "file" });
  const at = { z: "records", x: 200, y: 80 };
  return [
    { id: "records", type: "tab", label: "records" },
    { ...config.node, credentials: config.credentials.acs },
    {
      id: "send",
      type: "inject",
      props: [{ p: "payload" }, { p: "to", v: PHONE_OFF, vt: "str" }, { p: "contact", v: '{"name":"Kim","email":"kim@customers.test"}', vt: "json" }],
      payload: "Your parcel is at the depot",
      payloadType: "str",
      repeat: "",
      once: false,
      wires: [["sms"]],
      ...at,
    },
    { id: "sms", type: "acs-sms", config: "acs", from: "+18005550100", fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, correlationId: "correlationId", correlationIdType: "msg", outputMode: "perRecipient", wires: [["out"]], ...at, y: 140 },
    { id: "events", type: "acs-events", config: "acs", path: EVENTS_PATH, requireSecret: true, outputMode: "single", credentials: { secret: SECRET }, wires: [["out"]], ...at, y: 200 },
    { id: "out", type: "debug", active: false, tosidebar: false, console: false, complete: "true", targetType: "full", wires: [], ...at, x: 500 },
  ];
}

describe("records of what was sent, across a restart", function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  const runtimes: RealRuntime[] = [];
  const userDir = mkdtempSync(join(tmpdir(), "acs-records-restart-"));
  const settings = { contextStorage: { default: { module: "memory" }, file: { module: "localfilesystem" } } };

  before(async () => {
    // The phone is off: its report says Failed, 20 simulated seconds (10 real) after the send.
    sandbox = await startTestSandbox({ timeScale: 2, rules: [{ match: PHONE_OFF, outcome: "failed", details: "Handset unreachable", delayMs: 20_000 }] });
  });

  after(async () => {
    for (const runtime of runtimes) await runtime.stop();
    rmSync(userDir, { recursive: true, force: true });
    await sandbox?.close();
  });

  it("brings msg.acs.sent.contact with an SMS failure report that arrives after the restart", async () => {
    const first = await RealRuntime.start("full", { userDir, settings });
    runtimes.push(first);
    await first.deploy(recordsFlow(sandbox));
    await sandbox.control.subscribe({ endpoint: `${first.url}${EVENTS_PATH.slice(1)}?code=${SECRET}` });
    await first.inject("send");
    await first.until(() => first.msgs.some((entry) => entry.source === "sms"), 30_000, "the SMS was not sent");
    assert.match(first.msgs.find((entry) => entry.source === "sms")?.text ?? "", /status: 'queued'/);
    await first.stop();
    assert.equal(first.msgs.filter((entry) => entry.source === "events").length, 0, "the report came before the restart: the test proves nothing");

    // The same user directory and port: the flows, credentials and context store of the first run.
    const second = await RealRuntime.start("full", { userDir, settings, port: Number(new URL(first.url).port) });
    runtimes.push(second);
    await second.until(() => second.msgs.some((entry) => entry.source === "events"), 90_000, "the failure report did not reach the restarted runtime");
    const report = second.msgs.find((entry) => entry.source === "events")?.text ?? "";
    assert.match(report, /status: 'failed'/);
    assert.match(report, /sent: \{[^}]*channel: 'sms'/);
    assert.match(report, /contact: \{ name: 'Kim', email: 'kim@customers\.test' \}/);
    assert.equal(sandbox.control.sentSms().length, 1);
  });
});
