// Copies what tsc does not emit (editor html, locales, icons) next to the built node files,
// where Node-RED's registry looks for them, and the sandbox UI's static files next to its server.
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
// The sandbox UI's page, script and styles, served from beside the built emulator/ui/server.js.
cpSync(join(root, "emulator", "ui", "static"), join(root, "dist", "emulator", "ui", "static"), { recursive: true });
