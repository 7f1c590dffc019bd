// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "sandbox/dist/", "node_modules/", ".node-red/", ".ci/", "test-artifacts/", "**/*.html"] },
  eslint.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Node-RED node modules are CommonJS (`export =`), imported with `import x = require(...)`.
      "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
      "no-console": "off"
    }
  },
  {
    // The core knows nothing of Node-RED or Express: it is usable (and testable) without a runtime.
    files: ["nodes/lib/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node-red", "@node-red/*", "express", "express/*", "../node-red/*"],
              message: "nodes/lib/core has no Node-RED or Express imports, and does not use the Node-RED glue (nodes/lib/node-red).",
            },
          ],
        },
      ],
    },
  },
  {
    // Private Node-RED and Express parts are read in one module only, where each is tested.
    files: ["nodes/**/*.ts"],
    ignores: ["nodes/lib/node-red/internals.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Identifier[name=/^(_expectedDoneCount|_router|_body|skipRawBodyParser)$/]",
          message: "Private Node-RED/Express internals are reached through nodes/lib/node-red/internals.ts.",
        },
        {
          selector: "Literal[value=/^(_expectedDoneCount|_router|_body|skipRawBodyParser)$/]",
          message: "Private Node-RED/Express internals are reached through nodes/lib/node-red/internals.ts.",
        },
      ],
    },
  },
  // The sandbox package's bin and build script: CommonJS as Node.js runs them.
  {
    files: ["sandbox/**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: Object.fromEntries(["require", "__dirname", "process", "console"].map((name) => [name, "readonly"]))
    },
    rules: { "@typescript-eslint/no-require-imports": "off" }
  },
  // The sandbox UI's one script runs in the browser as written (no bundler).
  {
    files: ["emulator/ui/static/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: Object.fromEntries(
        ["window", "document", "location", "history", "fetch", "EventSource", "DOMParser", "Node", "CSS", "console"].map((name) => [name, "readonly"])
      )
    }
  }
);
