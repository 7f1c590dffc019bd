// With a state directory, the namespace keeps what the service would retain across a sandbox
// restart: events not yet acknowledged (a lock does not survive: the event is available again, its
// delivery count kept), delayed releases, and dead letters. Acknowledged events stay gone.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CloudEvent } from "@azure/eventgrid-namespaces";
import { startSandbox, type Sandbox } from "../../emulator";
import { receiverClient, senderClient } from "./namespace-fixture";

function testEvent(id: string): CloudEvent<unknown> {
  return { id, type: "Sandbox.Test", source: "/tests/persistence", data: { id } };
}

describe("Event Grid namespace state across a sandbox restart", function () {
  let stateDir: string;
  let sandbox: Sandbox | undefined;

  beforeEach(async function () {
    stateDir = await mkdtemp(join(tmpdir(), "acs-namespace-state-"));
  });

  afterEach(async function () {
    await sandbox?.close();
    sandbox = undefined;
    await rm(stateDir, { recursive: true, force: true });
  });

  it("keeps unsettled events, delivery counts, delayed releases and dead letters, and drops acknowledged ones", async function () {
    sandbox = await startSandbox({ timeScale: 60, stateDir });
    await senderClient(sandbox).sendEvents(["acked", "locked", "waiting", "rejected", "delayed"].map(testEvent));
    const receiver = receiverClient(sandbox);
    const { details } = await receiver.receiveEvents({ maxEvents: 2, maxWaitTime: 10 });
    const byId = new Map(details.map((d) => [d.event.id, d.brokerProperties.lockToken]));
    await receiver.acknowledgeEvents([byId.get("acked") as string]);
    const more = await receiver.receiveEvents({ maxEvents: 3, maxWaitTime: 10 });
    const token = (id: string) => more.details.find((d) => d.event.id === id)?.brokerProperties.lockToken as string;
    await receiver.rejectEvents([token("rejected")]);
    await receiver.releaseEvents([token("delayed")], { releaseDelay: "3600" });
    await receiver.releaseEvents([token("waiting")]);
    await sandbox.close();

    sandbox = await startSandbox({ timeScale: 60, stateDir });
    const state = sandbox.control.namespace();
    assert.equal(state.depth, 3, "locked, waiting and delayed are back");
    assert.deepEqual(state.deadLetters.map((d) => [d.event.id, d.deadLetterReason]), [["rejected", "Rejected"]]);
    const again = await receiverClient(sandbox).receiveEvents({ maxEvents: 10, maxWaitTime: 10 });
    assert.deepEqual(
      again.details.map((d) => [d.event.id, d.brokerProperties.deliveryCount]).sort(),
      [["locked", 2], ["waiting", 2]],
      "the delayed release is still waiting; each comes with its next delivery count",
    );
    assert.deepEqual(again.details.find((d) => d.event.id === "locked")?.event.data, { id: "locked" });
  });

  it("writes nothing without a state directory", async function () {
    sandbox = await startSandbox({ timeScale: 60 });
    await senderClient(sandbox).sendEvents(testEvent("one"));
    await sandbox.close();
    sandbox = await startSandbox({ timeScale: 60, stateDir });
    await sandbox.close();
    assert.ok((await readdir(stateDir)).includes("namespace.json"), "a sandbox with the directory saves there on close");
    sandbox = await startSandbox({ timeScale: 60, stateDir });
    assert.equal(sandbox.control.namespace().depth, 0, "the event of the sandbox without a directory was not kept");
  });
});
