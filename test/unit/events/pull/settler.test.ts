import assert from "node:assert/strict";
import { Backoff } from "../../../../nodes/lib/events/pull/backoff";
import { Settler } from "../../../../nodes/lib/events/pull/settler";
import { RecordingClient, httpError, networkError } from "./fake-client";

const quickBackoff = () => new Backoff({ initialMs: 1, maxMs: 2 });

describe("pull Settler", () => {
  it("sends the acknowledgements of one turn as one request", async () => {
    const client = new RecordingClient();
    const settler = new Settler(client);
    const results = await Promise.all(["a", "b", "c"].map((token) => settler.acknowledge(token)));
    assert.deepEqual(results, [true, true, true]);
    assert.deepEqual(client.calls, [{ op: "acknowledge", tokens: ["a", "b", "c"] }]);
  });

  it("splits more than 100 tokens into requests of at most 100", async () => {
    const client = new RecordingClient();
    const settler = new Settler(client);
    await Promise.all(Array.from({ length: 250 }, (_, index) => settler.acknowledge(`t${index}`)));
    assert.deepEqual(client.calls.map((call) => call.tokens.length), [100, 100, 50]);
  });

  it("groups releases by their delay", async () => {
    const client = new RecordingClient();
    const settler = new Settler(client);
    await Promise.all([settler.release("a", 10), settler.release("b", 0), settler.release("c", 10)]);
    const releases = client.calls.filter((call) => call.op === "release").map((call) => [call.delay, call.tokens]);
    assert.deepEqual(releases.sort(), [["0", ["b"]], ["10", ["a", "c"]]]);
  });

  it("answers false for a token whose lock was lost, true for the others, without failing the batch", async () => {
    const client = new RecordingClient();
    client.lost.add("b");
    const settler = new Settler(client);
    assert.deepEqual(await Promise.all([settler.acknowledge("a"), settler.acknowledge("b")]), [true, false]);
  });

  it("tries a request again after a network error or a 503, and reports each fault", async () => {
    const client = new RecordingClient();
    client.failNext.set("acknowledge", [networkError(), httpError(503)]);
    const faults: string[] = [];
    const settler = new Settler(client, { backoff: quickBackoff, onFault: (_action, fault, final) => faults.push(`${fault.kind}:${final}`) });
    assert.equal(await settler.acknowledge("a"), true);
    assert.deepEqual(faults, ["unreachable:false", "service:false"]);
    assert.deepEqual(client.tokensOf("acknowledge"), ["a"]);
  });

  it("gives up at once on a 401 (another try would fail the same way)", async () => {
    const client = new RecordingClient();
    client.failNext.set("reject", [httpError(401, "Unauthorized")]);
    const faults: string[] = [];
    const settler = new Settler(client, { backoff: quickBackoff, onFault: (_action, fault, final) => faults.push(`${fault.kind}:${final}`) });
    assert.equal(await settler.reject("a"), false);
    assert.deepEqual(faults, ["unauthorized:true"]);
  });

  it("gives up after its attempts when the fault does not pass", async () => {
    const client = new RecordingClient();
    client.failNext.set("release", [httpError(500), httpError(500), httpError(500)]);
    const settler = new Settler(client, { attempts: 3, backoff: quickBackoff });
    assert.equal(await settler.release("a", 0), false);
    assert.equal(client.failNext.get("release")?.length, 0, "three tries were made");
  });

  it("drain waits for every queued settlement", async () => {
    const client = new RecordingClient();
    const settler = new Settler(client);
    void settler.acknowledge("a");
    void settler.renew("b");
    await settler.drain();
    assert.deepEqual(client.calls.map((call) => call.op).sort(), ["acknowledge", "renew"]);
  });
});
