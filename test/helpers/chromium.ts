// Debian's chromium, as the browser suites drive it through playwright-core (no browser download).
import { join, resolve } from "node:path";

export const ARTIFACTS = join(resolve(__dirname, "..", "..", ".."), "test-artifacts");

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
