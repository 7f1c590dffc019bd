// The whole loop through the sandbox: its Event Grid broker subscribes to the node's URL (and
// validates it), the send nodes send through the real SDKs, and the sandbox's delivery reports,
// engagement, inbound SMS and chat events come back out of acs-events.
import assert from "node:assert/strict";
import type { EventEmitter } from "node:events";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { NodeMessage } from "node-red";
import acsConfig from "../../nodes/acs-config";
import acsEmail from "../../nodes/acs-email";
import acsSms from "../../nodes/acs-sms";
import { helper, sandboxPerSuite, type NodeModule } from "../helpers/node-red";
import { sandboxConfig, startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { emailFields, SENDER } from "./acs-email.fixture";
import { EventsHarness, coreNode, type EventMsg } from "./acs-events.fixture";
import { FROM, smsNode } from "./acs-sms.fixture";

const SECRET = "loop-secret";
const PATH = "/acs/events";
const FAILING_PHONE = "+15555550199";
const BOUNCING = "*@bounce.test";

type SentMsg = NodeMessage & { acs: Record<string, unknown> };

const SMS_NODE = smsNode({ wires: [["sent"]] });
const EMAIL_NODE = { id: "email", type: "acs-email", config: "acs", ...emailFields(), wires: [["sent"]] };

function node(id: string): EventEmitter & { receive(msg: object): void } {
  return helper.getNode(id) as unknown as EventEmitter & { receive(msg: object): void };
}

/** Resolves with the first msg reaching helper node `id` that `match` accepts. */
function next<T extends NodeMessage>(id: string, match: (msg: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const listener = (msg: T) => {
      if (!match(msg)) return;
      node(id).removeListener("input", listener);
      resolve(msg);
    };
    node(id).on("input", listener);
  });
}

/** Node-RED hands messages on asynchronously: let those already sent arrive. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

function all<T extends NodeMessage>(id: string): T[] {
  const messages: T[] = [];
  node(id).on("input", (msg: T) => messages.push(msg));
  return messages;
}

describe("acs-events node: the whole loop through the sandbox", function () {
  const harness = new EventsHarness();
  let sandbox: Sandbox;
  let functionNode: NodeModule;

  sandboxPerSuite(
    (started) => (sandbox = started),
    () =>
      startTestSandbox({
        customDomains: ["contoso.test"],
        rules: [
          { match: FAILING_PHONE, outcome: "failed", channel: "sms" },
          { match: BOUNCING, outcome: "bounced", channel: "email" },
        ],
      }),
  );
  before(async () => {
    await harness.start();
    functionNode = coreNode("function/10-function.js");
  });
  after(() => harness.stop());
  afterEach(() => {
    for (const subscription of sandbox.control.subscriptions()) sandbox.control.unsubscribe(subscription.id);
    sandbox.control.reset();
  });

  /** config + events (+ sms and email send nodes) with helper nodes "events-out" and "sent". */
  async function loadLoop(events: Record<string, unknown> = {}, extra: Record<string, unknown>[] = [], modules: NodeModule[] = []) {
    const config = sandboxConfig(sandbox, "acs", { smsPerMinute: "60000", emailPerMinute: "60000", emailPerHour: "600000" });
    await harness.load(
      [acsConfig, acsSms, acsEmail, ...modules],
      [
        config.node,
        { id: "events", type: "acs-events", config: "acs", path: PATH, wires: [["events-out"]], ...events },
        SMS_NODE,
        EMAIL_NODE,
        { id: "events-out", type: "helper" },
        { id: "sent", type: "helper" },
        ...extra,
      ],
      { ...config.credentials, events: { secret: SECRET } },
    );
  }

  function subscribe(options: Record<string, unknown> = {}) {
    return sandbox.control.subscribe({ endpoint: harness.url(PATH, SECRET), ...options });
  }

  describe("subscription validation", () => {
    for (const schema of ["EventGridSchema", "CloudEventSchemaV1_0"] as const) {
      it(`passes the ${schema} handshake and receives events in that schema`, async () => {
        await loadLoop();
        const subscription = await subscribe({ schema });
        assert.equal(subscription.provisioningState, "Succeeded");
        const validation = sandbox.control.deliveries(subscription.id).filter((entry) => entry.kind === "validation");
        assert.deepEqual(validation.map((entry) => [entry.status, entry.outcome]), [[200, "validated"]]);
        const received = next<EventMsg>("events-out");
        sandbox.control.receiveSms({ from: "+15555550100", to: FROM, message: "hello" });
        const msg = await received;
        assert.equal(msg.event.schema, schema === "EventGridSchema" ? "EventGrid" : "CloudEvents");
        assert.equal(msg.acs.status, "received");
      });
    }

    it("fails validation when the subscription's URL has the wrong secret", async () => {
      await loadLoop();
      await assert.rejects(sandbox.control.subscribe({ endpoint: harness.url(PATH, "wrong") }), /validation/i);
      await assert.rejects(sandbox.control.subscribe({ endpoint: harness.url(PATH, "wrong"), schema: "CloudEventSchemaV1_0" }), /validation/i);
    });
  });

  describe("delivery and engagement", () => {
    it("turns an SMS sent with acs-sms into a delivery report with the same correlationId and msg.acs.sent", async () => {
      await loadLoop();
      await subscribe({ includedEventTypes: ["Microsoft.Communication.SMSDeliveryReportReceived"] });
      const contact = { email: "ada@contoso.test", chatUserId: "8:acs:ada" };
      const sent = next<SentMsg>("sent");
      const report = next<EventMsg>("events-out");
      node("sms").receive({ payload: "Your order has shipped", to: "+15555550100", correlationId: "order-17", contact });
      const sentMsg = await sent;
      assert.equal(sentMsg.acs.status, "queued");
      const msg = await report;
      assert.equal(msg.topic, "Microsoft.Communication.SMSDeliveryReportReceived");
      assert.equal(msg.acs.channel, "sms");
      assert.equal(msg.acs.status, "delivered");
      assert.equal(msg.acs.messageId, sentMsg.acs.messageId);
      assert.equal(msg.acs.correlationId, "order-17");
      assert.equal(msg.correlationId, "order-17");
      assert.equal(msg.acs.sent?.to, "+15555550100");
      assert.deepEqual(msg.acs.sent?.contact, contact);
      assert.deepEqual(msg.contact, contact, "a fallback send node finds the other contact details on msg.contact");
    });

    it("reports an SMS that could not be delivered as failed", async () => {
      await loadLoop();
      await subscribe();
      const report = next<EventMsg>("events-out", (msg) => msg.topic.endsWith("SMSDeliveryReportReceived"));
      node("sms").receive({ payload: "hello", to: FAILING_PHONE, correlationId: "c-failed" });
      const msg = await report;
      assert.equal(msg.acs.status, "failed");
      assert.equal(msg.acs.serviceStatus, "Failed");
      assert.equal(msg.acs.correlationId, "c-failed");
      assert.equal(typeof msg.acs.details, "string");
    });

    it("brings an email bounce back as bounced, matched to the send", async () => {
      await loadLoop();
      await subscribe({ includedEventTypes: ["Microsoft.Communication.EmailDeliveryReportReceived"] });
      const report = next<EventMsg>("events-out");
      node("email").receive({ payload: "Your invoice", topic: "Invoice", to: "nobody@bounce.test", correlationId: "invoice-9", contact: { phone: "+15555550100" } });
      const msg = await report;
      assert.equal(msg.acs.channel, "email");
      assert.equal(msg.acs.status, "bounced");
      assert.equal(msg.acs.to, "nobody@bounce.test");
      assert.equal(msg.acs.from, SENDER);
      assert.equal(msg.acs.correlationId, "invoice-9");
      assert.deepEqual(msg.contact, { phone: "+15555550100" });
    });

    it("brings an engagement click back as clicked, matched to the send", async () => {
      await loadLoop();
      await subscribe({ schema: "CloudEventSchemaV1_0" });
      const delivered = next<EventMsg>("events-out", (msg) => msg.acs.status === "delivered");
      node("email").receive({ payload: "See https://contoso.test/offer", topic: "Offer", to: "ada@contoso.test", correlationId: "offer-3" });
      const deliveredMsg = await delivered;
      assert.equal(deliveredMsg.acs.correlationId, "offer-3");
      const clicked = next<EventMsg>("events-out", (msg) => msg.topic.endsWith("EmailEngagementTrackingReportReceived"));
      sandbox.control.engageEmail({ operationId: String(deliveredMsg.acs.messageId), recipient: "ada@contoso.test", engagement: "click", engagementContext: "https://contoso.test/offer" });
      const msg = await clicked;
      assert.equal(msg.acs.status, "clicked");
      assert.equal(msg.acs.messageId, deliveredMsg.acs.messageId);
      assert.equal(msg.acs.correlationId, "offer-3");
      assert.equal(msg.acs.sent?.to, "ada@contoso.test");
    });
  });

  describe("inbound messages", () => {
    it("emits an inbound SMS as received", async () => {
      await loadLoop();
      await subscribe();
      const received = next<EventMsg>("events-out");
      sandbox.control.receiveSms({ from: "+15555550100", to: FROM, message: "Where is my parcel?" });
      const msg = await received;
      assert.equal(msg.topic, "Microsoft.Communication.SMSReceived");
      assert.equal(msg.acs.status, "received");
      assert.equal(msg.acs.from, "+15555550100");
      assert.equal(msg.acs.to, FROM);
      assert.equal(msg.payload.message, "Where is my parcel?");
    });

    it("emits a chat message as received, with its thread and sender", async () => {
      await loadLoop({ eventTypes: ["Microsoft.Communication.ChatMessageReceived"] });
      await subscribe();
      const identity = new CommunicationIdentityClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
      const customer = await identity.createUserAndToken(["chat"]);
      const agent = await identity.createUser();
      const chat = new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(customer.token), { tlsOptions: { ca: sandbox.ca } });
      const created = await chat.createChatThread({ topic: "Support" }, { participants: [{ id: customer.user }, { id: agent }] });
      const threadId = created.chatThread?.id ?? "";
      const received = next<EventMsg>("events-out");
      const { id: messageId } = await chat.getChatThreadClient(threadId).sendMessage({ content: "My parcel is late" });
      const msg = await received;
      assert.equal(msg.topic, "Microsoft.Communication.ChatMessageReceived");
      assert.equal(msg.acs.channel, "chat");
      assert.equal(msg.acs.status, "received");
      assert.equal(msg.acs.messageId, messageId);
      assert.equal(msg.acs.threadId, threadId);
      assert.equal(msg.acs.from, customer.user.communicationUserId);
      assert.equal(msg.acs.to, agent.communicationUserId);
      assert.equal(msg.payload.messageBody, "My parcel is late");
    });
  });

  describe("at least once", () => {
    it("emits an event once although the sandbox delivers it three times", async () => {
      await loadLoop();
      const subscription = await subscribe({ duplicates: { count: 2 } });
      const out = all<EventMsg>("events-out");
      sandbox.control.receiveSms({ from: "+15555550100", to: FROM, message: "once" });
      await sandbox.control.eventsSettled();
      await settle();
      const notifications = sandbox.control.deliveries(subscription.id).filter((entry) => entry.kind === "notification");
      assert.equal(notifications.length, 3);
      assert.ok(notifications.every((entry) => entry.status === 200));
      assert.equal(out.length, 1);
    });

    it("emits each event of a batched delivery once", async () => {
      await loadLoop();
      const subscription = await subscribe({ schema: "CloudEventSchemaV1_0", maxEventsPerBatch: 10 });
      const out = all<EventMsg>("events-out");
      for (const message of ["one", "two", "three"]) sandbox.control.receiveSms({ from: "+15555550100", to: FROM, message });
      await sandbox.control.eventsSettled();
      await settle();
      const notifications = sandbox.control.deliveries(subscription.id).filter((entry) => entry.kind === "notification");
      assert.equal(notifications.length, 1, "one batch");
      assert.equal(notifications[0].eventIds.length, 3);
      assert.deepEqual(out.map((msg) => msg.payload.message).sort(), ["one", "three", "two"]);
    });

    it("makes the sandbox deliver again when the flow fails, in 'after flow' mode", async () => {
      await loadLoop({ ackMode: "afterFlow", wires: [["flaky"]] }, [
        {
          id: "flaky",
          type: "function",
          func: "const n = (context.get('n') || 0) + 1; context.set('n', n); if (n === 1) throw new Error('CRM unavailable'); return msg;",
          outputs: 1,
          noerr: 0,
          wires: [["processed"]],
        },
        { id: "processed", type: "helper" },
      ], [functionNode]);
      const subscription = await subscribe();
      const processed = next<EventMsg>("processed");
      sandbox.control.receiveSms({ from: "+15555550100", to: FROM, message: "retry me" });
      const msg = await processed;
      assert.equal(msg.payload.message, "retry me");
      await sandbox.control.eventsSettled();
      const attempts = sandbox.control.deliveries(subscription.id).filter((entry) => entry.kind === "notification");
      assert.deepEqual(attempts.map((entry) => [entry.status, entry.outcome]), [[500, "retry"], [200, "delivered"]]);
      assert.equal(attempts[0].eventIds[0], attempts[1].eventIds[0], "the same event was delivered again");
    });
  });
});
