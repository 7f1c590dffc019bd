// `npm start` as a user runs it: a child process on free ports with its own directories; it prints
// its ready line, serves every example, delivers events to their webhooks, runs an example through
// the printed customer command, and stops cleanly on Ctrl+C.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { control } from "../../scripts/demo-customer";
import { exampleNames, readExample } from "../../scripts/demo-flows";
import { freePort, run, startUntil, type Started } from "../helpers/processes";
import { waitFor } from "./harness";

const root = resolve(__dirname, "..", "..", "..");
const script = (name: string) => join(root, "dist", "scripts", `${name}.js`);

interface SmsRecord {
  to: string;
  message: string;
}

function portIsClosed(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      done(false);
    });
    socket.once("error", () => done(true));
  });
}

describe("npm start (the demo)", function () {
  this.timeout(120_000);
  let work: string;
  let env: NodeJS.ProcessEnv;
  let demo: Started | undefined;
  let nodeRedPort: number;
  let sandboxPort: number;
  let sandbox: { endpoint: string; ca: string };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "acs-demo-"));
    nodeRedPort = await freePort();
    sandboxPort = await freePort();
    env = {
      ...process.env,
      ACS_CONNECTION_STRING: "",
      NODE_RED_PORT: String(nodeRedPort),
      SANDBOX_PORT: String(sandboxPort),
      NODE_RED_USER_DIR: join(work, "node-red"),
      SANDBOX_STATE_DIR: join(work, "sandbox"),
    };
    demo = await startUntil(process.execPath, [script("start")], { cwd: root, env, ready: /Ready\. Press Ctrl\+C to stop\./, timeoutMs: 90_000 });
    sandbox = { endpoint: `https://127.0.0.1:${sandboxPort}/`, ca: readFileSync(join(work, "sandbox", "ca.pem"), "utf8") };
  });

  after(async () => {
    await demo?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("prints the editor URL and a guide line for every example, with every webhook subscribed", () => {
    const output = demo?.output() ?? "";
    assert.match(output, new RegExp(`Node-RED editor: +http://127\\.0\\.0\\.1:${nodeRedPort}/`));
    assert.doesNotMatch(output, /NOT subscribed/);
    for (const name of exampleNames()) {
      const label = String(readExample(name).find((node) => node.type === "tab")?.label);
      assert.ok(output.includes(`\n  ${label}\n`), `no guide for "${label}"`);
    }
    assert.doesNotMatch(output, /\[(error|warn)\] \[/, "a node warned or failed at start");
    assert.match(output, new RegExp(`^  sandbox UI: https://127\\.0\\.0\\.1:${sandboxPort}/_sandbox/ui/$`, "m"));
  });

  it("serves every example as a tab on one connection to the sandbox", async () => {
    const flows = (await (await fetch(`http://127.0.0.1:${nodeRedPort}/flows`)).json()) as { id: string; type: string; endpoint?: string }[];
    const tabs = new Set(flows.filter((node) => node.type === "tab").map((node) => node.id));
    for (const name of exampleNames()) {
      const tab = readExample(name).find((node) => node.type === "tab");
      assert.ok(tab && tabs.has(tab.id), `${name} is not loaded`);
    }
    const configs = flows.filter((node) => node.type === "acs-config");
    assert.deepEqual(configs.map((node) => node.endpoint), [sandbox.endpoint]);
  });

  it("answers the customer's text sent with the printed command (two-way SMS example)", async () => {
    const { stdout } = await run(process.execPath, [script("demo-customer"), "text", "Is my order on its way?"], { cwd: root, env });
    assert.match(stdout, /texted/);
    // Generous: the event goes through Event Grid, the webhook and the flow on a busy machine.
    const replies = await waitFor(
      "the auto-reply",
      async () => {
        const { value } = (await control(sandbox, "GET", "sms")) as { value: SmsRecord[] };
        return value.length > 0 ? value : undefined;
      },
      30_000,
    );
    assert.deepEqual(replies.map((sms) => sms.to), ["+14255550123"]);
    assert.match(replies[0].message, /thanks for your message/);
  });

  it("delivers the customer's text and the reply's report to the two-way tab only: every tab gets only its own events", async () => {
    await control(sandbox, "POST", "settle");
    const twoWay = readExample("two-way-sms").find((node) => node.type === "acs-events");
    const { value } = (await control(sandbox, "GET", "eventgrid/deliveries")) as { value: { kind: string; subscriptionName: string; eventTypes: string[] }[] };
    const notifications = value.filter((entry) => entry.kind === "notification");
    assert.ok(notifications.some((entry) => entry.eventTypes.includes("Microsoft.Communication.SMSReceived")), "the text was delivered");
    assert.deepEqual(
      notifications.filter((entry) => !entry.subscriptionName.startsWith(`demo-${twoWay?.id}-`)).map((entry) => [entry.subscriptionName, entry.eventTypes]),
      [],
    );
  });

  it("stops Node-RED and the sandbox on Ctrl+C and exits with 0", async () => {
    const child = demo?.child;
    assert.ok(child);
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    await demo?.stop();
    assert.equal(await exited, 0);
    assert.match(demo?.output() ?? "", /Stopping/);
    assert.ok(await portIsClosed(nodeRedPort), "Node-RED still listens");
    assert.ok(await portIsClosed(sandboxPort), "the sandbox still listens");
  });
});
