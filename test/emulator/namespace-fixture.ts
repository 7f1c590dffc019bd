// Shared setup of the Event Grid namespace suites: the real @azure/eventgrid-namespaces clients
// pointed at a sandbox (trusting its CA) and a raw request for what the SDK hides (headers, exact
// bodies).
import { request as httpsRequest } from "node:https";
import { AzureKeyCredential, type TokenCredential } from "@azure/core-auth";
import { EventGridReceiverClient, EventGridSenderClient } from "@azure/eventgrid-namespaces";
import type { Sandbox } from "../../emulator";

export function receiverClient(sandbox: Sandbox, credential: AzureKeyCredential | TokenCredential = new AzureKeyCredential(sandbox.namespace.key)): EventGridReceiverClient {
  const { endpoint, topic, subscription } = sandbox.namespace;
  return new EventGridReceiverClient(endpoint, credential, topic, subscription, { tlsOptions: { ca: sandbox.ca }, retryOptions: { maxRetries: 0 } });
}

export function senderClient(sandbox: Sandbox, credential: AzureKeyCredential | TokenCredential = new AzureKeyCredential(sandbox.namespace.key)): EventGridSenderClient {
  const { endpoint, topic } = sandbox.namespace;
  return new EventGridSenderClient(endpoint, credential, topic, { tlsOptions: { ca: sandbox.ca }, retryOptions: { maxRetries: 0 } });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A request to the namespace data plane with exactly these headers and body. */
export function namespaceRequest(sandbox: Sandbox, pathAndQuery: string, headers: Record<string, string>, body: string | Buffer = ""): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(pathAndQuery, sandbox.endpoint), { method: "POST", ca: sandbox.ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === "" ? undefined : (JSON.parse(text) as unknown) });
      });
    });
    // A server that answers before reading a large body may close the connection under it.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    req.end(body);
  });
}

export function keyHeader(sandbox: Sandbox): Record<string, string> {
  return { authorization: `SharedAccessKey ${sandbox.namespace.key}` };
}

export function subscriptionPath(sandbox: Sandbox, action: string, query = ""): string {
  const { topic, subscription } = sandbox.namespace;
  return `/topics/${topic}/eventsubscriptions/${subscription}:${action}?api-version=2024-06-01${query}`;
}

/** Resolves once `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
