// The flows the benchmarks deploy: an acs-config node in sandbox mode pointing at the sandbox, the
// node under test, and an inactive debug node as the place its output goes (as in a real flow).
import type { FlowNode } from "./node-red";

export interface SandboxConnection {
  endpoint: string;
  accessKey: string;
  ca: string;
}

export const TAB_ID = "bench-tab";

export function tab(): FlowNode {
  return { id: TAB_ID, type: "tab", label: "benchmark" };
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
