// Which runtime owns a wait. The same installation keeps its id across restarts (so after a crash it
// fires its own waits as soon as it is back); two instances differ by host or user directory, or by
// the id given in settings.js when they run in containers with the same host name and path.
import { createHash } from "node:crypto";
import { hostname } from "node:os";

/** A key-safe id: from `configured` when given, else from the host name and the user directory. */
export function instanceId(configured: string | undefined, userDir: string | undefined): string {
  const source = configured?.trim() ? `id\n${configured.trim()}` : `host\n${hostname()}\n${userDir ?? process.cwd()}`;
  return createHash("sha256").update(source).digest("hex").slice(0, 16);
}
