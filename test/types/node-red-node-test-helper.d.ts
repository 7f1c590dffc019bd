// The parts of node-red-node-test-helper the suites use (the package ships no types).
declare module "node-red-node-test-helper" {
  import type { Node, NodeAPI } from "node-red";
  import type { Server } from "node:http";

  type NodeModule = (RED: NodeAPI) => void | Promise<void>;
  type FlowNode = Record<string, unknown>;

  interface LogSpy {
    args: [{ level: number; msg: unknown; type?: string; id?: string }][];
    getCalls(): { args: [{ level: number; msg: unknown }] }[];
  }

  interface Helper {
    init(runtimePath?: string, userSettings?: object): void;
    settings(userSettings?: object): object;
    load(nodes: NodeModule | NodeModule[], flow: FlowNode[], credentials?: Record<string, object>): Promise<void>;
    setFlows(flow: FlowNode[], type?: "full" | "flows" | "nodes", credentials?: Record<string, object>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): Node & { receive(msg: object): void };
    clearFlows(): Promise<void>;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    url(): string;
    request(): import("supertest").Agent;
    log(): LogSpy;
    _server: Server;
    /** The runtime's flows API (internal, but the only view of the deployed configuration). */
    _redNodes: { getFlows(): { flows: FlowNode[] } };
    credentials: { export(): Promise<unknown>; get(id: string): unknown };
    /** Node's prototype, whose methods (status, error, send...) the helper spies on with sinon while a flow is loaded. */
    _NodePrototype: Record<"status" | "error" | "send", { getCalls(): { thisValue: unknown; args: unknown[] }[] }>;
  }

  const helper: Helper;
  export = helper;
}
