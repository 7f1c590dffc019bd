import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { EventDedupe } from "../../../../nodes/lib/events/dedupe";
import { EventTypeSelection } from "../../../../nodes/lib/events/types";
import { refuseBeforeBody, type WebhookOptions } from "../../../../nodes/lib/events/webhook/receiver";

function webhook(secret: string): WebhookOptions {
  return {
    secret: () => ({ required: true, value: secret }),
    maxBodyBytes: 1024,
    selection: new EventTypeSelection(undefined),
    dedupe: new EventDedupe(),
    deliver: async () => undefined,
    report: () => undefined,
  };
}

function request(code: string): IncomingMessage {
  return { url: `/hook?code=${code}`, headers: { "content-type": "application/json" }, resume: () => undefined } as unknown as IncomingMessage;
}

function response(): ServerResponse & { status?: number } {
  const res = {
    headersSent: false,
    status: undefined as number | undefined,
    writeHead(status: number) {
      res.status = status;
      return res;
    },
    end: () => res,
  };
  return res as unknown as ServerResponse & { status?: number };
}

describe("webhook checks before the body", () => {
  it("admits a request once per webhook: another webhook checks it again with its own secret", () => {
    const first = webhook("first-secret");
    const second = webhook("second-secret");
    const req = request("first-secret");
    assert.equal(refuseBeforeBody(first, req, response()), false);
    assert.equal(refuseBeforeBody(first, req, response()), false, "admitted by the same webhook");
    const res = response();
    assert.equal(refuseBeforeBody(second, req, res), true);
    assert.equal(res.status, 401);
  });
});
