// Copies what tsc does not emit (editor html, locales, icons) next to the built node files,
// where Node-RED's registry looks for them.
import { cpSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(__dirname, "..", "..");
const source = join(root, "nodes");
const target = join(root, "dist", "nodes");

for (const file of readdirSync(source)) {
  if (file.endsWith(".html")) cpSync(join(source, file), join(target, file));
}
cpSync(join(source, "locales"), join(target, "locales"), { recursive: true });
cpSync(join(root, "icons"), join(target, "icons"), { recursive: true });
