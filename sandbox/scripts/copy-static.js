// The sandbox UI's page, script and styles next to the compiled emulator/ui/server.js, and the
// repository's licence into the package.
"use strict";
const { cpSync } = require("node:fs");
const { join } = require("node:path");

const here = join(__dirname, "..");
cpSync(join(here, "..", "emulator", "ui", "static"), join(here, "dist", "emulator", "ui", "static"), { recursive: true });
cpSync(join(here, "..", "LICENSE"), join(here, "LICENSE"));
