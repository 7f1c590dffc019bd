import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CHAT_OPERATIONS } from "../../../nodes/lib/chat/validation";

describe("acs-chat status texts", () => {
  it("say what each operation did in words, not by its API name", () => {
    const locale = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "..", "nodes", "locales", "en-US", "acs-chat.json"), "utf8")) as {
      "acs-chat": { status: { done: Record<string, string> } };
    };
    const done = locale["acs-chat"].status.done;
    for (const operation of CHAT_OPERATIONS) {
      assert.ok(Object.hasOwn(done, operation), `no status text for ${operation}`);
      assert.match(done[operation], /^[a-z]+( [a-z]+)*$/, `${operation}: "${done[operation]}" is not plain words`);
    }
  });
});
