// A sandbox per suite, and the acs-config node that points at it.
import { startSandbox, type Sandbox, type SandboxOptions } from "../../emulator";

export type { Sandbox };

export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ timeScale: 60, ...options });
}

/**
 * One sandbox for the enclosing suite: started before its first test and handed to `use` (which may
 * set up more on it), closed after its last test.
 */
export function suiteSandbox(use: (sandbox: Sandbox) => unknown, start: () => Promise<Sandbox> = startTestSandbox): void {
  let sandbox: Sandbox | undefined;
  before(async () => {
    sandbox = await start();
    await use(sandbox);
  });
  after(async () => {
    await sandbox?.close();
  });
}

export interface ConfigNodeFixture {
  node: Record<string, unknown>;
  credentials: Record<string, Record<string, string>>;
}

/** An acs-config node in sandbox mode trusting the sandbox's CA, plus its credentials keyed by id. */
export function sandboxConfig(sandbox: Sandbox, id = "acs", extra: Record<string, unknown> = {}): ConfigNodeFixture {
  return {
    node: { id, type: "acs-config", name: "sandbox", authMode: "sandbox", endpoint: sandbox.endpoint, ...extra },
    credentials: { [id]: { accessKey: sandbox.accessKey, caCert: sandbox.ca } },
  };
}
