// @ts-check
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".node-red/", ".ci/", "test-artifacts/", "**/*.html"] },
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
