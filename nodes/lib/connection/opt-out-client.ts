// The client of the SMS Opt-Out API (`/sms/optouts:check|:add|:remove`, stable since api-version
// 2026-01-23), which the stable SMS SDK does not cover (only its 1.2 beta has an OptOutsClient),
// through the Azure SDKs' own pipeline and signing (rest-client.ts). ACS keeps, per sender number, the
// recipients who opted out; a STOP to a toll-free number puts them there, START takes them off.
import type { PipelineOptions } from "@azure/core-rest-pipeline";
import { AcsRestClient, valueList } from "./rest-client";
import type { ConnectionSettings } from "./settings";

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

  /** One request (1 to 100 recipients); results in the request's order. */
  async call(action: OptOutAction, from: string, to: readonly string[], abortSignal?: AbortSignal): Promise<OptOutResult[]> {
    const answer = await this.rest.postJson(`sms/optouts:${action}`, OPT_OUT_API_VERSION, { from, recipients: to.map((number) => ({ to: number })) }, abortSignal);
    const items = new Map<string, OptOutResult>();
    for (const item of valueList(answer.body, answer.response, "opt-out")) {
      if (isResult(item)) items.set(item.to, item);
    }
    return to.map((number) => items.get(number) ?? { to: number, httpStatusCode: 0, errorMessage: "the service returned no result for this recipient" });
  }
}

function isResult(item: unknown): item is OptOutResult {
  return typeof item === "object" && item !== null && typeof (item as OptOutResult).to === "string" && typeof (item as OptOutResult).httpStatusCode === "number";
}
