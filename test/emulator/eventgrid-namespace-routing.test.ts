// Every ACS event the sandbox generates also reaches its Event Grid namespace topic subscription
// as a CloudEvent 1.0, the same events a webhook subscription gets: SMS and email reports, email
// engagement, inbound SMS and chat. Sent and read with the unmodified Azure SDKs; the namespace's
// state checked through the control API over HTTPS.
import assert from "node:assert/strict";
import * as https from "node:https";
import type { ReceiveDetails } from "@azure/eventgrid-namespaces";
import { startSandbox, type Sandbox } from "../../emulator";
import { suiteSandbox } from "../helpers/sandbox";
import { chatClient, chatUser, emailClient, smsClient } from "./service-fixture";
import { receiverClient } from "./namespace-fixture";
import { WebhookReceiver } from "./eventgrid-webhook-receiver";

type Data = Record<string, unknown>;
const acsNumber = "+18005550100";

describe("ACS events routed into the sandbox's Event Grid namespace", function () {
  let sandbox: Sandbox;
  let webhook: WebhookReceiver;

  suiteSandbox(async (started) => {
    sandbox = started;
    webhook = new WebhookReceiver();
    await sandbox.control.subscribe({ endpoint: await webhook.start(), schema: "CloudEventSchemaV1_0", maxEventsPerBatch: 50 });
  }, () => startSandbox({ timeScale: 1000 }));
  after(async function () {
    await webhook.close();
  });

  /** Receives (and acknowledges) until an event matches, or fails after a few long polls. */
  async function pull(match: (event: ReceiveDetails<Data>["event"]) => boolean): Promise<ReceiveDetails<Data>> {
    const receiver = receiverClient(sandbox);
    for (let poll = 0; poll < 20; poll++) {
      const { details } = await receiver.receiveEvents<Data>({ maxEvents: 100, maxWaitTime: 60 });
      if (details.length > 0) await receiver.acknowledgeEvents(details.map((d) => d.brokerProperties.lockToken));
      const found = details.find((d) => match(d.event));
      if (found) return found;
    }
    throw new Error("no matching event reached the namespace subscription");
  }

  it("routes the SMS delivery report, as the webhook gets it", async function () {
    const [sent] = await smsClient(sandbox).send({ from: acsNumber, to: ["+14255550123"], message: "hi" }, { enableDeliveryReport: true, tag: "t-1" });
    const report = await pull((event) => event.type === "Microsoft.Communication.SMSDeliveryReportReceived" && event.data?.messageId === sent.messageId);
    assert.equal(report.brokerProperties.deliveryCount, 1);
    assert.equal(report.event.specVersion, "1.0");
    assert.equal(report.event.dataContentType, "application/json");
    assert.equal(report.event.data?.tag, "t-1");
    assert.equal(report.event.data?.deliveryStatus, "Delivered");
    assert.match(report.event.source, /\/providers\/Microsoft\.Communication\/communicationServices\/sandbox$/);

    await sandbox.control.eventsSettled();
    const pushed = (await webhook.cloudEvents()).find((event) => event.id === report.event.id);
    assert.ok(pushed, "the webhook got the same event (same id)");
    assert.deepEqual(pushed.data, report.event.data);
  });

  it("routes an inbound SMS", async function () {
    sandbox.control.receiveSms({ from: "+14255550199", to: acsNumber, message: "hello there" });
    const received = await pull((event) => event.type === "Microsoft.Communication.SMSReceived");
    assert.equal(received.event.data?.message, "hello there");
    assert.equal(received.event.data?.from, "+14255550199");
  });

  it("routes the email delivery report and an engagement report", async function () {
    const poller = await emailClient(sandbox).beginSend({
      senderAddress: "DoNotReply@contoso.azurecomm.net",
      content: { subject: "s", plainText: "p" },
      recipients: { to: [{ address: "ada@example.com" }] },
    });
    const { id } = await poller.pollUntilDone();
    const report = await pull((event) => event.type === "Microsoft.Communication.EmailDeliveryReportReceived" && event.data?.messageId === id);
    assert.equal(report.event.data?.status, "Delivered");

    sandbox.control.engageEmail({ operationId: id, recipient: "ada@example.com", engagement: "click", engagementContext: "https://example.com" });
    const engagement = await pull((event) => event.type === "Microsoft.Communication.EmailEngagementTrackingReportReceived");
    assert.equal(engagement.event.data?.engagementType, "click");
  });

  it("routes chat events", async function () {
    const user = await chatUser(sandbox);
    const created = await chatClient(sandbox, user.token).createChatThread({ topic: "pull" }, { participants: [{ id: { communicationUserId: user.id } }] });
    const threadId = created.chatThread?.id as string;
    const event = await pull((e) => e.type === "Microsoft.Communication.ChatThreadCreated" && e.data?.threadId === threadId);
    assert.deepEqual(event.event.data?.properties, { topic: "pull" });
  });

  it("shows depth, locks, dead letters and settings at GET /_sandbox/namespace", async function () {
    sandbox.control.receiveSms({ from: "+14255550198", to: acsNumber, message: "one" });
    sandbox.control.receiveSms({ from: "+14255550198", to: acsNumber, message: "two" });
    const receiver = receiverClient(sandbox);
    const { details } = await receiver.receiveEvents({ maxEvents: 1, maxWaitTime: 60 });
    await receiver.rejectEvents(details.map((d) => d.brokerProperties.lockToken));
    const { details: locked } = await receiver.receiveEvents({ maxEvents: 1, maxWaitTime: 60 });

    const state = (await getJson(sandbox, "/_sandbox/namespace")) as Record<string, unknown>;
    assert.deepEqual(
      { ...state, deadLetters: (state.deadLetters as { event: { id: string }; deadLetterReason: string }[]).map((d) => [d.event.id, d.deadLetterReason]) },
      {
        topic: sandbox.namespace.topic,
        subscription: sandbox.namespace.subscription,
        depth: 0,
        locked: 1,
        waitingReceivers: 0,
        deadLetters: [[details[0].event.id, "Rejected"]],
        lockDurationSeconds: 60,
        maxDeliveryCount: 10,
      },
    );
    await receiver.acknowledgeEvents(locked.map((d) => d.brokerProperties.lockToken));
  });
});

function getJson(sandbox: Sandbox, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(new URL(path, sandbox.endpoint), { ca: sandbox.ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown));
      })
      .on("error", reject);
  });
}
