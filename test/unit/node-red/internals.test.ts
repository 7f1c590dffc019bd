// Each private Node-RED or Express part that nodes/lib/node-red/internals.ts relies on, checked
// against the runtime under test (NODE_RED_PATH picks Node-RED 5): if an upgrade drops one, the test
// named after it fails here.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { AcsError } from "../../../nodes/lib/core/errors";
import { handleInput } from "../../../nodes/lib/node-red/input-handler";
import {
  bodyAlreadyRead,
  expectedDoneCount,
  hasRouteFor,
  markBodyRead,
  messageHooks,
  moveToFront,
  NodeFailure,
  removeLayers,
  rootApp,
  routerStack,
  type ExpressApp,
} from "../../../nodes/lib/node-red/internals";
import { capturingRed, helper, type NodeModule } from "../../helpers/node-red";
import { runtimeRequire } from "../../helpers/runtime";

type Handler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
interface App extends ExpressApp, Handler {
  use(...args: unknown[]): App;
  post(path: string, handler: Handler): App;
  get(path: string, handler: Handler): App;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** Serves `app`, answering 404 for what it passes on. */
function serve(app: Handler): Promise<{ server: Server; url: string }> {
  return listen((req, res) => app(req, res, () => res.writeHead(404).end()));
}

/** Reads the body here, as the webhook's front middleware does, and marks the request read. */
function readingFront(req: IncomingMessage, then: () => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    (req as { body?: unknown }).body = `front:${Buffer.concat(chunks).toString("utf8")}`;
    markBodyRead(req);
    then();
  });
}

describe("Node-RED and Express internals the package relies on", () => {
  afterEach(async () => {
    await helper.unload();
  });

  describe("Node-RED runtime", () => {
    it("RED.hooks: the runtime's API object offers the message hooks (add, remove)", () => {
      const RED = runtimeRequire<NodeAPI>("node-red");
      const hooks = messageHooks(RED);
      assert.ok(hooks, "RED.hooks is missing or lacks add/remove");
      assert.equal(hooks, runtimeRequire<{ hooks: unknown }>("@node-red/util").hooks, "the hooks the runtime's nodes trigger");
    });

    it("_expectedDoneCount: a node counts its input handlers that take done (0 for handlers written before 1.0)", async () => {
      const received = new Map<string, number | undefined>();
      const hooks = runtimeRequire<{ hooks: { add(id: string, fn: (event: { destination: { id: string; node: unknown } }) => void): void; remove(id: string): void } }>(
        "@node-red/util",
      ).hooks;
      const nodes: NodeModule = (RED) => {
        RED.nodes.registerType("takes-done", function (this: Node, def) {
          RED.nodes.createNode(this, def);
          this.on("input", (_msg: NodeMessage, _send: unknown, done: () => void) => done());
        });
        RED.nodes.registerType("legacy", function (this: Node, def) {
          RED.nodes.createNode(this, def);
          this.on("input", () => undefined);
        });
      };
      hooks.add("postReceive.internalsTest", (event) => received.set(event.destination.id, expectedDoneCount(event.destination.node)));
      try {
        await helper.load(nodes, [
          { id: "from", type: "helper", wires: [["withDone", "noDone"]] },
          { id: "withDone", type: "takes-done", wires: [] },
          { id: "noDone", type: "legacy", wires: [] },
        ]);
        helper.getNode("from").send({ payload: 1 });
        while (received.size < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      } finally {
        hooks.remove("postReceive.internalsTest");
      }
      assert.deepEqual(Object.fromEntries(received), { withDone: 1, noDone: 0 }, "postReceive's destination.node carries _expectedDoneCount");
    });
  });

  describe("a failure given to done(err)", () => {
    const refused = () => new AcsError("acs-config.errors.service", { operation: "send SMS", status: 401, reason: "Denied" }, { statusCode: 401, code: "Unauthorized" });
    type Encode = (record: { msg: unknown }, options?: object) => { msg: unknown; format?: string };
    type Caught = NodeMessage & { error: { message: string; code?: string; cause?: unknown } };

    /** A node whose every msg fails with `refused()`, through the package's input handler. */
    const failingNode: NodeModule = (RED) => {
      RED.nodes.registerType("failing", function (this: Node, def) {
        RED.nodes.createNode(this, def);
        handleInput(RED, this, "send SMS", async () => {
          throw refused();
        });
      });
    };

    it("util.encodeObject: the debug sidebar shows a NodeFailure as one line of text, not as an error object", () => {
      const encode = runtimeRequire<{ util: { encodeObject: Encode } }>("@node-red/util").util.encodeObject;
      const text = refused().message;
      const encoded = encode({ msg: new NodeFailure(refused()) });
      assert.equal(encoded.msg, text);
      assert.equal(encode({ msg: refused() }).format, "error", "what an Error would have shown instead");
    });

    it("Flow.handleError: a Catch node gets the text as msg.error.message, the service's code, and key and params in msg.error.cause", async () => {
      const catchNode = runtimeRequire<NodeModule>("@node-red/nodes/core/common/25-catch.js");
      await helper.load([failingNode, catchNode], [
        // x/y/z make them flow nodes, not config nodes.
        { id: "flow", type: "tab" },
        { id: "fails", type: "failing", z: "flow", x: 0, y: 0, wires: [] },
        { id: "catch", type: "catch", z: "flow", x: 0, y: 0, scope: ["fails"], uncaught: false, wires: [["caught"]] },
        { id: "caught", type: "helper", z: "flow", x: 0, y: 0 },
      ]);
      const caught = new Promise<Caught>((resolve) => helper.getNode("caught").on("input", (msg: NodeMessage) => resolve(msg as Caught)));
      helper.getNode("fails").receive({ payload: "Hi" });
      const { error } = await caught;
      assert.equal(error.message, refused().message);
      assert.equal(error.code, "Unauthorized");
      assert.deepEqual(error.cause, { key: "acs-config.errors.service", params: { operation: "send SMS", status: 401, reason: "Denied" }, code: "Unauthorized", statusCode: 401 });
    });

    it("Node.error: uncaught, the log entry the debug sidebar shows reads as the text", async () => {
      await helper.load(failingNode, [{ id: "fails", type: "failing", wires: [] }]);
      helper.getNode("fails").receive({ payload: "Hi" });
      const logged = () => helper.log().args.find(([entry]) => entry.level === 20 && entry.id === "fails")?.[0];
      while (!logged()) await new Promise((resolve) => setTimeout(resolve, 10));
      const encode = runtimeRequire<{ util: { encodeObject: Encode } }>("@node-red/util").util.encodeObject;
      assert.equal(encode({ msg: logged()?.msg }).msg, refused().message);
      assert.equal(String(logged()?.msg), refused().message, "the console log prints the text");
    });
  });

  describe("Express (the runtime's copy)", () => {
    let express: () => App;
    before(() => {
      express = runtimeRequire<() => App>("express");
    });

    it("router stack: an app's middleware and routes are layers with handle, route.path and route.methods", () => {
      const app = express();
      const middleware: Handler = (_req, _res, next) => next();
      const route: Handler = (_req, res) => res.end();
      app.use(middleware);
      app.post("/acs/events", route);
      const stack = routerStack(app);
      assert.ok(stack, "neither app._router.stack (Express 4) nor app.router.stack (Express 5) is there");
      assert.ok(
        stack.some((layer) => layer.handle === middleware),
        "a middleware layer's handle",
      );
      assert.ok(
        stack.some((layer) => layer.route?.path === "/acs/events" && layer.route.methods?.post === true),
        "a route layer's path and methods",
      );
    });

    it("router stack: moving a layer to the front and removing layers change what requests meet", async () => {
      const app = express();
      const first: Handler = (_req, res) => res.end("first");
      const second: Handler = (_req, res) => res.end("second");
      app.use(first);
      app.use(second);
      assert.equal(moveToFront(app, second), true);
      const { server, url } = await serve(app);
      try {
        assert.equal(await (await fetch(url)).text(), "second");
        removeLayers(app, (layer) => layer.handle === second || layer.handle === first);
        assert.equal((await fetch(url)).status, 404, "both layers gone");
      } finally {
        await close(server);
      }
    });

    it("layer.match: an app tells whether one of its own routes matches a path (middleware does not count)", () => {
      const app = express();
      app.use(((_req, _res, next) => next()) as Handler);
      app.post("/auth/token", (_req, res) => res.end());
      app.get("/inject/:id", (_req, res) => res.end());
      assert.equal(hasRouteFor(app, "/auth/token"), true);
      assert.equal(hasRouteFor(app, "/inject/abc"), true, "a route with a parameter");
      assert.equal(hasRouteFor(app, "/acs/events"), false, "middleware matches every path but is no route");
    });

    it("app.parent: a mounted app knows the app it is mounted in", () => {
      const root = express();
      const middle = express();
      const httpNode = express();
      root.use("/a", middle);
      middle.use("/b", httpNode);
      assert.equal(rootApp(httpNode), root);
    });

    it("req._body: body-parser marks a body it read, and leaves alone a body marked read before it", async () => {
      const bodyParser = runtimeRequire<{ json(): Handler }>("body-parser");
      const app = express();
      app.use((req: IncomingMessage, _res: ServerResponse, next: () => void) => (req.url === "/front" ? readingFront(req, next) : next()));
      app.use(bodyParser.json());
      app.use((req: IncomingMessage, res: ServerResponse) => res.end(JSON.stringify({ read: bodyAlreadyRead(req), body: (req as { body?: unknown }).body })));
      const { server, url } = await serve(app);
      const post = async (path: string) =>
        (await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' })).json();
      try {
        assert.deepEqual(await post("/parsed"), { read: true, body: { a: 1 } });
        assert.deepEqual(await post("/front"), { read: true, body: 'front:{"a":1}' });
      } finally {
        await close(server);
      }
    });
  });

  it("skipRawBodyParser: core http-in hands on a body marked read instead of reading the stream again", async () => {
    let httpNode: Handler | undefined;
    const httpIn = capturingRed(runtimeRequire<NodeModule>("@node-red/nodes/core/network/21-httpin.js"), (RED) => {
      httpNode = RED.httpNode as unknown as Handler;
    });
    await helper.load(httpIn, [
      { id: "in", type: "http in", url: "/raw", method: "post", wires: [["out"]] },
      { id: "out", type: "http response" },
    ]);
    const { server, url } = await listen((req, res) => readingFront(req, () => httpNode?.(req, res, () => res.writeHead(404).end())));
    try {
      const response = await fetch(`${url}/raw`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: "bytes" });
      assert.equal(await response.text(), "front:bytes");
    } finally {
      await close(server);
    }
  });
});
