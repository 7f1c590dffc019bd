import assert from "node:assert/strict";
import * as https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createCertificates } from "../../emulator/certificates";
import { helper } from "../helpers/node-red";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { calls, configNode, loadSmsFlow, numbers, outputs, send, tick } from "./acs-sms.fixture";

interface RecipientResult {
  to: string;
  messageId?: string;
  httpStatusCode: number;
  successful: boolean;
  errorMessage?: string;
}

/**
 * The sandbox refuses a recipient only for a malformed number, which the node never sends. To see
 * mixed answers, this HTTPS proxy passes every request through to the sandbox unchanged (so its
 * HMAC still verifies) and rewrites the per-recipient items of the numbers in `refused` into the
 * failures of the public spec example (400 invalid number, 503 service unavailable).
 */
class RefusingProxy {
  readonly refused = new Map<string, { httpStatusCode: number; errorMessage: string }>();
  endpoint = "";
  ca = "";
  private server?: https.Server;

  constructor(private readonly sandbox: Sandbox) {}

  async start(): Promise<void> {
    const certificates = await createCertificates();
    this.ca = certificates.ca;
    this.server = https.createServer({ cert: certificates.cert, key: certificates.key }, (req, res) => this.forward(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.endpoint = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const upstream = https.request(
        { host: "127.0.0.1", port: this.sandbox.port, path: req.url, method: req.method, headers: req.headers, ca: this.sandbox.ca },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => parts.push(chunk));
          answer.on("end", () => {
            let body = Buffer.concat(parts).toString("utf8");
            if (answer.statusCode === 202 && req.url?.startsWith("/sms?")) body = this.rewrite(body);
            const headers = { ...answer.headers, "content-length": String(Buffer.byteLength(body)) };
            res.writeHead(answer.statusCode ?? 502, headers).end(body);
          });
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  }

  private rewrite(text: string): string {
    const body = JSON.parse(text) as { value: RecipientResult[] };
    body.value = body.value.map((item) => {
      const refusal = this.refused.get(item.to);
      return refusal ? { to: item.to, ...refusal, successful: false } : item;
    });
    return JSON.stringify(body);
  }
}

describe("acs-sms node: per-recipient failures", function () {
  let sandbox: Sandbox;
  let proxy: RefusingProxy;

  before(async () => {
    sandbox = await startTestSandbox();
    proxy = new RefusingProxy(sandbox);
    await proxy.start();
  });
  after(async () => {
    await proxy.close();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.control.reset();
    proxy.refused.clear();
  });
  afterEach(async () => {
    await helper.unload();
  });

  // The node talks to the proxy only, so it trusts the proxy's CA only.
  const throughProxy = () => ({ endpoint: proxy.endpoint, ca: proxy.ca });

  it("reports refused recipients as failed in msg.acs and the others as queued, without an error", async () => {
    const recipients = numbers(5);
    proxy.refused.set(recipients[1], { httpStatusCode: 400, errorMessage: "Invalid To phone number format." });
    proxy.refused.set(recipients[3], { httpStatusCode: 503, errorMessage: "ServiceUnavailable" });
    const { sms, out } = await loadSmsFlow(sandbox, throughProxy());
    const errors = calls(sms, "error");
    const received = outputs(sms, out, 5);
    send(sms, { payload: "Hi", to: recipients, correlationId: "batch-1" });
    const messages = await received;
    assert.deepEqual(
      messages.map((m) => [m.acs.to, m.acs.status, m.acs.httpStatusCode, m.acs.error]),
      [
        [recipients[0], "queued", 202, undefined],
        [recipients[1], "failed", 400, "Invalid To phone number format."],
        [recipients[2], "queued", 202, undefined],
        [recipients[3], "failed", 503, "ServiceUnavailable"],
        [recipients[4], "queued", 202, undefined],
      ],
    );
    assert.equal(messages[1].acs.messageId, undefined);
    await tick(10);
    assert.equal(errors.length, 0, "per-recipient failures are not errors");
  });

  it("remembers only the accepted recipients for their delivery reports", async () => {
    const recipients = numbers(2);
    proxy.refused.set(recipients[0], { httpStatusCode: 400, errorMessage: "Invalid To phone number format." });
    const { sms, out } = await loadSmsFlow(sandbox, throughProxy());
    const received = outputs(sms, out, 2);
    send(sms, { payload: "Hi", to: recipients, correlationId: "batch-2" });
    const [refused, accepted] = await received;
    assert.equal(refused.acs.status, "failed");
    assert.equal((await configNode().resource.correlation.find(String(accepted.acs.messageId)))?.correlationId, "batch-2");
    assert.equal(configNode().resource.correlation.size, 1);
  });

  it("says how many failed in the node status", async () => {
    const recipients = numbers(3);
    proxy.refused.set(recipients[2], { httpStatusCode: 400, errorMessage: "Invalid To phone number format." });
    const { sms, out } = await loadSmsFlow(sandbox, throughProxy());
    const statuses = calls<Record<string, unknown>>(sms, "status");
    const received = outputs(sms, out, 3);
    send(sms, { payload: "Hi", to: recipients });
    await received;
    await tick(10);
    assert.deepEqual(statuses.at(-1), { fill: "red", shape: "ring", text: "1 of 3 failed" });
  });

  it("marks the single result message failed and lists every recipient's result", async () => {
    const recipients = numbers(3);
    proxy.refused.set(recipients[1], { httpStatusCode: 400, errorMessage: "Invalid To phone number format." });
    const { sms, out } = await loadSmsFlow(sandbox, { ...throughProxy(), sms: { outputMode: "single" } });
    const received = outputs(sms, out, 1);
    send(sms, { payload: "Hi", to: recipients });
    const [msg] = await received;
    assert.equal(msg.acs.status, "failed");
    assert.equal(msg.acs.failed, 1);
    assert.deepEqual(msg.acs.results?.map((r) => r.status), ["queued", "failed", "queued"]);
    assert.equal(msg.acs.results?.[1].error, "Invalid To phone number format.");
  });
});
