// Opt-outs are kept by ACS, not by the flow: a STOP texted to the sender puts the number on the
// sender's opt-out list, acs-sms skips it on the next send, still after Node-RED restarts, and a
// START takes it off again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestSandbox, sandboxConfig, type Sandbox } from "../helpers/sandbox";
import { RealRuntime } from "./real-runtime";

const OUR_NUMBER = "+18005550100";
const CUSTOMER = "+14255550123";

function offerFlow(sandbox: Sandbox): Record<string, unknown>[] {
  const config = sandboxConfig(sandbox, "acs");
  const at = { z: "offers", x: 200, y: 80 };
  return [
    { id: "offers", type: "tab", label: "offers" },
    { ...config.node, credentials: config.credentials.acs },
    { id: "offer", type: "inject", props: [{ p: "payload" }, { p: "to", v: CUSTOMER, vt: "str" }], payload: "20% off this week", payloadType: "str", repeat: "", once: false, wires: [["sms"]], ...at },
    { id: "sms", type: "acs-sms", config: "acs", from: OUR_NUMBER, fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", skipOptedOut: true, outputMode: "perRecipient", wires: [["out"]], ...at, y: 140 },
    { id: "out", type: "debug", active: false, tosidebar: false, console: false, complete: "true", targetType: "full", wires: [], ...at, x: 500 },
  ];
}

describe("opt-outs kept by ACS, across a restart", function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  const userDir = mkdtempSync(join(tmpdir(), "acs-opt-outs-restart-"));
  const runtimes: RealRuntime[] = [];

  before(async () => {
    sandbox = await startTestSandbox();
  });

  after(async () => {
    for (const runtime of runtimes) await runtime.stop();
    rmSync(userDir, { recursive: true, force: true });
    await sandbox?.close();
  });

  /** Clicks the offer and answers the status acs-sms gave the customer. */
  async function offer(runtime: RealRuntime): Promise<string> {
    const before = runtime.msgs.filter((entry) => entry.source === "sms").length;
    await runtime.inject("offer");
    await runtime.until(() => runtime.msgs.filter((entry) => entry.source === "sms").length > before, 30_000, "acs-sms sent no result");
    const text = runtime.msgs.filter((entry) => entry.source === "sms")[before].text;
    return /status: '(\w+)'/.exec(text)?.[1] ?? text;
  }

  it("skips a number that texted STOP, still after a restart, and sends again after START", async () => {
    const first = await RealRuntime.start("full", { userDir });
    runtimes.push(first);
    await first.deploy(offerFlow(sandbox));
    assert.equal(await offer(first), "queued");

    sandbox.control.receiveSms({ from: CUSTOMER, to: OUR_NUMBER, message: "STOP" });
    assert.deepEqual(sandbox.control.optedOut(OUR_NUMBER), [{ from: OUR_NUMBER, to: CUSTOMER }]);
    assert.equal(await offer(first), "optedOut");
    await first.stop();

    const second = await RealRuntime.start("full", { userDir });
    runtimes.push(second);
    assert.equal(await offer(second), "optedOut");

    sandbox.control.receiveSms({ from: CUSTOMER, to: OUR_NUMBER, message: "START" });
    assert.deepEqual(sandbox.control.optedOut(OUR_NUMBER), []);
    assert.equal(await offer(second), "queued");
    assert.equal(sandbox.control.sentSms().length, 2, "one offer before STOP, one after START, none between");
  });
});
