// Secrets, checked on a real runtime: every node (acs-config, acs-sms, acs-email, acs-chat,
// acs-events) runs with every auth mode of the config node (connection string, endpoint + key,
// Entra ID service principal, sandbox), through the editor's own paths (deploy, inject buttons,
// "Test connection", the webhook). Afterwards no credential value may appear in the log, in any msg
// or error, in the flow the editor exports or the flow file, in the credentials the editor reads,
// or in the node definitions the editor loads (GET /nodes).
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { RealRuntime } from "./real-runtime";

const ACCESS_KEY = randomBytes(32).toString("base64");
const CLIENT_SECRET = `cs~${randomBytes(24).toString("base64url")}`;
const WEBHOOK_SECRET = `wh-${randomBytes(24).toString("hex")}`;
const EVENTS_PATH = "/acs/secret-events";
const MODES = ["connectionString", "accessKey", "entraId", "sandbox"] as const;
const SEND_NODES = ["sms", "email", "chat"] as const;
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/;

type Mode = (typeof MODES)[number];

function configNode(mode: Mode, sandbox: Sandbox): Record<string, unknown> {
  const base = { id: `acs-${mode}`, type: "acs-config", name: mode, authMode: mode, endpoint: sandbox.endpoint };
  const ca = { caCert: sandbox.ca };
  switch (mode) {
    case "connectionString":
      return { ...base, endpoint: "", credentials: { ...ca, connectionString: sandbox.connectionString } };
    case "accessKey":
    case "sandbox":
      return { ...base, credentials: { ...ca, accessKey: ACCESS_KEY } };
    case "entraId":
      return { ...base, entraMode: "clientSecret", tenantId: randomUUID(), clientId: randomUUID(), credentials: { ...ca, clientSecret: CLIENT_SECRET } };
  }
}

/** An inject node (with its button) wired to one send node, and that node wired to the output. */
function sendPair(kind: (typeof SEND_NODES)[number], mode: Mode, index: number): Record<string, unknown>[] {
  const at = { z: "secrets", x: 150 + index * 10, y: 60 + index * 40 };
  const id = `${kind}-${mode}`;
  const common = { config: `acs-${mode}`, wires: [["out"]], ...at };
  const node =
    kind === "sms"
      ? { id, type: "acs-sms", from: "+18005550100", fromType: "str", to: "to", toType: "msg", message: "payload", messageType: "msg", deliveryReport: true, correlationId: "correlationId", correlationIdType: "msg", outputMode: "perRecipient", ...common }
      : kind === "email"
        ? { id, type: "acs-email", mode: "single", sender: "alerts@contoso.test", senderType: "str", to: "to", toType: "msg", subject: "topic", subjectType: "msg", body: "payload", bodyType: "msg", bodyFormat: "text", headers: "{}", headersType: "json", completion: "wait", pollInterval: "0.05", ...common }
        : { id, type: "acs-chat", operation: "createThread", topic: "topic", topicType: "msg", participants: "participants", participantsType: "msg", ...common };
  const inject = {
    id: `inject-${id}`,
    type: "inject",
    props: [{ p: "payload" }, { p: "topic", vt: "str" }, { p: "to", v: kind === "sms" ? `+1425555${String(index).padStart(4, "0")}` : `person${index}@customers.test`, vt: "str" }, { p: "contact", v: '{"phone":"+14255550199"}', vt: "json" }],
    payload: "Your order has shipped",
    payloadType: "str",
    topic: "Order update",
    repeat: "",
    once: false,
    wires: [[id]],
    ...at,
    x: at.x - 100,
  };
  return [inject, node];
}

function secretsFlow(sandbox: Sandbox): Record<string, unknown>[] {
  const flow: Record<string, unknown>[] = [{ id: "secrets", type: "tab", label: "secrets" }];
  let index = 0;
  for (const mode of MODES) {
    flow.push(configNode(mode, sandbox));
    for (const kind of SEND_NODES) flow.push(...sendPair(kind, mode, index++));
  }
  const at = { z: "secrets", x: 600, y: 60 };
  flow.push(
    { id: "events", type: "acs-events", config: "acs-sandbox", path: EVENTS_PATH, requireSecret: true, outputMode: "single", ackMode: "handed", credentials: { secret: WEBHOOK_SECRET }, wires: [["out"]], ...at, y: 500 },
    // Whole msgs to the log, as a debug node set to "system console" does: the harshest place for a secret.
    { id: "out", type: "debug", active: true, tosidebar: true, console: true, complete: "true", targetType: "full", wires: [], ...at },
    { id: "catch", type: "catch", scope: null, uncaught: false, wires: [["caught"]], ...at, y: 300 },
    { id: "caught", type: "debug", active: true, tosidebar: true, console: true, complete: "true", targetType: "full", wires: [], ...at, y: 340 },
  );
  return flow;
}

function smsDeliveryEvent(): Record<string, unknown>[] {
  return [
    {
      id: randomUUID(),
      topic: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs",
      subject: "/phonenumber/14255550100",
      eventType: "Microsoft.Communication.SMSDeliveryReportReceived",
      eventTime: new Date().toISOString(),
      dataVersion: "1.0",
      metadataVersion: "1",
      data: { messageId: "Outgoing_1", from: "+18005550100", to: "+14255550100", deliveryStatus: "Delivered", deliveryStatusDetails: "No error.", receivedTimestamp: new Date().toISOString() },
    },
  ];
}

describe("reliability: secrets on a real runtime, every node and auth mode", function () {
  this.timeout(90_000);
  let sandbox: Sandbox;
  let runtime: RealRuntime;
  /** Every text the run produced that a user, a log collector or an exported flow could see. */
  const exposed = new Map<string, string>();

  before(async () => {
    sandbox = await startTestSandbox({ accessKey: ACCESS_KEY, customDomains: ["contoso.test"], quotas: { sms: { tollFree: null }, email: { custom: null } } });
    runtime = await RealRuntime.start("full");
    await runtime.deploy(secretsFlow(sandbox));

    for (const mode of MODES) for (const kind of SEND_NODES) await runtime.inject(`inject-${kind}-${mode}`);
    const post = async (name: string, query: string, headers: Record<string, string> = {}) => {
      const response = await runtime.request(`${EVENTS_PATH.slice(1)}${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(smsDeliveryEvent()) });
      exposed.set(`webhook answer (${name})`, `${response.status} ${await response.text()}`);
    };
    await post("secret in the query", `?code=${encodeURIComponent(WEBHOOK_SECRET)}`);
    await post("secret in a header", "", { "x-webhook-secret": WEBHOOK_SECRET });
    await post("wrong secret", "?code=not-the-secret");
    for (const mode of MODES) {
      const config = configNode(mode, sandbox);
      const credentials = Object.fromEntries(Object.keys(config.credentials as object).map((field) => [field, "__PWRD__"]));
      const response = await runtime.request("acs-config/test", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...config, id: config.id, credentials }) });
      exposed.set(`Test connection (${mode})`, `${response.status} ${await response.text()}`);
    }
    const sendNodes = MODES.flatMap((mode) => SEND_NODES.map((kind) => `${kind}-${mode}`));
    await runtime.until(() => sendNodes.every((id) => runtime.completions.some((entry) => entry.node === id)), 60_000, "not every send node finished its msg");
    await runtime.until(() => runtime.msgs.filter((entry) => entry.source === "events").length >= 2, 10_000, "the events node emitted fewer than 2 msgs");

    const read = async (path: string, accept = "application/json") => {
      const response = await runtime.request(path, { headers: { accept } });
      exposed.set(`GET /${path} (${accept})`, `${response.status} ${await response.text()}`);
    };
    await read("flows");
    await read("nodes", "text/html");
    await read("nodes");
    for (const mode of MODES) await read(`credentials/acs-config/acs-${mode}`);
    await read("credentials/acs-events/events");
    exposed.set("flows.json on disk", readFileSync(join(runtime.userDir, "flows.json"), "utf8"));
    exposed.set("flows_cred.json on disk", readFileSync(join(runtime.userDir, "flows_cred.json"), "utf8"));
    exposed.set("log", runtime.logs.map((entry) => entry.text).join("\n"));
    exposed.set("msgs", runtime.msgs.map((entry) => entry.text).join("\n"));
    exposed.set("done() calls, msgs and errors", runtime.completions.map((entry) => `${entry.text}\n${entry.error ?? ""}`).join("\n"));
  });

  after(async () => {
    await runtime?.stop();
    await sandbox?.close();
  });

  it("ran every node in every auth mode", () => {
    assert.equal(sandbox.control.sentSms().length, 3, "SMS sent with the connection string, the key and the sandbox mode");
    assert.equal(sandbox.control.sentEmails().length, 3, "emails sent with the connection string, the key and the sandbox mode");
    assert.equal(sandbox.store.listThreads().length, 3, "chat threads created with the connection string, the key and the sandbox mode");
    for (const kind of SEND_NODES) {
      const entra = runtime.completions.find((entry) => entry.node === `${kind}-entraId`);
      assert.ok(entra?.error, `${kind} with Entra ID ended without an error`);
    }
    // The Entra ID nodes went as far as asking for a token with the client secret.
    assert.ok(runtime.refusedNames.includes("login.microsoftonline.com"), `names looked up: ${runtime.refusedNames.join(", ")}`);
    assert.match(exposed.get("webhook answer (secret in the query)") ?? "", /^200 /);
    assert.match(exposed.get("webhook answer (wrong secret)") ?? "", /^401 /);
    assert.match(exposed.get("Test connection (sandbox)") ?? "", /"outcome":"ok"/);
  });

  const secrets: [string, string][] = [
    ["access key", ACCESS_KEY],
    ["access key, URL-encoded", encodeURIComponent(ACCESS_KEY)],
    ["the access key's first 16 characters", ACCESS_KEY.slice(0, 16)],
    ["client secret", CLIENT_SECRET],
    ["the client secret's first 16 characters", CLIENT_SECRET.slice(0, 16)],
    ["webhook secret", WEBHOOK_SECRET],
    ["the webhook secret's first 16 characters", WEBHOOK_SECRET.slice(0, 16)],
  ];

  it("keeps every credential out of the log, msgs, errors, the exported flow, the flow file and the editor", () => {
    const leaks: string[] = [];
    for (const [where, text] of exposed) {
      for (const [name, value] of secrets) if (text.includes(value)) leaks.push(`${name} in ${where}`);
    }
    assert.deepEqual(leaks, []);
  });

  it("keeps chat access tokens out of the log, msgs and errors", () => {
    const leaks = ["log", "msgs", "done() calls, msgs and errors"].filter((where) => JWT.test(exposed.get(where) ?? ""));
    assert.deepEqual(leaks, []);
  });

  it("shows the editor which credentials are set without their values", () => {
    const credentials = JSON.parse((exposed.get("GET /credentials/acs-config/acs-accessKey (application/json)") ?? "").replace(/^200 /, "")) as Record<string, unknown>;
    assert.equal(credentials.has_accessKey, true);
    assert.equal(credentials.accessKey, undefined);
  });
});
