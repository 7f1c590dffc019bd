// The pull source through a sandbox that goes away while the node receives and comes back on the same
// port (with the same certificate): the node says it cannot reach the namespace, keeps trying, and
// receives again by itself.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import acsConfig from "../../nodes/acs-config";
import { helper } from "../helpers/node-red";
import { sandboxConfig, startTestSandbox, type Sandbox } from "../helpers/sandbox";
import type { EventMsg } from "./acs-events.fixture";
import { collect, publish, pullEventsModule, pullNode, smsReportEvent, statuses, until } from "./acs-events-pull.fixture";

describe("acs-events node: pull through a sandbox restart", function () {
  this.timeout(120_000);
  let stateDir = "";
  let sandbox: Sandbox | undefined;

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "acs-pull-restart-"));
  });
  after(async () => {
    await helper.unload();
    await sandbox?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it("recovers by itself when the sandbox is stopped and started again while it receives", async () => {
    sandbox = await startTestSandbox({ stateDir });
    const port = sandbox.port;
    const config = sandboxConfig(sandbox);
    const pull = pullNode(sandbox, { ackMode: "onHandover" });
    await helper.load([acsConfig, pullEventsModule()], [config.node, pull.node, { id: "out", type: "helper" }], { ...config.credentials, ...pull.credentials });
    const out = collect<EventMsg>();
    const seen = statuses();
    await publish(sandbox, [smsReportEvent("before")]);
    await until("the event sent before the restart", () => out.length === 1);

    await sandbox.close();
    sandbox = undefined;
    await until("the status to say the namespace is unreachable", () => seen.some((status) => status.fill === "red" && /^namespace unreachable, retry in \d+ s$/.test(status.text ?? "")));
    const restartedAt = Date.now();
    sandbox = await startTestSandbox({ stateDir, port });
    await publish(sandbox, [smsReportEvent("after")]);
    await until("the event sent after the restart", () => out.length === 2, 60_000);
    const recoveryMs = Date.now() - restartedAt;
    console.log(`      recovery after the sandbox restart: ${(recoveryMs / 1000).toFixed(1)} s (restart to the first event received)`);
    assert.deepEqual(out.map((msg) => msg.event.id), ["before", "after"]);
    await until("the receiving status", () => seen.at(-1)?.fill === "green");
    // The count is of events received: with the sandbox's state kept in stateDir, an acknowledgement
    // not yet saved when it stopped brings "before" back once (acknowledged again, not emitted).
    assert.match(seen.at(-1)?.text ?? "", /^receiving .*\/s, [23] events$/);
  });
});
