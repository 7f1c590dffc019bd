// The sender's opt-out list kept by ACS, for any number of recipients: one Opt-Out API request per
// 100 (connection/opt-out-client.ts), results in input order.
import type { OptOutAction, OptOutClient, OptOutResult } from "../connection/opt-out-client";
import { inBatches } from "./send";

export async function callOptOuts(client: OptOutClient, action: OptOutAction, from: string, to: readonly string[], abortSignal?: AbortSignal): Promise<OptOutResult[]> {
  const results: OptOutResult[] = [];
  for (const batch of inBatches(to)) results.push(...(await client.call(action, from, batch, abortSignal)));
  return results;
}

/** The recipients on the sender's opt-out list (checked before a send); a recipient whose check failed is not on it. */
export async function optedOutAmong(client: OptOutClient, from: string, to: readonly string[], abortSignal?: AbortSignal): Promise<Set<string>> {
  const results = await callOptOuts(client, "check", from, to, abortSignal);
  return new Set(results.filter((result) => result.isOptedOut === true).map((result) => result.to));
}
