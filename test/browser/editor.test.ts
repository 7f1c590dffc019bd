// The real editor in headless Chromium (Debian's chromium, driven by playwright-core): the palette
// shows the package's category and nodes, and the acs-config dialog offers every auth mode.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { startEmbeddedNodeRed, type EmbeddedNodeRed } from "../../scripts/embedded-node-red";
import { ARTIFACTS, CHROMIUM_ARGS, CHROMIUM_PATH } from "../helpers/chromium";

const root = resolve(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
const paletteTypes = Object.keys(manifest["node-red"].nodes).filter((type) => type !== "acs-config");

describe("editor in Chromium", function () {
  this.timeout(120_000);
  let userDir: string;
  let nodeRed: EmbeddedNodeRed;
  let browser: Browser;
  let page: Page;

  before(async () => {
    userDir = mkdtempSync(join(tmpdir(), "acs-editor-"));
    nodeRed = await startEmbeddedNodeRed({ userDir, logLevel: "warn" });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(nodeRed.url);
    await page.waitForSelector(".red-ui-palette-node", { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await nodeRed?.close();
    rmSync(userDir, { recursive: true, force: true });
  });

  it("shows an Azure Communication palette category holding every node of the package", async () => {
    const categories = await page.locator(".red-ui-palette-header").allInnerTexts();
    assert.ok(categories.some((text) => text.trim().toLowerCase() === "azure communication"), `categories: ${categories.join(", ")}`);
    for (const type of paletteTypes) {
      const node = page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`);
      assert.equal(await node.count(), 1, `${type} is not in the palette`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "palette.png") });
  });

  it("offers every authentication mode in the acs-config dialog", async () => {
    await page.evaluate(() => {
      (window as unknown as { RED: { editor: { editConfig(name: string, type: string, id: string): void } } }).RED.editor.editConfig("", "acs-config", "_ADD_");
    });
    const select = page.locator("#node-config-input-authMode");
    await select.waitFor({ timeout: 20_000 });
    const modes = await select.locator("option").evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    assert.deepEqual(modes, ["connectionString", "accessKey", "entraId", "sandbox"]);
    await select.selectOption("sandbox");
    assert.ok(await page.locator("#node-config-input-endpoint").isVisible(), "the sandbox mode shows the endpoint field");
    assert.ok(!(await page.locator("#node-config-input-connectionString").isVisible()), "the sandbox mode hides the connection string");
    await page.screenshot({ path: join(ARTIFACTS, "acs-config-dialog.png") });
  });
});
