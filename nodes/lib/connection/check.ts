// The "Test connection" check of the acs-config dialog: creates and deletes one identity (the cheapest
// call that proves both reachability and accepted credentials) and tells the failure kinds apart.
import { AcsClients } from "./clients";
import { resolveConnectionSettings, type AcsConfigCredentials, type AcsConfigProperties } from "./settings";
import { AcsError } from "../core/errors";

export type CheckOutcome = "ok" | "invalidSettings" | "unknownHost" | "unreachable" | "tlsFailure" | "credentialsRefused" | "serviceError";

export interface CheckResult {
  outcome: CheckOutcome;
  /** i18n key of the sentence for the user, under acs-config.test. */
  key: string;
  params: Record<string, string | number>;
}

export async function checkConnection(props: AcsConfigProperties, credentials: AcsConfigCredentials, timeoutMs = 15000): Promise<CheckResult> {
  let clients: AcsClients;
  try {
    // One try only: the user is waiting for an answer, not for the SDK's back-off.
    clients = new AcsClients(resolveConnectionSettings(props, credentials), { retryOptions: { maxRetries: 0 } });
  } catch (err) {
    return result("invalidSettings", { reason: err instanceof AcsError ? err.message : String(err) });
  }
  const host = new URL(clients.endpoint).host;
  const abortSignal = AbortSignal.timeout(timeoutMs);
  try {
    const identity = clients.identity();
    const user = await identity.createUser({ abortSignal });
    await identity.deleteUser(user, { abortSignal });
    return result("ok", { host });
  } catch (err) {
    return classify(err, host);
  } finally {
    clients.release();
  }
}

function classify(err: unknown, host: string): CheckResult {
  const shape = err as { statusCode?: number; code?: string; message?: string; cause?: { code?: string } };
  const code = shape.code ?? shape.cause?.code ?? "";
  if (shape.statusCode === 401 || shape.statusCode === 403) return result("credentialsRefused", { host, status: shape.statusCode });
  if (typeof shape.statusCode === "number") return result("serviceError", { host, status: shape.statusCode });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return result("unknownHost", { host });
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME_MISMATCH/i.test(code) || /certificate/i.test(shape.message ?? "")) {
    return result("tlsFailure", { host, reason: code || "certificate not trusted" });
  }
  return result("unreachable", { host, reason: code || shape.message || "no answer" });
}

function result(outcome: CheckOutcome, params: Record<string, string | number>): CheckResult {
  return { outcome, key: `acs-config.test.${outcome}`, params };
}
