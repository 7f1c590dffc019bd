// `${ENV_VAR}` in a credential. Node-RED substitutes environment variables in node properties but
// not in credentials, which is where a connection string or key most needs to come from the
// environment; this applies the same rule to them.
import type { Node, NodeAPI } from "node-red";

const ENV_REFERENCE = /^\$\{(\w+)\}$/;

export function resolveCredentialEnv<T extends object>(RED: NodeAPI, node: Node | undefined, credentials: T, fields: readonly (keyof T & string)[]): T {
  const resolved = { ...credentials };
  for (const field of fields) {
    const value = credentials[field];
    if (typeof value !== "string") continue;
    const match = ENV_REFERENCE.exec(value.trim());
    if (!match) continue;
    const fromEnv = node ? RED.util.getSetting(node, match[1]) : process.env[match[1]];
    (resolved as Record<string, unknown>)[field] = typeof fromEnv === "string" ? fromEnv : undefined;
  }
  return resolved;
}
