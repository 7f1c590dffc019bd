// Two Node-RED runtimes, each in its own process, pull from one namespace subscription of the sandbox:
// 5,000 events are shared between them, each handed to one flow. One runtime is killed (SIGKILL)
// mid-run: the events it held locked come back to the other once their lock ends. None is lost; an
// event handled twice is one the killed runtime had handled without its acknowledgement arriving,
// and the test counts and prints them.
import assert from "node:assert/strict";
import { Agent } from "node:https";
import { AzureKeyCredential } from "@azure/core-auth";
import { EventGridSenderClient, type CloudEvent } from "@azure/eventgrid-namespaces";
import { startTestSandbox, type Sandbox } from "../helpers/sandbox";
import { RealRuntime } from "./real-runtime";

const EVENTS = 5000;
const HANDLED = "pull-handled ";
/** 300 simulated seconds are 5 real seconds at the test sandbox's time scale. */
const LOCK_SECONDS = 300;

function consumerFlow(sandbox: Sandbox): Record<string, unknown>[] {
  const at = { z: "consumer", x: 200, y: 80 };
  return [
    { id: "consumer", type: "tab", label: "consumer" },
    { id: "acs", type: "acs-config", name: "sandbox", authMode: "sandbox", endpoint: sandbox.endpoint, credentials: { accessKey: sandbox.accessKey, caCert: sandbox.ca } },
    {
      id: "events",
      type: "acs-events",
      config: "acs",
      source: "namespace",
      nsEndpoint: sandbox.namespace.endpoint,
      nsTopic: sandbox.namespace.topic,
      nsSubscription: sandbox.namespace.subscription,
      nsAuth: "key",
      maxEvents: 50,
      maxWaitTime: 10,
      maxInFlight: 100,
      lockRenewal: 2,
      releaseDelay: "0",
      ackMode: "afterFlow",
      ackTimeout: 60,
      eventTypes: ["other"],
      credentials: { nsKey: sandbox.namespace.key },
      wires: [["work"]],
      ...at,
    },
    // A flow that takes a little time per event, and says which event it handled.
    { id: "work", type: "function", func: `node.log("${HANDLED}" + msg.event.id); return new Promise((resolve) => setTimeout(() => resolve(msg), 2));`, outputs: 1, wires: [[]], ...at, x: 400 },
  ];
}

function handled(runtime: RealRuntime): string[] {
  return runtime.logs.filter((entry) => entry.text.startsWith(HANDLED)).map((entry) => entry.text.slice(HANDLED.length));
}

async function publishAll(sandbox: Sandbox, count: number): Promise<string[]> {
  const agent = new Agent({ ca: sandbox.ca, keepAlive: true });
  const sender = new EventGridSenderClient(sandbox.namespace.endpoint, new AzureKeyCredential(sandbox.namespace.key), sandbox.namespace.topic, { agent });
  const ids = Array.from({ length: count }, (_, index) => `cc-${index}`);
  try {
    for (let start = 0; start < count; start += 100) {
      const batch: CloudEvent<unknown>[] = ids.slice(start, start + 100).map((id) => ({ id, source: "/test/competing-consumers", type: "Test.CompetingConsumers", data: { n: id } }));
      await sender.sendEvents(batch);
    }
  } finally {
    agent.destroy();
  }
  return ids;
}

describe("reliability: competing consumers on one namespace subscription", function () {
  this.timeout(300_000);
  let sandbox: Sandbox;
  const runtimes: RealRuntime[] = [];

  before(async () => {
    sandbox = await startTestSandbox({ namespace: { lockDurationSeconds: LOCK_SECONDS, maxDeliveryCount: 10 } });
  });
  after(async () => {
    for (const runtime of runtimes) await runtime.stop();
    await sandbox.close();
  });

  it("hands each of 5,000 events to one of two runtimes, loses none when one is killed, and counts the duplicates", async () => {
    const [first, second] = await Promise.all([RealRuntime.start("outline"), RealRuntime.start("outline")]);
    runtimes.push(first, second);
    await Promise.all([first.deploy(consumerFlow(sandbox)), second.deploy(consumerFlow(sandbox))]);
    const started = Date.now();
    const ids = await publishAll(sandbox, EVENTS);

    // Kill the first runtime once both have done a share of the work.
    await first.until(() => handled(first).length >= EVENTS / 5 && handled(second).length >= EVENTS / 10, 120_000, "both runtimes handling events");
    const lockedAtKill = sandbox.control.namespace().locked;
    const beforeKill = { first: new Set(handled(first)), second: new Set(handled(second)) };
    await first.kill();
    const killedHandled = new Set(handled(first));

    await second.until(
      () => {
        const snapshot = sandbox.control.namespace();
        return snapshot.depth === 0 && snapshot.locked === 0;
      },
      180_000,
      "the namespace to be drained",
    );
    const seconds = (Date.now() - started) / 1000;
    const bySecond = handled(second);

    // Before the kill, no event had been handed to both.
    for (const id of beforeKill.first) assert.ok(!beforeKill.second.has(id), `${id} was handed to both runtimes while both ran`);
    // Within one runtime, no event was handed twice.
    assert.equal(new Set(bySecond).size, bySecond.length, "the surviving runtime handled an event twice");
    assert.equal(killedHandled.size, handled(first).length, "the killed runtime handled an event twice");
    // None lost.
    const all = new Set([...killedHandled, ...bySecond]);
    assert.deepEqual(ids.filter((id) => !all.has(id)), [], "events never handled");
    // A duplicate is an event the killed runtime handled whose acknowledgement did not arrive (its lock expired).
    const duplicates = bySecond.filter((id) => killedHandled.has(id));
    assert.ok(duplicates.length <= lockedAtKill, `${duplicates.length} duplicates, more than the ${lockedAtKill} events locked when the runtime was killed`);
    assert.deepEqual(sandbox.control.namespace().deadLetters, []);
    console.log(
      `      ${EVENTS} events in ${seconds.toFixed(1)} s: ${killedHandled.size} by the killed runtime, ${bySecond.length} by the other; ` +
        `${lockedAtKill} locked at the kill, ${duplicates.length} handled twice (lock expired after the kill)`,
    );
  });
});
