// The namespace client of one pull source: the SDK's EventGridReceiverClient on a connection pool of
// its own, trusting the same CA as the selected connection (e.g. the sandbox's), closed on dispose so
// that no long poll or keep-alive socket outlives the node.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AzureKeyCredential, TokenCredential } from "@azure/core-auth";
import { EventGridReceiverClient } from "@azure/eventgrid-namespaces";

/** The calls the pull source makes: the SDK client, or a stand-in in unit tests. */
export type PullClient = Pick<EventGridReceiverClient, "receiveEvents" | "acknowledgeEvents" | "releaseEvents" | "rejectEvents" | "renewEventLocks">;

export interface PullClientOptions {
  endpoint: string;
  topic: string;
  subscription: string;
  credential: AzureKeyCredential | TokenCredential;
  /** PEM of CA certificates to trust besides the system's. */
  ca?: string;
}

const USER_AGENT = "node-red-azure-communication";

export function createPullClient(options: PullClientOptions): { client: PullClient; dispose(): void } {
  const insecure = options.endpoint.startsWith("http:");
  const agent = insecure ? new HttpAgent({ keepAlive: true }) : new HttpsAgent({ keepAlive: true, ...(options.ca ? { ca: options.ca } : {}) });
  const client = new EventGridReceiverClient(options.endpoint, options.credential, options.topic, options.subscription, {
    agent,
    ...(insecure ? { allowInsecureConnection: true } : {}),
    userAgentOptions: { userAgentPrefix: USER_AGENT },
    // The receive loop and the settlement batches retry with their own backoff (and status).
    retryOptions: { maxRetries: 0 },
  });
  return { client, dispose: () => agent.destroy() };
}
