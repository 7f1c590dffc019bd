// The flows the benchmarks deploy: an acs-config node in sandbox mode pointing at the sandbox, the
// node under test, and an inactive debug node as the place its output goes (as in a real flow).
import type { FlowNode } from "./node-red";

export interface SandboxConnection {
  endpoint: string;
  accessKey: string;
  ca: string;
}

export const TAB_ID = "bench-tab";

/** The benchmark's tab; `env` are its flow environment variables (name -> text). */
export function tab(env: Record<string, string> = {}): FlowNode {
  return { id: TAB_ID, type: "tab", label: "benchmark", env: Object.entries(env).map(([name, value]) => ({ name, value, type: "str" })) };
}

/** An acs-config node for the sandbox; `limits` are the dialog's fields (smsPerMinute, emailPerHour, ...). */
export function configNode(sandbox: SandboxConnection, limits: Record<string, string> = {}, id = "bench-acs"): FlowNode {
  return {
    id,
    type: "acs-config",
    name: "sandbox",
    authMode: "sandbox",
    endpoint: sandbox.endpoint,
    ...limits,
    credentials: { accessKey: sandbox.accessKey, caCert: sandbox.ca },
  };
}

export function sink(id: string): FlowNode {
  return { id, type: "debug", z: TAB_ID, name: "sink", active: false, tosidebar: true, console: false, complete: "false", wires: [] };
}

/** What the hand-built event flow needs: where it listens, the flow env variable holding the secret, and its next node. */
export interface HandBuiltEventFlow {
  path: string;
  secretEnv: string;
  next: string;
}

/**
 * The function node of the hand-built flow: the secret (`?code=` or the x-webhook-secret header,
 * as acs-events takes it) and the Event Grid validation handshake, then the events on output 1
 * and the 200 on output 2. Events go first so Node-RED does not copy the batch (it copies every
 * message of a send but the first); the response is a new, small message.
 */
const HAND_BUILT_FUNCTION = `
const presented = (msg.req.query && msg.req.query.code) || msg.req.headers["x-webhook-secret"];
if (!presented || presented !== env.get(SECRET_ENV)) {
    return [null, { res: msg.res, statusCode: 401, payload: "" }];
}
const events = Array.isArray(msg.payload) ? msg.payload : [msg.payload];
const first = events[0];
if (first && first.eventType === "Microsoft.EventGrid.SubscriptionValidationEvent") {
    return [null, { res: msg.res, statusCode: 200, payload: { validationResponse: first.data.validationCode } }];
}
msg.payload = events;
return [msg, { res: msg.res, statusCode: 200, payload: "" }];
`;

/**
 * What a user without acs-events builds to take Event Grid deliveries: http in (POST) -> function
 * (secret, handshake) -> split (one msg per event) -> `next`, and the function's second output ->
 * http response. It answers 200 once the events are handed on, before the rest of the flow runs:
 * that is what acs-events does in its default acknowledgement mode (on handover), it keeps Event
 * Grid's 30 s answer budget whatever the flow does, and it needs no join to count the parts back.
 * The http in node has no OPTIONS method (and the editor's CORS handler answers OPTIONS first with
 * the default roots), so the CloudEvents handshake is left out: Event Grid schema deliveries only.
 * Nodes are on tab TAB_ID, whose env must define `secretEnv` (see tab()).
 */
export function handBuiltEventFlow(options: HandBuiltEventFlow): FlowNode[] {
  return [
    { id: "hand-in", type: "http in", z: TAB_ID, name: "Event Grid", url: options.path, method: "post", upload: false, swaggerDoc: "", wires: [["hand-check"]] },
    {
      id: "hand-check",
      type: "function",
      z: TAB_ID,
      name: "secret and handshake",
      func: HAND_BUILT_FUNCTION.replace("SECRET_ENV", JSON.stringify(options.secretEnv)),
      outputs: 2,
      timeout: 0,
      noerr: 0,
      initialize: "",
      finalize: "",
      libs: [],
      wires: [["hand-split"], ["hand-response"]],
    },
    { id: "hand-split", type: "split", z: TAB_ID, name: "one msg per event", splt: "\\n", spltType: "str", arraySplt: 1, arraySpltType: "len", stream: false, addname: "", wires: [[options.next]] },
    { id: "hand-response", type: "http response", z: TAB_ID, name: "", statusCode: "", headers: {}, wires: [] },
  ];
}

/** acs-email in batch mode as the editor saves it: one personalised email per recipient of msg.payload (mustache templates). */
export function batchEmailNode(id: string, sender: string, wires: string[]): FlowNode {
  return {
    id,
    type: "acs-email",
    z: TAB_ID,
    config: "bench-acs",
    mode: "batch",
    recipients: "payload",
    recipientsType: "msg",
    outputEach: false,
    completion: "wait",
    sender,
    senderType: "str",
    subject: "Your {{plan}} plan renews on {{date}}",
    subjectType: "template",
    body: "Hello {{name}},\n\nyour {{plan}} plan renews on {{date}}. Reply to this email with any question.",
    bodyType: "template",
    bodyFormat: "text",
    wires: [wires],
  };
}
