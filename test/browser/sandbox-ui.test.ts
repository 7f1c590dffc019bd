// The sandbox UI in headless Chromium (Debian's chromium, driven by playwright-core), fed by the
// unmodified SDKs with hostile content on every channel: nothing it shows runs or loads anything,
// every view updates live, it fits 1280x800 and works from the keyboard, and it answers loopback
// callers only.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { EmailClient } from "@azure/communication-email";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SmsClient } from "@azure/communication-sms";
import { chromium, type Browser, type ConsoleMessage, type Page } from "playwright-core";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { WebhookReceiver } from "../emulator/eventgrid-webhook-receiver";
import { ARTIFACTS, CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium";

const SCRIPT = `<script>window.__pwned = "script"</script>`;
const IMG = `<img src=x onerror="window.__pwned='img'">`;
const HOSTILE = `${SCRIPT}${IMG}<a href="javascript:window.__pwned='link'">win</a>`;
const EMAIL_HTML = `<html><body><h1>Hi</h1>${SCRIPT}<script>parent.__pwned = "email"</script><img src="https://remote.invalid/track.png"><a href="javascript:parent.__pwned='email-link'">claim</a> <a href="https://contoso.example/order/1042">track the order</a></body></html>`;
/**
 * What may be logged: the email's document being denied (the protection at work), and the 429 this
 * suite provokes on purpose.
 */
const EXPECTED_ERRORS = /Blocked script execution|Refused to (load|execute|apply)|Content Security Policy|net::ERR_BLOCKED|status of 429/;
const CUSTOMER = "+14255550123";
const OUR_NUMBER = "+18005550100";

describe("sandbox UI in Chromium", function () {
  this.timeout(120_000);
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let webhook: WebhookReceiver;
  let threadId: string;
  let operationId: string;
  const consoleErrors: string[] = [];

  before(async () => {
    sandbox = await startTestSandbox();
    webhook = new WebhookReceiver();
    const url = await webhook.start();
    await sandbox.control.subscribe({ endpoint: url, name: "ui-test" });

    const sms = new SmsClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
    await sms.send({ from: OUR_NUMBER, to: [CUSTOMER], message: HOSTILE }, { enableDeliveryReport: true, tag: HOSTILE });
    sandbox.control.receiveSms({ from: CUSTOMER, to: OUR_NUMBER, message: `reply ${HOSTILE}` });

    const email = new EmailClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
    const poller = await email.beginSend(
      {
        senderAddress: "DoNotReply@sandbox.azurecomm.net",
        content: { subject: `Subject ${HOSTILE}`, html: EMAIL_HTML, plainText: `text ${HOSTILE}` },
        recipients: { to: [{ address: "ana@example.com", displayName: HOSTILE }], cc: [{ address: "cc@example.com" }], bcc: [{ address: "bcc@example.com" }] },
        replyTo: [{ address: "help@contoso.example", displayName: HOSTILE }],
        headers: { "x-campaign": HOSTILE },
        attachments: [{ name: `${IMG}.html`, contentType: "text/html", contentInBase64: Buffer.from(EMAIL_HTML).toString("base64") }],
      },
      { updateIntervalInMs: 50 },
    );
    await poller.pollUntilDone();
    operationId = sandbox.control.sentEmails()[0].operationId;

    const identity = new CommunicationIdentityClient(sandbox.connectionString, { tlsOptions: { ca: sandbox.ca } });
    const agent = await identity.createUserAndToken(["chat"]);
    const customer = await identity.createUser();
    const chat = new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(agent.token), { tlsOptions: { ca: sandbox.ca } });
    const created = await chat.createChatThread({ topic: `Topic ${HOSTILE}` }, { participants: [{ id: customer, displayName: `Customer ${HOSTILE}` }] });
    threadId = created.chatThread?.id ?? "";
    await chat.getChatThreadClient(threadId).sendMessage({ content: `chat ${HOSTILE}` }, { senderDisplayName: `Agent ${HOSTILE}` });
    await sandbox.control.eventsSettled();

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
    page = await context.newPage();
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`page error: ${error.message}`));
    await page.goto(sandbox.uiUrl);
    await page.locator("#live").filter({ hasText: "live" }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await sandbox?.close();
    await webhook?.close();
  });

  async function view(name: string): Promise<void> {
    await page.locator(`nav button[data-view="${name}"]`).click();
    await page.locator(`#view-${name}`).waitFor({ state: "visible" });
  }

  async function assertNothingRan(): Promise<void> {
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, "hostile content ran");
    assert.equal(await page.locator("main script").count(), 0, "a script element reached the page");
    assert.equal(await page.locator('main a[href^="javascript:" i]').count(), 0, "a javascript: link reached the page");
    assert.equal(await page.locator("main [onerror]").count(), 0, "an event handler attribute reached the page");
  }

  it("shows the customer's phone: both directions, delivery state and segments, hostile text as text", async () => {
    await view("phones");
    const thread = page.locator("#phone-thread");
    await thread.locator(".text").getByText(HOSTILE, { exact: true }).waitFor();
    await thread.locator(".text").getByText(`reply ${HOSTILE}`, { exact: true }).waitFor();
    await thread.locator(".status-Delivered").first().waitFor();
    assert.match(await thread.locator("li.out .meta").first().innerText(), /from \+18005550100 .* segments? /);
    await assertNothingRan();
  });

  it("shows each recipient's mailbox: html in a sandboxed, script-less frame, text, cc/bcc, reply-to, headers, attachments", async () => {
    await view("mailboxes");
    for (const address of ["ana@example.com", "cc@example.com", "bcc@example.com"]) {
      await page.locator(`#mailbox-list button[data-key="mailbox:${address}"]`).waitFor();
    }
    await page.locator('#mailbox-list button[data-key="mailbox:ana@example.com"]').click();
    await page.locator("#mailbox-emails button").first().click();
    await page.locator("#email-subject").filter({ hasText: `Subject ${HOSTILE}` }).waitFor();
    const fields = await page.locator("#email-fields").innerText();
    for (const part of ["cc@example.com", "bcc@example.com", "help@contoso.example", HOSTILE]) assert.ok(fields.includes(part), `${part} not shown`);
    assert.ok((await page.locator("#email-headers").innerText()).includes(HOSTILE));
    assert.equal(await page.locator("#email-text").innerText(), `text ${HOSTILE}`);
    assert.ok((await page.locator("#email-attachments").innerText()).includes(`${IMG}.html`));

    const frame = page.locator("#email-html");
    assert.equal(await frame.getAttribute("sandbox"), "");
    await page.frameLocator("#email-html").locator("h1").filter({ hasText: "Hi" }).waitFor();
    const headers = await fetchHeaders(`${sandbox.uiUrl}email/${encodeURIComponent(operationId)}/html`);
    assert.match(headers["content-security-policy"] ?? "", /default-src 'none'.*sandbox/);
    const attachment = await fetchHeaders(`${sandbox.uiUrl}email/${encodeURIComponent(operationId)}/attachments/0?inline`);
    assert.equal(attachment["content-type"], "application/octet-stream", "an html attachment is never rendered");

    // The links are offered as clicks that the sandbox reports; none is a live link in the page.
    const actions = await page.locator("#email-actions button").allInnerTexts();
    assert.ok(actions.some((text) => text.includes("javascript:parent.__pwned='email-link'")));
    await assertNothingRan();
  });

  it("shows the chat thread: participants, messages, system messages, read receipts and typing", async () => {
    await view("chat");
    await page.locator("#thread-list button").filter({ hasText: `Topic ${HOSTILE}` }).click();
    await page.locator("#chat-messages").getByText(`chat ${HOSTILE}`).waitFor();
    assert.ok((await page.locator("#thread-head").innerText()).includes(`Customer ${HOSTILE}`));
    await page.locator("#chat-as").selectOption({ label: `Customer ${HOSTILE}` });
    await page.locator("#chat-typing-button").click();
    await page.locator("#chat-typing").filter({ hasText: `Customer ${HOSTILE} typing` }).waitFor();
    await page.locator("#chat-read-latest").click();
    await page.locator("#chat-messages .meta").filter({ hasText: `read by Customer ${HOSTILE}` }).waitFor();
    await assertNothingRan();
  });

  it("lists every event with its subscription's attempts, and the 429s answered", async () => {
    await view("eventgrid");
    await page.locator("#eg-subscriptions td", { hasText: "ui-test" }).waitFor();
    const events = page.locator("#eg-events tbody");
    await events.locator("tr", { hasText: "SMSDeliveryReportReceived" }).first().waitFor();
    assert.match(await events.locator("tr", { hasText: "SMSReceived" }).first().innerText(), /ui-test: delivered, 200/);
    assert.ok(!(await page.locator("#eg-subscriptions").innerText()).includes("code="), "no webhook secret shown");

    sandbox.control.setQuotas({ chat: { sendMessagePerThread: { per10Seconds: 0 } } });
    await view("chat");
    await page.locator("#chat-text").fill("one more");
    await page.locator("#chat-compose button[type=submit]").click();
    await page.locator("#notice").filter({ hasText: "429" }).waitFor();
    await view("quotas");
    await page.locator("#quota-throttles td", { hasText: `/chat/threads/${encodeURIComponent(threadId)}/messages` }).waitFor();
    assert.match(await page.locator("#quota-counters").innerText(), /chat\s+1/);
    sandbox.control.setQuotas({ chat: { sendMessagePerThread: { per10Seconds: 10 } } });
    await assertNothingRan();
  });

  it("works by keyboard: views, the thread list and posting as a participant", async () => {
    await page.locator('nav button[data-view="phones"]').focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator("#view-chat").waitFor({ state: "visible" });
    await page.locator("#chat-text").fill("");
    await page.locator("#chat-text").focus();
    await page.keyboard.type("typed by keyboard");
    await page.keyboard.press("Enter");
    await page.locator("#chat-messages .text").getByText("typed by keyboard", { exact: true }).waitFor();
    const sent = sandbox.control.sentChatMessages(threadId).map((message) => message.content);
    assert.ok(sent.includes("typed by keyboard"), JSON.stringify(sent));
  });

  it("fits 1280x800 without horizontal scrolling, with every view's controls on screen", async () => {
    for (const name of ["phones", "mailboxes", "chat", "eventgrid", "quotas", "operator"]) {
      await view(name);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 1280, `${name}: the page is ${width} px wide`);
      mkdirSync(join(ARTIFACTS, "sandbox-ui"), { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "sandbox-ui", `hostile-${name}.png`) });
    }
    const reset = await page.locator("#reset").boundingBox();
    assert.ok(reset && reset.y + reset.height <= 800, "the reset button is below the fold");
  });

  it("logs no console error but the email frame's own refusals and the 429 provoked", () => {
    assert.deepEqual(consoleErrors.filter((text) => !EXPECTED_ERRORS.test(text)), []);
  });

  it("refuses writes from pages of another origin and hosts that are not loopback", async () => {
    const fromElsewhere = await status(`${sandbox.endpoint}_sandbox/reset`, "POST", { origin: "https://evil.example" });
    assert.equal(fromElsewhere, 403);
    const rebound = await status(`${sandbox.endpoint}_sandbox/ui/state`, "GET", { host: "rebound.example" });
    assert.equal(rebound, 403);
    assert.ok(sandbox.control.sentSms().length > 0, "nothing was reset");
  });

  function fetchHeaders(url: string): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      request(url, { ca: sandbox.ca }, (res) => {
        res.resume();
        resolve(res.headers as Record<string, string>);
      })
        .on("error", reject)
        .end();
    });
  }

  function status(url: string, method: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      request(url, { method, ca: sandbox.ca, headers, servername: "localhost" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
  }
});
