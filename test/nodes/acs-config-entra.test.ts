// acs-config in Microsoft Entra ID service-principal mode, end to end: the credential signs in at
// the sandbox's Entra ID endpoint (authorityHost), and the SMS goes out with the Bearer token it got.
import assert from "node:assert/strict";
import { sandboxPerSuite } from "../helpers/node-red";
import type { Sandbox } from "../helpers/sandbox";
import { loadSmsFlowWith, nextError, outputs, send } from "./acs-sms.fixture";

describe("acs-config with a service principal (Entra ID)", function () {
  let sandbox: Sandbox;

  sandboxPerSuite((started) => (sandbox = started));
  beforeEach(() => {
    sandbox.control.reset();
  });

  function servicePrincipal(clientSecret: string): { config: Record<string, unknown>; credentials: Record<string, string> } {
    const { authorityHost, tenantId, clientId } = sandbox.entra;
    return {
      config: { authMode: "entraId", entraMode: "clientSecret", endpoint: sandbox.endpoint, tenantId, clientId, authorityHost },
      credentials: { clientSecret, caCert: sandbox.ca },
    };
  }

  it("sends an SMS with the token the sandbox's Entra ID issued to the service principal", async () => {
    const { sms, out } = await loadSmsFlowWith(sandbox, servicePrincipal(sandbox.entra.clientSecret));
    const received = outputs(sms, out, 1, 30_000);
    send(sms, { payload: "Signed in with Entra ID", to: "+14255550123" });
    const [msg] = await received;
    assert.equal(msg.acs.status, "queued");
    const [record] = sandbox.control.sentSms();
    assert.equal(record.messageId, msg.acs.messageId);
    assert.equal(record.message, "Signed in with Entra ID");
    assert.equal(sandbox.control.counters().authFailures, 0);
  });

  it("fails the msg with a clear error, and sends nothing, when the client secret is wrong", async () => {
    const wrong = "not-the-sandbox-client-secret";
    const { sms } = await loadSmsFlowWith(sandbox, servicePrincipal(wrong));
    const failed = nextError(sms, 30_000);
    send(sms, { payload: "never sent", to: "+14255550123" });
    const { error, msg } = await failed;
    assert.equal(msg.payload, "never sent");
    assert.match(error.message, /AADSTS7000215|client secret/i);
    assert.doesNotMatch(error.message, new RegExp(wrong));
    assert.deepEqual(sandbox.control.sentSms(), []);
  });
});
