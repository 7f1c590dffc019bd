import assert from "node:assert/strict";
import { helper } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { loadChatFlow, run, serviceUserId } from "./acs-chat-fixture";

describe("acs-chat node: threads", function () {
  let sandbox: Sandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(async () => {
    await sandbox.close();
  });
  afterEach(async () => {
    await helper.unload();
  });

  it("creates a thread with the service user in it", async () => {
    await loadChatFlow(sandbox, { operation: "createThread" });
    const out = await run({ topic: "Order 42" });
    assert.equal(out.acs?.status, "sent");
    assert.match(String(out.acs?.threadId), /@thread\.v2$/);
    assert.equal(out.threadId, out.acs?.threadId);
    const me = await serviceUserId();
    assert.equal((out.payload as { createdBy: string }).createdBy, me);
  });
});
