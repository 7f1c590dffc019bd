import assert from "node:assert/strict";
import { AzureKeyCredential } from "@azure/core-auth";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import acsConfig = require("../../nodes/acs-config");
import { AcsResource } from "../../nodes/lib/connection/resource";
import type { AcsConfigNode } from "../../nodes/lib/node-red/config-node";
import { contextInStore, type NodeContext } from "../../nodes/lib/node-red/context-store";
import { helper, sandboxPerSuite } from "../helpers/node-red";
import { sandboxConfig, type Sandbox } from "../helpers/sandbox";

const KEY = Buffer.from("another-test-key-of-32-bytes!!!!").toString("base64");

function configNode(id = "acs"): AcsConfigNode {
  return helper.getNode(id) as unknown as AcsConfigNode;
}

function loggedText(): string {
  return JSON.stringify(helper.log().args);
}

describe("acs-config node", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));

  it("shares one set of clients and one queue per channel and sender between its users", async () => {
    const { node, credentials } = sandboxConfig(sandbox);
    await helper.load(acsConfig, [node], credentials);
    const resource = configNode().resource;
    assert.equal(resource.clients(), resource.clients());
    assert.equal(resource.clients().sms(), resource.clients().sms());
    assert.equal(resource.sendQueue("sms", "+18005550100"), resource.sendQueue("sms", "+18005550100"));
    assert.notEqual(resource.sendQueue("sms", "+18005550100"), resource.sendQueue("sms", "+18005550101"));
  });

  it("reads a credential written as ${ENV_VAR} from the environment", async () => {
    process.env.ACS_TEST_ACCESS_KEY = KEY;
    try {
      await helper.load(acsConfig, [{ id: "acs", type: "acs-config", authMode: "accessKey", endpoint: "https://r.communication.azure.com" }], { acs: { accessKey: "${ACS_TEST_ACCESS_KEY}" } });
      assert.equal((configNode().resource.clients().settings.credential as AzureKeyCredential).key, KEY);
    } finally {
      delete process.env.ACS_TEST_ACCESS_KEY;
    }
  });

  it("keeps secrets out of the deployed flow and the log", async () => {
    const secret = "endpoint=https://r.communication.azure.com/;accesskey=" + KEY;
    await helper.load(acsConfig, [{ id: "acs", type: "acs-config", authMode: "connectionString" }], { acs: { connectionString: secret } });
    configNode().resource.clients();
    const deployed = JSON.stringify(helper._redNodes.getFlows().flows);
    assert.match(deployed, /"authMode":"connectionString"/);
    assert.doesNotMatch(deployed, new RegExp(KEY.slice(0, 20)));
    assert.doesNotMatch(loggedText(), new RegExp(KEY.slice(0, 20)));
  });

  it("creates the chat service identity once and remembers it in the node's context", async () => {
    const { node, credentials } = sandboxConfig(sandbox);
    await helper.load(acsConfig, [node], credentials);
    const config = configNode();
    const [first, again] = await Promise.all([config.resource.chatIdentity(), config.resource.chatIdentity()]);
    assert.equal(first, again);
    assert.match(first.userId, /^8:acs:/);
    assert.equal(config.context().get("acs-chat-service-user"), first.userId);
    // A restart with a persistent context store hands the same context to a new resource.
    const restarted = new AcsResource({ props: { authMode: "sandbox", endpoint: sandbox.endpoint }, credentials: { caCert: sandbox.ca }, context: contextInStore(config.context() as unknown as NodeContext, undefined), limits: {}, correlation: { maxEntries: 10, ttlMs: 1000 } });
    const after = await restarted.chatIdentity();
    assert.equal(after.userId, first.userId);
    const token = await after.credential.getToken();
    assert.ok(token.expiresOnTimestamp > Date.now(), "the remembered user gets a fresh token");
    await restarted.close(100);
  });

  describe("records of what was sent", () => {
    const WARN = 30;
    const warnings = () =>
      helper
        .log()
        .args.filter(([entry]) => entry.level === WARN && entry.id === "acs")
        .map(([entry]) => String(entry.msg));

    afterEach(() => helper.settings({}));

    it("says at deploy, once, that a memory store loses the records on restart and names the settings.js lines", async () => {
      const { node, credentials } = sandboxConfig(sandbox);
      await helper.load(acsConfig, [node], credentials);
      const found = warnings();
      assert.equal(found.length, 1);
      assert.match(found[0], /memory context store "memory"/);
      assert.match(found[0], /contextStorage: \{ default: \{ module: "localfilesystem", config: \{ cache: false \} \} \},/);
    });

    it("stays quiet with a persistent store and binds the records to the store it names", async () => {
      helper.settings({ contextStorage: { default: { module: "memory" }, file: { module: "localfilesystem" } } });
      const { node, credentials } = sandboxConfig(sandbox, "acs", { contextStore: "file" });
      await helper.load(acsConfig, [node], credentials);
      assert.deepEqual(warnings(), []);
      assert.equal(configNode().resource.contextStore, "file");
    });

    it("warns when the named store is not configured and uses the default store", async () => {
      helper.settings({ contextStorage: { default: { module: "localfilesystem" } } });
      const { node, credentials } = sandboxConfig(sandbox, "acs", { contextStore: "redis" });
      await helper.load(acsConfig, [node], credentials);
      const found = warnings();
      assert.equal(found.length, 1);
      assert.match(found[0], /contextStore: "redis" is not a context store of settings.js contextStorage; records go to the default store "default"/);
      assert.equal(configNode().resource.contextStore, undefined);
    });

    it("refuses a time to keep records that is not a positive number, keeping the default", async () => {
      helper.settings({ contextStorage: { default: { module: "localfilesystem" } } });
      const { node, credentials } = sandboxConfig(sandbox, "acs", { recordTtlHours: "-3" });
      await helper.load(acsConfig, [node], credentials);
      assert.deepEqual(warnings(), ['recordTtlHours: "-3" is not a positive number of hours; records are kept 192 hours']);
    });
  });

  it("uses a configured chat user id as it is", async () => {
    const identity = new CommunicationIdentityClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
    const userId = (await identity.createUser()).communicationUserId;
    const { node, credentials } = sandboxConfig(sandbox, "acs", { chatUserId: userId });
    await helper.load(acsConfig, [node], credentials);
    assert.equal((await configNode().resource.chatIdentity()).userId, userId);
  });

  describe("Test connection", () => {
    beforeEach(async () => {
      await helper.load(acsConfig, [{ id: "acs", type: "acs-config", authMode: "sandbox", endpoint: sandbox.endpoint }], { acs: { caCert: sandbox.ca, accessKey: sandbox.accessKey } });
    });

    async function check(body: object): Promise<{ ok: boolean; outcome: string; message: string }> {
      const res = await helper.request().post("/acs-config/test").send(body).expect(200);
      return res.body as { ok: boolean; outcome: string; message: string };
    }

    it("reports success when the sandbox accepts the stored credentials", async () => {
      const answer = await check({ id: "acs", authMode: "sandbox", endpoint: sandbox.endpoint, credentials: { caCert: "__PWRD__", accessKey: "__PWRD__" } });
      assert.equal(answer.outcome, "ok", answer.message);
      assert.match(answer.message, /credentials were accepted/);
    });

    it("tells a wrong key apart", async () => {
      const answer = await check({ authMode: "sandbox", endpoint: sandbox.endpoint, credentials: { caCert: sandbox.ca, accessKey: KEY } });
      assert.equal(answer.outcome, "credentialsRefused", answer.message);
      assert.doesNotMatch(answer.message, new RegExp(KEY.slice(0, 20)));
    });

    it("tells an untrusted certificate apart", async () => {
      const answer = await check({ authMode: "sandbox", endpoint: sandbox.endpoint, credentials: {} });
      assert.equal(answer.outcome, "tlsFailure", answer.message);
    });

    it("tells an unknown host apart", async () => {
      const answer = await check({ authMode: "accessKey", endpoint: "https://no-such-resource.invalid", credentials: { accessKey: KEY } });
      assert.equal(answer.outcome, "unknownHost", answer.message);
    });

    it("tells incomplete settings apart", async () => {
      const answer = await check({ authMode: "accessKey", endpoint: "not a url", credentials: { accessKey: KEY } });
      assert.equal(answer.outcome, "invalidSettings");
      assert.match(answer.message, /endpoint: "not a url" is not an endpoint URL/);
    });
  });
});
