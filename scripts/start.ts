// `npm start`: the demo. The ACS sandbox and an embedded Node-RED with this package, the example
// flows loaded as tabs on one connection to the sandbox, the sandbox's Event Grid subscribed to
// their acs-events webhooks, and a printed guide to each example. With ACS_CONNECTION_STRING set,
// the real service is used instead and no sandbox starts. Ctrl+C stops both.
//
// Environment: NODE_RED_PORT (1880), SANDBOX_PORT (5443), NODE_RED_USER_DIR (.node-red),
// SANDBOX_STATE_DIR (.sandbox), ACS_EVENTS_SECRET (the webhooks' secret; generated when unset),
// ACS_DEMO_DELAY_SCALE (delays are multiplied by it: 0.1 with the sandbox, 1 with the real service),
// ACS_DEMO_RESET=1 (write the examples again over the flows kept from an earlier run),
// ACS_DEMO_EVENTS=pull (every acs-events node pulls from the sandbox's Event Grid namespace, each
// from a subscription of its own: no webhook and no inbound connection at all).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startSandbox, type Sandbox } from "../emulator";
import { DEMO_EMAIL_QUOTA, DEMO_RULES, guideLines, type GuideContext } from "./demo-guide";
import {
  NAMESPACE_KEY_ENV,
  combineExamples,
  eventWebhooks,
  exampleNames,
  isPullNode,
  pullFromNamespace,
  pullSubscriptions,
  readExample,
  scaleDelays,
  splitCredentials,
  tabSender,
  tabSubscriptions,
  withSender,
  type FlowNode,
} from "./demo-flows";
import { DURABLE_CONTEXT_STORAGE, PROJECT_ROOT, startEmbeddedNodeRed, type EmbeddedNodeRed } from "./embedded-node-red";

const userDir = resolve(process.env.NODE_RED_USER_DIR || join(PROJECT_ROOT, ".node-red"));
const stateDir = resolve(process.env.SANDBOX_STATE_DIR || join(PROJECT_ROOT, ".sandbox"));
const flowFile = join(userDir, "flows.json");
const credentialsFile = join(userDir, "flows_cred.json");

function numberFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, got "${text}"`);
  return value;
}

/** The examples' connections, pointed at the sandbox (with its raised email quota) or at the real service. */
function configure(node: FlowNode, sandbox: Sandbox | undefined): FlowNode {
  if (node.type !== "acs-config") return node;
  return sandbox
    ? {
        ...node,
        name: "ACS sandbox",
        authMode: "sandbox",
        endpoint: sandbox.endpoint,
        caFile: join(stateDir, "ca.pem"),
        emailPerMinute: String(DEMO_EMAIL_QUOTA.perMinute),
        emailPerHour: String(DEMO_EMAIL_QUOTA.perHour),
      }
    : { ...node, name: "ACS (ACS_CONNECTION_STRING)", authMode: "connectionString", endpoint: "", caFile: "", emailPerMinute: "", emailPerHour: "" };
}

/** Every example as a tab, on one connection; pull nodes point at the sandbox's namespace, and with `pull` every acs-events node pulls. */
function demoFlows(sandbox: Sandbox | undefined, delayScale: number, pull: boolean): FlowNode[] {
  // With the sandbox, each tab sends from its own number and address, so its webhook events reach it alone.
  const examples = exampleNames().map((name) => {
    const flow = scaleDelays(readExample(name), delayScale).map((node) => configure(node, sandbox));
    return sandbox ? withSender(flow, tabSender(name)) : flow;
  });
  const namespace = { endpoint: sandbox?.namespace.endpoint ?? "", topic: sandbox?.namespace.topic ?? "acs-events" };
  const combined = combineExamples(examples).map((node) => (sandbox && isPullNode(node) ? { ...node, nsEndpoint: namespace.endpoint, nsTopic: namespace.topic } : node));
  return pull ? pullFromNamespace(combined, namespace) : combined;
}

/** Writes the demo's flows; the credentials go where Node-RED keeps them. */
function writeExampleFlows(sandbox: Sandbox | undefined, delayScale: number, pull: boolean): void {
  const { flow, credentials } = splitCredentials(demoFlows(sandbox, delayScale, pull));
  if (!sandbox) {
    for (const node of flow) if (node.type === "acs-config") credentials[node.id] = { connectionString: "${ACS_CONNECTION_STRING}" };
  }
  mkdirSync(userDir, { recursive: true });
  writeFileSync(flowFile, `${JSON.stringify(flow, null, 2)}\n`);
  writeFileSync(credentialsFile, `${JSON.stringify(credentials, null, 2)}\n`);
}

function readFlows(): FlowNode[] {
  try {
    const flows = JSON.parse(readFileSync(flowFile, "utf8")) as unknown;
    return Array.isArray(flows) ? (flows as FlowNode[]) : [];
  } catch {
    return [];
  }
}

/** The flows an earlier version of `npm start` wrote (one empty tab and its connection): nothing to keep. */
function isFirstDemoFlowFile(): boolean {
  const flows = readFlows();
  return flows.length > 0 && flows.every((node) => node.id === "acs-demo-tab" || node.id === "acs-demo-config");
}

/**
 * Subscribes the sandbox's Event Grid to every acs-events node of the flows; says which. A node on an
 * example's tab gets only that tab's events (filtered by the tab's sender); any other node gets every
 * event of its types.
 */
async function subscribeWebhooks(sandbox: Sandbox, nodeRed: EmbeddedNodeRed, flows: FlowNode[], secret: string): Promise<string[]> {
  const lines: string[] = [];
  const exampleOfTab = new Map(exampleNames().map((name) => [readExample(name).find((node) => node.type === "tab")?.id, name]));
  for (const webhook of eventWebhooks(flows)) {
    const example = exampleOfTab.get(webhook.tabId);
    const filters = example ? tabSubscriptions(webhook, tabSender(example)) : [{ includedEventTypes: webhook.eventTypes, advancedFilters: [] }];
    try {
      for (const [index, filter] of filters.entries()) {
        await sandbox.control.subscribe({
          endpoint: `${nodeRed.url.replace(/\/$/, "")}${webhook.path}?code=${encodeURIComponent(secret)}`,
          name: `demo-${webhook.nodeId}-${index}`,
          ...filter,
        });
      }
      lines.push(`${webhook.path} (subscribed${example ? ", this tab's events only" : ""})`);
    } catch (err) {
      lines.push(`${webhook.path} NOT subscribed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return lines;
}

function printGuide(flows: FlowNode[], context: GuideContext): void {
  const tabs = new Map(flows.filter((node) => node.type === "tab").map((node) => [node.id, String(node.label ?? node.id)]));
  console.log("\nExamples (one tab each):");
  for (const name of exampleNames()) {
    const tab = readExample(name).find((node) => node.type === "tab");
    if (!tab || !tabs.has(tab.id)) continue;
    console.log(`  ${tabs.get(tab.id)}`);
    for (const line of guideLines(name, tabs.get(tab.id) ?? name, context)) console.log(`    ${line}`);
  }
}

async function main(): Promise<void> {
  const useRealService = Boolean(process.env.ACS_CONNECTION_STRING);
  const delayScale = numberFromEnv("ACS_DEMO_DELAY_SCALE", useRealService ? 1 : 0.1);
  // The acs-events nodes read their secret as ${ACS_EVENTS_SECRET}; the subscriptions present it.
  const secretGiven = Boolean(process.env.ACS_EVENTS_SECRET);
  process.env.ACS_EVENTS_SECRET ||= randomBytes(18).toString("base64url");
  const secret = process.env.ACS_EVENTS_SECRET;

  const eventsMode = (process.env.ACS_DEMO_EVENTS || "webhook").toLowerCase();
  if (eventsMode !== "pull" && eventsMode !== "webhook") throw new Error(`ACS_DEMO_EVENTS must be pull or webhook, got "${eventsMode}"`);
  // Pull needs a namespace: the sandbox's. With the real service the examples keep their webhooks.
  const pull = eventsMode === "pull" && !useRealService;

  const reset = process.env.ACS_DEMO_RESET === "1" || !existsSync(flowFile) || isFirstDemoFlowFile();
  // Each pulling acs-events node reads a subscription of its own: the sandbox creates them at start.
  const subscriptions = pullSubscriptions(reset ? demoFlows(undefined, delayScale, pull) : readFlows());
  const sandbox = useRealService
    ? undefined
    : await startSandbox({
        port: numberFromEnv("SANDBOX_PORT", 5443),
        stateDir,
        rules: DEMO_RULES,
        quotas: { email: { managed: DEMO_EMAIL_QUOTA } },
        namespace: { subscriptions },
      });
  // Pull nodes read the namespace key as ${ACS_NAMESPACE_KEY}: the sandbox's published development key.
  if (sandbox) process.env[NAMESPACE_KEY_ENV] ||= sandbox.namespace.key;
  if (reset) writeExampleFlows(sandbox, delayScale, pull);

  let nodeRed: EmbeddedNodeRed;
  try {
    nodeRed = await startEmbeddedNodeRed({
      userDir,
      port: numberFromEnv("NODE_RED_PORT", 1880),
      logLevel: "warn",
      // Context on disk: the fallbacks' waits and the records of what was sent survive a restart.
      settings: { credentialSecret: false, contextStorage: DURABLE_CONTEXT_STORAGE },
    });
  } catch (err) {
    await sandbox?.close();
    throw err;
  }
  await nodeRed.flowsStarted;
  const flows = readFlows();

  if (sandbox) {
    console.log(`ACS sandbox:      ${sandbox.endpoint} (CA: ${join(stateDir, "ca.pem")}; control API: ${sandbox.endpoint}_sandbox/)`);
    console.log(`  sandbox UI: ${sandbox.uiUrl}`);
    console.log(`                  the customer's side: their phones, mailboxes and chats; answer as the customer there`);
    console.log(`                  each tab sends from its own number and address, so Event Grid brings it only its own events`);
    console.log(`                  +14255550199 is a phone that is off, kim@mailbox-gone.example bounces; 600 emails a minute`);
  } else {
    console.log("ACS:              the real service, from ACS_CONNECTION_STRING");
  }
  console.log(`Node-RED editor:  ${nodeRed.url}`);
  console.log(reset ? `Flows:            the examples, written to ${flowFile}` : `Flows:            kept from ${flowFile} (ACS_DEMO_RESET=1 loads the examples again)`);
  if (delayScale !== 1) console.log(`Delays:           ${delayScale} times as long as in the examples (ACS_DEMO_DELAY_SCALE)`);
  console.log(`Context:          on disk in ${join(userDir, "context")} (waits and records of what was sent survive a restart)`);
  const pulling = flows.filter(isPullNode);
  if (sandbox && pulling.length > 0) {
    const ns = sandbox.namespace;
    console.log(`Event Grid:       ${pulling.length} acs-events node(s) pull from the sandbox's namespace ${ns.endpoint}, topic ${ns.topic} (ACS_DEMO_EVENTS=pull: all of them)`);
    console.log(`                  Event Grid namespace: endpoint=${ns.endpoint};key=${ns.key};topic=${ns.topic};subscription=${ns.subscription}`);
  }
  if (sandbox && eventWebhooks(flows).length > 0) {
    const webhooks = await subscribeWebhooks(sandbox, nodeRed, flows, secret);
    webhooks.forEach((line, index) => console.log(`${index === 0 ? "Event Grid:       the sandbox delivers to" : "                                        "} ${line}`));
  } else if (eventWebhooks(flows).length > 0) {
    console.log("Event Grid:       create a Web Hook subscription on your resource to this Node-RED's acs-events paths, over HTTPS, with ?code=<ACS_EVENTS_SECRET>");
    if (!secretGiven) console.log("                  ACS_EVENTS_SECRET is not set: the webhooks got a secret for this run only; set it to the one your subscription uses");
  }
  printGuide(flows, {
    controlUrl: sandbox ? `${sandbox.endpoint}_sandbox/` : undefined,
    uiUrl: sandbox?.uiUrl,
    caFile: join(stateDir, "ca.pem"),
    chatWaitSeconds: Math.round(300 * delayScale),
    contextDir: join(userDir, "context"),
  });
  console.log("\nReady. Press Ctrl+C to stop.");

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping...");
    // Node-RED first: its nodes finish or give up what they are sending to the sandbox.
    nodeRed
      .close()
      .then(() => sandbox?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error("npm start failed:", err instanceof Error ? err.message : err);
  process.exit(1);
});
