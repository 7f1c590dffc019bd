// The three fallback examples across a crash and a full deploy: each runs in a real Node-RED process
// with the context store `npm start` configures (files, no cache). The test triggers the example,
// then kills Node-RED with SIGKILL during the wait and starts it again on the same user directory
// and port, or deploys the whole flow again; the fallback goes out exactly once, after the deadline,
// and not at all when the first channel worked.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventWebhooks, pointAtSandbox, readExample, type FlowNode } from "../../scripts/demo-flows";
import { DURABLE_CONTEXT_STORAGE } from "../../scripts/embedded-node-red";
import { freePort } from "../helpers/processes";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { RealRuntime } from "../reliability/real-runtime";

/** Every example's wait lasts this long here: long enough to crash and restart Node-RED inside it. */
const WAIT_MS = 15_000;
const SECRET = "durable-waits-test-secret";
const LONG_MS = 90_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, check: () => T | undefined, limitMs = LONG_MS): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(50);
  }
}

describe("examples: fallbacks survive a crash and a full deploy", function () {
  this.timeout(180_000);
  let sandbox: Sandbox;
  let stateDir: string;
  let userDir: string;
  let port: number;
  let runtime: RealRuntime | undefined;
  let flow: FlowNode[];

  before(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "acs-durable-sandbox-"));
    sandbox = await startTestSandbox({ stateDir });
  });

  after(async () => {
    await sandbox?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    const control = sandbox.control;
    for (const subscription of control.subscriptions()) control.unsubscribe(subscription.id);
    control.setRules([]);
    control.reset();
    userDir = mkdtempSync(join(tmpdir(), "acs-durable-node-red-"));
    port = await freePort();
    runtime = await start();
  });

  afterEach(async () => {
    await runtime?.stop();
    rmSync(userDir, { recursive: true, force: true });
  });

  function start(): Promise<RealRuntime> {
    return RealRuntime.start("outline", { userDir, port, settings: { credentialSecret: false, contextStorage: DURABLE_CONTEXT_STORAGE } });
  }

  /** Deploys the example with its wait set to `waitMs`, and subscribes the sandbox to its webhooks. */
  async function load(name: string, waitMs = WAIT_MS): Promise<void> {
    flow = pointAtSandbox(readExample(name), { endpoint: sandbox.endpoint, caFile: join(stateDir, "ca.pem") }).map((node) => {
      if (node.type === "acs-wait") return { ...node, timeout: String(waitMs), timeoutUnits: "milliseconds" };
      if (node.type === "acs-events") return { ...node, credentials: { secret: SECRET } };
      return node;
    });
    await (runtime as RealRuntime).deploy(flow);
    for (const webhook of eventWebhooks(flow)) {
      await sandbox.control.subscribe({ endpoint: `${(runtime as RealRuntime).url.replace(/\/$/, "")}${webhook.path}?code=${SECRET}`, includedEventTypes: webhook.eventTypes });
    }
  }

  function id(name: string): string {
    const found = flow.filter((node) => node.name === name);
    assert.equal(found.length, 1, `one node named "${name}"`);
    return found[0].id;
  }

  /** Resolves once the named node has finished `count` msgs (for acs-wait: stored them). */
  function finished(name: string, count = 1): Promise<void> {
    const node = id(name);
    return until(`"${name}" to finish ${count} msg(s)`, () => ((runtime as RealRuntime).completions.filter((entry) => entry.node === node).length >= count ? true : undefined)).then(() => undefined);
  }

  async function crashAndRestart(afterCrash: () => Promise<void> = () => Promise.resolve()): Promise<number> {
    await (runtime as RealRuntime).kill();
    await afterCrash();
    runtime = await start();
    return Date.now();
  }

  async function fullDeploy(): Promise<void> {
    await (runtime as RealRuntime).deploy(flow);
  }

  /** Waits until the deadline of a wait that started at `startedAt` is well past, then a little more. */
  async function pastDeadline(startedAt: number, waitMs = WAIT_MS): Promise<void> {
    await pause(Math.max(0, startedAt + waitMs - Date.now()) + 5_000);
  }

  describe("chat first, SMS fallback", () => {
    async function notify(): Promise<{ posted: number }> {
      await load("chat-then-sms");
      await (runtime as RealRuntime).inject(id("set up the customer"));
      await finished("ready");
      await (runtime as RealRuntime).inject(id("notify the customer"));
      await finished("wait 5 minutes");
      const [message] = sandbox.control.sentChatMessages();
      return { posted: message.sentAt };
    }

    it("sends the SMS once, after the deadline, when Node-RED was killed during the wait and came back after it", async () => {
      const { posted } = await notify();
      const restartedAt = await crashAndRestart(() => pastDeadline(posted));
      const [sms] = await until("the SMS", () => (sandbox.control.sentSms().length > 0 ? sandbox.control.sentSms() : undefined));
      assert.deepEqual([sms.to, sms.message], ["+14255550123", "Your order 1042 has shipped and arrives tomorrow."]);
      assert.ok(sms.sentAt >= posted + WAIT_MS, "after the deadline");
      assert.ok(sms.sentAt >= restartedAt - 1000, "sent by the restarted runtime");
      await pause(5_000);
      assert.equal(sandbox.control.sentSms().length, 1);
    });

    it("sends no SMS when the customer read the chat during the wait, across a full deploy", async () => {
      const { posted } = await notify();
      const [message] = sandbox.control.sentChatMessages();
      const flowContext = JSON.parse(readFileSync(join(userDir, "context", String(flow[0].id), "flow.json"), "utf8")) as { customer: { chatUserId: string } };
      sandbox.control.readChatMessage({ threadId: message.threadId, userId: flowContext.customer.chatUserId, messageId: message.messageId });
      await fullDeploy();
      await pastDeadline(posted);
      await until("the wait to end", () => ((runtime as RealRuntime).msgs.some((entry) => entry.source === id("has the customer read it?")) ? true : undefined));
      await pause(2_000);
      assert.deepEqual(sandbox.control.sentSms(), []);
    });
  });

  describe("SMS failed, then email", () => {
    it("emails once, after the deadline, when no report came and the flow was fully deployed during the wait", async () => {
      sandbox.control.setRules([{ match: "+14255550199", outcome: "late", delayMs: 24 * 3_600_000, channel: "sms" }]);
      await load("sms-failed-then-email");
      await (runtime as RealRuntime).inject(id("text a phone that is off"));
      await finished("wait up to 10 minutes for delivery");
      const [sms] = sandbox.control.sentSms();
      await fullDeploy();
      const [email] = await until("the email", () => (sandbox.control.sentEmails().length > 0 ? sandbox.control.sentEmails() : undefined));
      assert.deepEqual(email.recipients.to.map((to) => to.address), ["sam@example.com"]);
      assert.ok(email.sentAt >= sms.sentAt + WAIT_MS, "after the deadline");
      await pause(5_000);
      assert.equal(sandbox.control.sentEmails().length, 1);
    });

    it("sends no email when the SMS is delivered after a crash during the wait (the report comes to the restarted runtime)", async () => {
      // The report comes 12 s (real) after the send, once Node-RED is back (Event Grid retries it if
      // not: 404 while the restarted runtime starts its flows), well before this longer deadline.
      const waitMs = 45_000;
      sandbox.control.setRules([{ match: "+14255550123", outcome: "delivered", delayMs: 12 * 60_000, channel: "sms" }]);
      await load("sms-failed-then-email", waitMs);
      await (runtime as RealRuntime).inject(id("text a phone that receives it"));
      await finished("wait up to 10 minutes for delivery");
      const [sms] = sandbox.control.sentSms();
      await crashAndRestart();
      await until("the delivered report", () => ((runtime as RealRuntime).msgs.some((entry) => entry.source === id("delivered or failed?")) ? true : undefined));
      await pastDeadline(sms.sentAt, waitMs);
      assert.deepEqual(sandbox.control.sentEmails(), []);
      assert.equal(sandbox.control.sentSms().length, 1);
    });
  });

  describe("email bounced, then SMS", () => {
    it("texts once, after the deadline, when no report came and Node-RED was killed during the wait", async () => {
      sandbox.control.setRules([{ match: "kim@mailbox-gone.example", outcome: "delivered", delayMs: 24 * 3_600_000, channel: "email" }]);
      await load("email-bounced-then-sms");
      await (runtime as RealRuntime).inject(id("email an address that bounces"));
      await finished("wait up to 30 minutes for delivery");
      const [email] = sandbox.control.sentEmails();
      await crashAndRestart();
      const [sms] = await until("the SMS", () => (sandbox.control.sentSms().length > 0 ? sandbox.control.sentSms() : undefined));
      assert.deepEqual(sms.to, "+14255550124");
      assert.ok(sms.sentAt >= email.sentAt + WAIT_MS, "after the deadline");
      await pause(5_000);
      assert.equal(sandbox.control.sentSms().length, 1);
    });

    it("sends no SMS when the email is delivered, across a full deploy during the wait", async () => {
      sandbox.control.setRules([{ match: "alex@example.com", outcome: "delivered", delayMs: 5 * 60_000, channel: "email" }]);
      await load("email-bounced-then-sms");
      await (runtime as RealRuntime).inject(id("email an address that works"));
      await finished("wait up to 30 minutes for delivery");
      const [email] = sandbox.control.sentEmails();
      await fullDeploy();
      await until("the delivered report", () => ((runtime as RealRuntime).msgs.some((entry) => entry.source === id("delivered or bounced?")) ? true : undefined));
      await pastDeadline(email.sentAt);
      assert.deepEqual(sandbox.control.sentSms(), []);
    });
  });
});
