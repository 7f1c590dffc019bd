#!/usr/bin/env node
// `npx @acs-flows/acs-sandbox`: the sandbox CLI (SANDBOX_PORT, SANDBOX_HOST, SANDBOX_TIME_SCALE,
// SANDBOX_STATE_DIR, SANDBOX_CUSTOM_DOMAINS as for `npm run sandbox`).
"use strict";
require("../dist/emulator/cli.js").run();
