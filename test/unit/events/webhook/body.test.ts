import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { AcsError } from "../../../../nodes/lib/core/errors";
import { isJsonContentType, readBody } from "../../../../nodes/lib/events/webhook/body";

function request(chunks: string[], headers: Record<string, string> = {}, parsed?: { body: unknown }): IncomingMessage {
  const stream = Readable.from(chunks.map((chunk) => Buffer.from(chunk))) as unknown as IncomingMessage & { _body?: boolean; body?: unknown };
  stream.headers = headers;
  if (parsed) {
    stream._body = true;
    stream.body = parsed.body;
  }
  return stream;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(err instanceof AcsError, "expected the body to be refused");
  return err.key;
}

describe("webhook body", () => {
  it("tells JSON content types from others, taking a missing one as JSON", () => {
    for (const type of ["application/json", "application/json; charset=utf-8", "application/cloudevents+json", "application/cloudevents-batch+json; charset=utf-8", undefined, ""]) {
      assert.equal(isJsonContentType(type), true, String(type));
    }
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"]) {
      assert.equal(isJsonContentType(type), false, type);
    }
  });

  it("reads a body within the limit, in any number of chunks", async () => {
    assert.equal(await readBody(request(["[", '{"a":', "1}]"]), 100), '[{"a":1}]');
  });

  it("refuses a body whose declared or streamed size is over the limit", async () => {
    assert.equal(await refusal(readBody(request(["x"], { "content-length": "101" }), 100)), "acs-events.errors.tooLarge");
    assert.equal(await refusal(readBody(request(["x".repeat(60), "x".repeat(60)]), 100)), "acs-events.errors.tooLarge");
  });

  it("holds a body another parser already read to the same limit, declared or not", async () => {
    assert.deepEqual(await readBody(request([], {}, { body: [{ a: 1 }] }), 100), [{ a: 1 }]);
    assert.equal(await refusal(readBody(request([], {}, { body: [{ text: "y".repeat(200) }] }), 100)), "acs-events.errors.tooLarge");
    assert.equal(await refusal(readBody(request([], { "content-length": "500" }, { body: {} }), 100)), "acs-events.errors.tooLarge");
    assert.equal(await readBody(request([], {}, { body: Buffer.from("[1]") }), 100), "[1]");
  });
});
