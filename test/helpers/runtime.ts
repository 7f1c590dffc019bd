// The Node-RED runtime under test: the install NODE_RED_PATH names (the Node-RED 5 leg points it at
// a separate one) or the project's own, and the modules that runtime loads.
import { dirname } from "node:path";

export const runtimePath = require.resolve(process.env.NODE_RED_PATH || "node-red");

/** A module as the runtime under test loads it (@node-red/util, express, a core node...), not the project's copy. */
export function runtimeRequire<T>(request: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the runtime is chosen at run time
  return require(require.resolve(request, { paths: [dirname(runtimePath)] })) as T;
}
