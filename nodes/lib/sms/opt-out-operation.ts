// acs-sms's opt-out operations: check, add or remove recipients on the sender's opt-out list kept by
// ACS, with the results mapped onto the msg.
import type { NodeMessage } from "node-red";
import { serviceError } from "../core/errors";
import { withoutUndefined } from "../core/values";
import type { AcsClients } from "../connection/clients";
import type { OptOutAction } from "../connection/opt-out-client";
import { callOptOuts } from "./opt-outs";
import { parseRecipients, parseRegion, parseSender } from "./phone-numbers";

export type SmsOperation = "send" | "optOutCheck" | "optOutAdd" | "optOutRemove";

const ACTIONS: Record<Exclude<SmsOperation, "send">, OptOutAction> = { optOutCheck: "check", optOutAdd: "add", optOutRemove: "remove" };

export function optOutActionOf(operation: string | undefined): OptOutAction | undefined {
  return operation && Object.hasOwn(ACTIONS, operation) ? ACTIONS[operation as keyof typeof ACTIONS] : undefined;
}

export interface OptOutInput {
  from?: string;
  to: unknown;
  defaultRegion?: string;
}

/**
 * Runs one opt-out operation for every recipient and sets msg.acs: `results` per recipient
 * (`to`, `isOptedOut`, `httpStatusCode`, `error`), `optedOut` the numbers on the list afterwards, and
 * `status` "failed" when the service refused a number (absent otherwise: nothing was sent).
 */
export async function runOptOutOperation(clients: AcsClients, operation: SmsOperation, action: OptOutAction, input: OptOutInput, msg: NodeMessage, signal?: AbortSignal): Promise<NodeMessage> {
  const region = parseRegion(input.defaultRegion);
  const from = parseSender(input.from, region);
  const to = await parseRecipients(input.to, region);
  let results;
  try {
    results = await callOptOuts(clients.optOuts(), action, from.value, to, signal);
  } catch (err) {
    throw serviceError(err, `${action} SMS opt-outs`);
  }
  const failed = results.filter((result) => result.httpStatusCode < 200 || result.httpStatusCode >= 300).length;
  (msg as NodeMessage & { acs?: unknown }).acs = {
    channel: "sms",
    operation,
    ...(failed > 0 ? { status: "failed" } : {}),
    from: from.value,
    to,
    optedOut: results.filter((result) => result.isOptedOut === true).map((result) => result.to),
    failed,
    results: results.map((result) => withoutUndefined({ to: result.to, isOptedOut: result.isOptedOut, httpStatusCode: result.httpStatusCode, error: result.errorMessage })),
  };
  return msg;
}
