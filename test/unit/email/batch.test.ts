import assert from "node:assert/strict";
import { batchEntries, batchRecipient, checkTemplate, describeEntry, renderTemplate, runBatch, type BatchItemResult } from "../../../nodes/lib/email/batch";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("email batch", function () {
  describe("recipients", function () {
    it("takes an address text, or an object with address, email or to and any fields", function () {
      const msg = { topic: "spring" };
      const plain = batchRecipient("Ana <ana@example.com>", 0, msg);
      assert.deepEqual(plain.address, { address: "ana@example.com", displayName: "Ana" });
      assert.equal(plain.view.address, "ana@example.com");
      assert.equal(plain.view.msg, msg);
      const object = batchRecipient({ email: "bob@example.com", name: "Bob", plan: "gold", phone: "+14255550123" }, 1, msg);
      assert.deepEqual(object.address, { address: "bob@example.com", displayName: "Bob" });
      assert.equal(object.view.plan, "gold");
      assert.deepEqual(object.contact, { email: "bob@example.com", name: "Bob", plan: "gold", phone: "+14255550123" });
      const nested = batchRecipient({ to: "cy@example.com", correlationId: "c-1", contact: { phone: "+1" } }, 2, msg);
      assert.equal(nested.correlationId, "c-1");
      assert.deepEqual(nested.contact, { phone: "+1" });
    });

    it("gives each recipient its own correlation id unless the entry has one", function () {
      const a = batchRecipient("a@example.com", 0, {});
      const b = batchRecipient("b@example.com", 1, {});
      assert.match(a.correlationId, /^[0-9a-f-]{36}$/);
      assert.notEqual(a.correlationId, b.correlationId);
    });

    it("names the position of an entry that has no valid address", function () {
      assert.throws(() => batchRecipient("nobody", 3, {}), /recipients\[3\]: "nobody" is not an email address/);
      assert.throws(() => batchRecipient({ name: "No address" }, 4, {}), /recipients\[4\]: .* is not an address/);
      assert.throws(() => batchRecipient(7, 5, {}), /recipients\[5\]: 7 is not an address/);
    });

    it("wants a list", function () {
      assert.deepEqual(batchEntries(["a@x.com"]), ["a@x.com"]);
      assert.throws(() => batchEntries("a@x.com"), /recipients: "a@x.com" is not a list/);
    });

    it("describes an entry by its address for the summary", function () {
      assert.equal(describeEntry({ address: "a@x.com", n: 1 }), "a@x.com");
      assert.equal(describeEntry("b@x.com"), "b@x.com");
      assert.equal(describeEntry({ n: 1 }), '{"n":1}');
    });
  });

  describe("templates", function () {
    it("renders recipient fields and msg properties with the template node's syntax", function () {
      const view = { name: "Ana & Bo", msg: { topic: "Spring" }, items: [{ sku: "A1" }, { sku: "B2" }] };
      assert.equal(renderTemplate("{{msg.topic}} offer for {{name}}: {{#items}}{{sku}} {{/items}}", view, "text"), "Spring offer for Ana & Bo: A1 B2 ");
    });

    it("escapes values in html but not in plain text", function () {
      const view = { name: "<Ana & Bo>" };
      assert.equal(renderTemplate("<p>Hi {{name}}</p>", view, "html"), "<p>Hi &lt;Ana &amp; Bo&gt;</p>");
      assert.equal(renderTemplate("<p>Hi {{{name}}}</p>", view, "html"), "<p>Hi <Ana & Bo></p>");
      assert.equal(renderTemplate("Hi {{name}}", view, "text"), "Hi <Ana & Bo>");
      assert.equal(renderTemplate(undefined, view, "text"), undefined);
    });

    it("reports a template that does not parse before anything is sent", function () {
      assert.doesNotThrow(() => checkTemplate("subject", "Hi {{name}}"));
      assert.throws(() => checkTemplate("body", "Hi {{#name}} no end"), /body: the template does not parse \(Unclosed section "name"/);
    });
  });

  describe("runBatch", function () {
    it("sends every entry once, at most `window` at a time, and sums the outcome", async function () {
      let running = 0;
      let most = 0;
      const seen: number[] = [];
      const progress: number[] = [];
      const summary = await runBatch({
        entries: Array.from({ length: 25 }, (_, i) => `r${i}@example.com`),
        window: 4,
        send: async (entry, index) => {
          running++;
          most = Math.max(most, running);
          seen.push(index);
          await tick();
          running--;
          if (index % 10 === 3) return { to: entry as string, status: "failed", error: "EmailDropped" };
          return { to: entry as string, status: "sent", messageId: `m${index}` };
        },
        onProgress: (finished) => progress.push(finished),
      });
      assert.equal(most, 4);
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i));
      assert.deepEqual(summary, {
        sent: 22,
        failed: 3,
        total: 25,
        failures: [
          { to: "r3@example.com", error: "EmailDropped" },
          { to: "r13@example.com", error: "EmailDropped" },
          { to: "r23@example.com", error: "EmailDropped" },
        ],
      });
      assert.deepEqual(progress, Array.from({ length: 25 }, (_, i) => i + 1));
    });

    it("turns an entry that throws into a failure and carries on", async function () {
      const items: BatchItemResult[] = [];
      const summary = await runBatch({
        entries: ["a@x.com", { bad: true }, "c@x.com"],
        send: async (entry) => {
          if (typeof entry !== "string") throw new Error("recipients[1]: not an address");
          return { to: entry, status: "queued" };
        },
        onItem: (item) => items.push(item),
      });
      assert.equal(summary.sent, 2);
      assert.deepEqual(summary.failures, [{ to: '{"bad":true}', error: "recipients[1]: not an address" }]);
      assert.deepEqual(items.map((item) => [item.index, item.status]).sort(), [[0, "queued"], [1, "failed"], [2, "queued"]]);
    });

    it("fails the entries not yet started once stopped, so none goes missing", async function () {
      const stop = new AbortController();
      let started = 0;
      const summary = await runBatch({
        entries: Array.from({ length: 10 }, (_, i) => `r${i}@x.com`),
        window: 2,
        stop: stop.signal,
        stoppedError: "not sent: stopped",
        send: async (entry) => {
          started++;
          if (started === 3) stop.abort();
          await tick();
          return { to: entry as string, status: "sent" };
        },
      });
      assert.equal(started, 3);
      assert.equal(summary.total, 10);
      assert.equal(summary.sent, 3);
      assert.equal(summary.failed, 7);
      assert.ok(summary.failures.every((failure) => failure.error === "not sent: stopped"));
    });

    it("finishes at once for an empty list", async function () {
      assert.deepEqual(await runBatch({ entries: [], send: () => Promise.reject(new Error("never")) }), { sent: 0, failed: 0, total: 0, failures: [] });
    });
  });
});
