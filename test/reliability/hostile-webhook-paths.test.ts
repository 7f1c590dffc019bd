// Hostile input, webhook paths on a real Node-RED runtime whose httpNodeRoot and httpAdminRoot are
// both "/" (the defaults): a path that would shadow the editor's own routes, or another acs-events
// node's path, is refused at deploy with an error naming the path; an ordinary path still serves
// and the admin API still answers.
import assert from "node:assert/strict";
import { RealRuntime } from "./real-runtime";

function node(id: string, path: string): Record<string, unknown> {
  return { id, type: "acs-events", z: "tab", name: "", path, requireSecret: false, outputMode: "single", wires: [[]] };
}

describe("hostile input: acs-events paths that collide, on a real runtime", function () {
  this.timeout(120_000);
  let runtime: RealRuntime;

  before(async () => {
    runtime = await RealRuntime.start("outline");
  });
  after(() => runtime.stop());

  const errors = () => runtime.logs.filter((entry) => entry.level === 20).map((entry) => entry.text);

  it("refuses /auth/token and /flows, and the admin API keeps answering", async () => {
    const before = errors().length;
    await runtime.deploy([{ id: "tab", type: "tab", label: "paths" }, node("token", "/auth/token"), node("flows", "/flows"), node("ok", "/acs/ordinary")]);
    await runtime.until(() => errors().length >= before + 2, 10_000, "two deploy errors");
    const refused = errors().slice(before);
    assert.ok(refused.some((text) => text.includes('"/auth/token"') && text.includes("/auth")), refused.join("\n"));
    assert.ok(refused.some((text) => text.includes('"/flows"') && text.includes("/flows")), refused.join("\n"));
    const flows = await runtime.request("flows");
    assert.equal(flows.status, 200, "GET /flows is still the admin API's");
    assert.ok(Array.isArray(await flows.json()));
    const login = await runtime.request("auth/login");
    assert.equal(login.status, 200, "the editor's login endpoint still answers");
    const ordinary = await runtime.request("acs/ordinary", { method: "POST", headers: { "content-type": "application/cloudevents-batch+json" }, body: "[]" });
    assert.notEqual(ordinary.status, 404, "the ordinary path is served by the node");
    assert.ok(ordinary.status < 500, `the ordinary path answered ${ordinary.status}`);
  });

  it("refuses a second node on a path another acs-events node owns", async () => {
    const before = errors().length;
    await runtime.deploy([{ id: "tab", type: "tab", label: "paths" }, node("one", "/acs/shared"), node("two", "/ACS/shared/")]);
    await runtime.until(() => errors().length >= before + 1, 10_000, "a deploy error");
    const refused = errors().slice(before);
    assert.ok(refused.some((text) => text.includes("/ACS/shared") || text.includes("/acs/shared")), refused.join("\n"));
    assert.ok(refused.some((text) => text.includes("already used by another acs-events node")), refused.join("\n"));
  });
});
