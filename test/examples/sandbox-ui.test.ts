// The customer's side played in the sandbox UI (headless Chromium) against the example flows: each
// action reaches the flow's acs-events node as the event ACS would send, and the fallback reacts.
// The page logs no console error on the way; each view's screenshot lands in test-artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { combineExamples, readExample, scaleDelays, type FlowNode } from "../../scripts/demo-flows";
import { ARTIFACTS, CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium";
import { exampleRuntime, RAISED_EMAIL_QUOTA, waitFor, type ExampleRuntime } from "./harness";

const CUSTOMER = "+14255550123";
const SHOTS = join(ARTIFACTS, "sandbox-ui");

type Msg = Record<string, unknown> & { acs?: Record<string, unknown> };

describe("sandbox UI: the customer's side of the examples", function () {
  this.timeout(90_000);
  let runtime: ExampleRuntime;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    runtime = await exampleRuntime();
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));
    mkdirSync(SHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(JSON.stringify(runtime.received.map((r) => [runtime.flow.find((n) => n.id === r.nodeId)?.name, (r.msg.acs as Record<string, unknown> | undefined)?.eventType, (r.msg.acs as Record<string, unknown> | undefined)?.status])), JSON.stringify(runtime.sandbox.control.sentEmails().map((e) => e.status)), JSON.stringify(runtime.sandbox.control.rules()), JSON.stringify(runtime.sandbox.control.counters()));
    assert.deepEqual(runtime.problems(), []);
    assert.deepEqual(consoleErrors, []);
  });

  /** Loads the page afresh after an example was loaded, on `view`. */
  async function open(view: string): Promise<void> {
    await page.goto(`${runtime.sandbox.uiUrl}#${view}`);
    await page.reload();
    await page.locator(`#view-${view}`).waitFor({ state: "visible" });
    await page.locator("#live").filter({ hasText: "live" }).waitFor();
  }

  async function view(name: string): Promise<void> {
    await page.locator(`nav button[data-view="${name}"]`).click();
    await page.locator(`#view-${name}`).waitFor({ state: "visible" });
  }

  async function injectAndWait(inject: string, outcome: string): Promise<Msg> {
    const before = runtime.receivedBy(outcome).length;
    await runtime.inject(inject);
    return (await runtime.waitForMessages(outcome, before + 1))[before] as Msg;
  }

  async function clickAndWait(selector: string, outcome: string): Promise<Msg> {
    const before = runtime.receivedBy(outcome).length;
    await page.locator(selector).click();
    return (await runtime.waitForMessages(outcome, before + 1))[before] as Msg;
  }

  it("texts back from the phone, and STOP and START, as SMSReceived events the two-way flow answers", async () => {
    await runtime.load("two-way-sms");
    await open("phones");
    await injectAndWait("send this week's offer", "offer sent");
    await page.locator("#phone-thread .text", { hasText: "20% off everything" }).waitFor();

    await page.locator("#phone-reply-text").fill("Is my order on its way?");
    await clickAndWait("#phone-reply button[type=submit]", "replied");
    const received = runtime.receivedBy("STOP, START or other?").at(-1) as Msg;
    assert.equal(received.acs?.eventType, "Microsoft.Communication.SMSReceived");
    assert.equal(received.acs?.from, CUSTOMER);
    // The auto-reply reaches the phone without a reload.
    await page.locator("#phone-thread .text", { hasText: "we will answer within a day" }).waitFor();

    await clickAndWait("#phone-stop", "opted out");
    await page.locator("#phone-head", { hasText: "opted out of +18005550100" }).waitFor();
    await injectAndWait("send this week's offer", "offer skipped: opted out");
    await clickAndWait("#phone-start", "confirmed");
    await page.locator("#phone-thread .text", { hasText: "you are subscribed again" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "phones.png") });
  });

  it("switches the phone off: the next SMS fails and the flow emails instead", async () => {
    await runtime.load("sms-failed-then-email");
    await open("phones");
    await injectAndWait("text a phone that receives it", "SMS accepted");
    await page.locator(`#phone-list button[data-key="phone:${CUSTOMER}"]`).click();
    await page.locator("#phone-thread .status-Delivered").waitFor();
    await runtime.waitForMessages("delivered: no email");

    await page.locator("#phone-head button").click();
    await page.locator("#phone-head", { hasText: "off: deliveries fail" }).waitFor();
    await injectAndWait("text a phone that receives it", "email sent");
    await page.locator("#phone-thread .status-Failed").waitFor();
    assert.match(await page.locator("#phone-thread li").last().innerText(), /The phone is switched off/);
    assert.deepEqual(runtime.sandbox.control.sentEmails().map((email) => email.recipients.to[0].address), ["alex@example.com"]);
  });

  it("makes a mailbox bounce: the flow texts instead; back to deliver: no SMS", async () => {
    // Three emails in a row: the connection paces at the raised quota the harness's sandbox grants.
    await runtime.loadFlow(
      readExample("email-bounced-then-sms").map((node): FlowNode =>
        node.type === "acs-config" ? { ...node, emailPerMinute: String(RAISED_EMAIL_QUOTA.perMinute), emailPerHour: String(RAISED_EMAIL_QUOTA.perHour) } : node,
      ),
    );
    await open("mailboxes");
    await injectAndWait("email an address that works", "delivered: no SMS");
    await page.locator('#mailbox-list button[data-key="mailbox:alex@example.com"]').click();
    await page.locator("#mailbox-head button", { hasText: "Bounce emails" }).click();
    await page.locator("#mailbox-head", { hasText: "new emails bounce" }).waitFor();
    await injectAndWait("email an address that works", "SMS sent");
    assert.equal((runtime.receivedBy("delivered or bounced?").at(-1) as Msg).acs?.eventType, "Microsoft.Communication.EmailDeliveryReportReceived");
    assert.deepEqual(runtime.sandbox.control.sentSms().map((sms) => sms.to), [CUSTOMER]);
    await page.locator("#mailbox-emails small", { hasText: "Bounced" }).waitFor();

    await page.locator("#mailbox-head button", { hasText: "Deliver emails" }).click();
    await page.locator("#mailbox-head", { hasText: "new emails are delivered" }).waitFor();
    await injectAndWait("email an address that works", "delivered: no SMS");
  });

  it("opens an email and clicks its link: engagement events reach the events flow", async () => {
    // The example's email with a link in it, to click.
    const withLink = readExample("send-email").map((node): FlowNode =>
      node.type === "inject" ? (JSON.parse(JSON.stringify(node).replace("<p>Contoso Garden", '<p><a href=\\"https://contoso.example/track/1042\\">Track your order</a></p><p>Contoso Garden')) as FlowNode) : node,
    );
    await runtime.loadFlow(combineExamples([withLink, readExample("delivery-events")]));
    await open("mailboxes");
    await runtime.inject("order shipped");
    await page.locator('#mailbox-list button[data-key="mailbox:ana@example.com"]').click();
    await page.locator("#mailbox-emails button", { hasText: "Delivered" }).click();
    await page.frameLocator("#email-html").locator("h2", { hasText: "on its way" }).waitFor();
    // The inline logo is shown from the attachment, not fetched from anywhere.
    assert.match((await page.frameLocator("#email-html").locator("img").getAttribute("src")) ?? "", /^data:image\/png;base64,/);
    assert.ok(await page.frameLocator("#email-html").locator("img").evaluate((img) => (img as HTMLImageElement).naturalWidth > 0));

    const opened = await clickAndWait('#email-actions button[data-key="email-open"]', "other events");
    assert.equal(opened.acs?.eventType, "Microsoft.Communication.EmailEngagementTrackingReportReceived");
    assert.equal((opened.payload as Record<string, unknown>).engagementType, "view");
    await page.locator("#mailbox-emails small", { hasText: "view" }).waitFor();
    const clicked = await clickAndWait('#email-actions button[data-key="email-link:0"]', "other events");
    assert.equal((clicked.payload as Record<string, unknown>).engagementType, "click");
    assert.equal((clicked.payload as Record<string, unknown>).engagementContext, "https://contoso.example/track/1042");
    await page.screenshot({ path: join(SHOTS, "mailboxes.png"), fullPage: false });
  });

  it("reads the chat message as the customer: the flow sends no SMS; a post reaches acs-events as ChatMessageReceived", async () => {
    // The flow's "5 minutes" last about 6 s here: time enough to click.
    const chat = scaleDelays(readExample("chat-then-sms"), 20);
    const events = readExample("delivery-events").map((node): FlowNode =>
      node.type === "acs-events" ? { ...node, eventTypes: [...(node.eventTypes as string[]), "Microsoft.Communication.ChatMessageReceived"] } : node,
    );
    await runtime.loadFlow(combineExamples([chat, events]));
    await open("chat");
    await injectAndWait("set up the customer", "ready");
    await runtime.inject("notify the customer");
    await page.locator("#chat-messages .text").first().waitFor();
    const customer = await page.locator("#chat-as option").last().getAttribute("value");
    await page.locator("#chat-as").selectOption(customer ?? "");
    await page.locator("#chat-read-latest").click();
    await page.locator("#chat-messages .meta", { hasText: "read by" }).waitFor();
    await runtime.waitForMessages("read in the chat: no SMS");
    assert.equal(runtime.receivedBy("SMS sent").length, 0);

    await page.locator("#chat-text").fill("Thanks, see you at 5");
    await page.locator("#chat-compose button[type=submit]").click();
    const received = await waitFor("the customer's post at acs-events", () =>
      runtime.receivedBy("inbound SMS").find((msg) => (msg as Msg).acs?.eventType === "Microsoft.Communication.ChatMessageReceived" && JSON.stringify(msg.payload).includes("see you at 5")),
    );
    assert.equal(((received as Msg).payload as Record<string, unknown>).senderCommunicationIdentifier !== undefined, true);
    await page.locator("#chat-typing-button").click();
    await page.locator("#chat-typing", { hasText: "typing" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "chat.png") });
    await view("eventgrid");
    await page.locator("#eg-events td", { hasText: "ChatMessageReceived" }).first().waitFor();
    await page.screenshot({ path: join(SHOTS, "eventgrid.png") });
  });

  it("operator: injects server errors the flow's sends ride out, shows them with the 429s, and clears everything", async () => {
    await runtime.load("send-sms");
    await open("operator");
    await page.locator("#fault-count").fill("1");
    await page.locator("#faults-form button[type=submit]").click();
    await page.locator("#settings", { hasText: '"count": 1' }).waitFor();
    await page.screenshot({ path: join(SHOTS, "operator.png") });
    await injectAndWait("two recipients", "result");
    assert.equal(runtime.sandbox.control.counters().serverErrors, 1);
    await view("quotas");
    await page.screenshot({ path: join(SHOTS, "quotas.png") });
    await view("operator");
    await page.locator("#reset").click();
    await waitFor("the reset", () => (runtime.sandbox.control.sentSms().length === 0 ? true : undefined));
    await view("phones");
    await page.locator("#phone-list .empty").waitFor();
  });
});
