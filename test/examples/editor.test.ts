// Each example imported into the real editor in headless Chromium, exactly as the file is (as
// Import > Examples does): no unknown node type, no invalid node, no warning; then a picture of the
// flow. The README's picture (docs/images/<example>.png) is taken again when the example file changed
// since the last one (docs/images/examples.json keeps each file's digest) or when
// UPDATE_EXAMPLE_IMAGES=1; every run leaves its pictures in test-artifacts/examples/.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { exampleNames, readExample } from "../../scripts/demo-flows";
import { exampleRuntime } from "./harness";

const root = resolve(__dirname, "..", "..", "..");
const IMAGES = join(root, "docs", "images");
const DIGESTS = join(IMAGES, "examples.json");
const ARTIFACTS = join(root, "test-artifacts", "examples");
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

interface ImportReport {
  unknown: string[];
  invalid: string[];
  notifications: string[];
  box: Box | null;
  /** The canvas, which the picture stays inside. */
  chart: Box;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

type EditorWindow = Window & {
  RED: {
    view: { importNodes(flow: unknown, options: object): void; redraw(full: boolean): void };
    nodes: {
      eachNode(visit: (node: EditorNode) => void): void;
      eachConfig(visit: (node: EditorNode) => void): void;
    };
    workspaces: { show(id: string): void };
    menu: { setSelected(id: string, state: boolean): void };
  };
};

interface EditorNode {
  id: string;
  type: string;
  name?: string;
  z?: string;
  valid?: boolean;
  changed?: boolean;
  validationErrors?: string[];
}

/** The flow's extent with a margin, kept inside the canvas (no tab bar, no scroll bars). */
function pictureArea(box: Box, chart: Box, margin = 16): Box {
  const x = Math.max(chart.x, box.x - margin);
  const y = Math.max(chart.y, box.y - margin);
  const right = Math.min(chart.x + chart.width - 16, box.x + box.width + margin);
  const bottom = Math.min(chart.y + chart.height - 16, box.y + box.height + margin);
  return { x, y, width: right - x, height: bottom - y };
}

describe("examples in the editor", function () {
  this.timeout(180_000);
  let browser: Browser;
  let page: Page;
  let digests: Record<string, string> = {};
  let digestsChanged = false;

  before(async () => {
    const runtime = await exampleRuntime();
    // An empty workspace, so that each example is imported as a user's first flow would be.
    await runtime.loadFlow([]);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1800, height: 900 } });
    await page.goto(runtime.nodeRed.url);
    await page.waitForSelector(".red-ui-palette-node", { timeout: 60_000 });
    // The canvas alone: no palette, no sidebar.
    await page.evaluate(() => {
      const { RED } = window as unknown as EditorWindow;
      RED.menu.setSelected("menu-item-sidebar", false);
      RED.menu.setSelected("menu-item-palette", false);
    });
    mkdirSync(IMAGES, { recursive: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    digests = existsSync(DIGESTS) ? (JSON.parse(readFileSync(DIGESTS, "utf8")) as Record<string, string>) : {};
  });

  after(async () => {
    await browser?.close();
    if (digestsChanged) writeFileSync(DIGESTS, `${JSON.stringify(digests, null, 2)}\n`);
  });

  /** Keeps the run's picture, and makes it the README's when the example changed since the last one. */
  function keepPicture(name: string, taken: string): void {
    const digest = createHash("sha256").update(readFileSync(join(root, "examples", `${name}.json`))).digest("hex");
    const image = join(IMAGES, `${name}.png`);
    if (process.env.UPDATE_EXAMPLE_IMAGES === "1" || digests[name] !== digest || !existsSync(image)) {
      copyFileSync(taken, image);
      digests[name] = digest;
      digestsChanged = true;
    }
  }

  for (const name of exampleNames()) {
    it(`imports ${name}.json without unknown types, invalid nodes or warnings`, async () => {
      const flow = readExample(name);
      const tab = flow.find((node) => node.type === "tab");
      assert.ok(tab, `${name} has no tab`);
      const report = await page.evaluate(
        async ({ flow, tabId }): Promise<ImportReport> => {
          const { RED } = window as unknown as EditorWindow;
          const ids = new Set(flow.map((node) => node.id));
          RED.view.importNodes(flow, { addFlow: false, touchImport: false, generateIds: false, notify: true });
          RED.workspaces.show(tabId);
          await new Promise((done) => setTimeout(done, 300));
          const unknown: string[] = [];
          const invalid: string[] = [];
          const check = (node: EditorNode) => {
            if (!ids.has(node.id)) return;
            const label = `${node.type} "${node.name ?? node.id}"`;
            if (node.type === "unknown") unknown.push(label);
            if (node.valid === false) invalid.push(`${label}: ${(node.validationErrors ?? []).join(", ")}`);
          };
          RED.nodes.eachNode(check);
          RED.nodes.eachConfig(check);
          const notifications = Array.from(document.querySelectorAll(".red-ui-notification"))
            .filter((element) => /warning|error/.test(element.className))
            .map((element) => element.textContent ?? "");
          // The picture shows the flow as it looks once deployed: no "changed" marks, no notifications.
          RED.nodes.eachNode((node) => {
            if (ids.has(node.id)) node.changed = false;
          });
          RED.view.redraw(true);
          for (const element of Array.from(document.querySelectorAll(".red-ui-notification"))) element.remove();
          await new Promise((done) => setTimeout(done, 200));
          const boxes = Array.from(document.querySelectorAll("#red-ui-workspace-chart g.red-ui-flow-node")).map((element) => element.getBoundingClientRect());
          const box = boxes.length
            ? boxes.reduce(
                (all, next) => {
                  const right = Math.max(all.x + all.width, next.x + next.width);
                  const bottom = Math.max(all.y + all.height, next.y + next.height);
                  const x = Math.min(all.x, next.x);
                  const y = Math.min(all.y, next.y);
                  return { x, y, width: right - x, height: bottom - y };
                },
                { x: boxes[0].x, y: boxes[0].y, width: boxes[0].width, height: boxes[0].height },
              )
            : null;
          const canvas = document.querySelector("#red-ui-workspace-chart")?.getBoundingClientRect();
          const chart = { x: canvas?.x ?? 0, y: canvas?.y ?? 0, width: canvas?.width ?? 0, height: canvas?.height ?? 0 };
          return { unknown, invalid, notifications, box, chart };
        },
        { flow, tabId: tab.id },
      );
      assert.deepEqual(report.unknown, []);
      assert.deepEqual(report.invalid, []);
      assert.deepEqual(report.notifications, []);
      assert.ok(report.box, "no node was drawn");
      const taken = join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: taken, clip: pictureArea(report.box, report.chart) });
      keepPicture(name, taken);
    });
  }
});
