// The SMS Opt-Out API (`/sms/optouts:check|:add|:remove`, stable since api-version 2026-01-23), which
// the stable SMS SDK does not cover: ACS keeps, per sender number, the recipients who opted out (a
// STOP to a toll-free number puts them there, START takes them off) and refuses to deliver to them.
// Requests go through the SDKs' own pipeline and signing (connection/rest-client.ts).
import type { PipelineOptions } from "@azure/core-rest-pipeline";
import { AcsRestClient, valueList } from "../connection/rest-client";
import type { ConnectionSettings } from "../connection/settings";
import { inBatches } from "./send";

export const OPT_OUT_API_VERSION = "2026-01-23";

export type OptOutAction = "check" | "add" | "remove";

/** One recipient's answer. */
export interface OptOutResult {
  to: string;
  httpStatusCode: number;
  /** Whether the recipient is on the sender's opt-out list after the call; absent when the item failed. */
  isOptedOut?: boolean;
  errorMessage?: string;
}

export class OptOutClient {
  private readonly rest: AcsRestClient;

  constructor(settings: ConnectionSettings, options: PipelineOptions) {
    this.rest = new AcsRestClient(settings, options);
  }

  /** Checks, adds or removes `to` (any number of E.164 numbers, 100 a request) on the opt-out list of `from`; results in input order. */
  async call(action: OptOutAction, from: string, to: readonly string[], abortSignal?: AbortSignal): Promise<OptOutResult[]> {
    const results: OptOutResult[] = [];
    for (const batch of inBatches(to)) {
      const answer = await this.rest.postJson(`sms/optouts:${action}`, OPT_OUT_API_VERSION, { from, recipients: batch.map((number) => ({ to: number })) }, abortSignal);
      const items = new Map<string, OptOutResult>();
      for (const item of valueList(answer.body, answer.response, "opt-out")) {
        if (isResult(item)) items.set(item.to, item);
      }
      for (const number of batch) results.push(items.get(number) ?? { to: number, httpStatusCode: 0, errorMessage: "the service returned no result for this recipient" });
    }
    return results;
  }
}

function isResult(item: unknown): item is OptOutResult {
  return typeof item === "object" && item !== null && typeof (item as OptOutResult).to === "string" && typeof (item as OptOutResult).httpStatusCode === "number";
}

/** The recipients on the sender's opt-out list (checked before a send); a recipient whose check failed is not on it. */
export async function optedOutAmong(client: OptOutClient, from: string, to: readonly string[], abortSignal?: AbortSignal): Promise<Set<string>> {
  const results = await client.call("check", from, to, abortSignal);
  return new Set(results.filter((result) => result.isOptedOut === true).map((result) => result.to));
}
