// Shared setup of the sandbox contract suites: a sandbox per suite and the real Azure SDK clients
// pointed at it (trusting its CA), plus a signed raw request for the APIs no SDK covers.

import { request as httpsRequest } from "node:https";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { EmailClient } from "@azure/communication-email";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SmsClient } from "@azure/communication-sms";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { signRequest } from "../../emulator/auth/hmac";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../emulator";
import { suiteSandbox } from "../helpers/sandbox";

export type { Sandbox };

/** Fast retries so that a retried request costs milliseconds, not the SDK's default second. */
export const fastRetries = { retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 100 } };

export function startServiceSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ timeScale: 100, ...options });
}

/** The set-up of a contract suite: one service sandbox (`options` as startServiceSandbox) handed to `use`, closed after the suite. */
export function serviceSandboxPerSuite(use: (sandbox: Sandbox) => unknown, options: SandboxOptions = {}): void {
  suiteSandbox(use, () => startServiceSandbox(options));
}

interface ClientExtras {
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  policies?: PipelinePolicy[];
}

function clientOptions(sandbox: Sandbox, extras: ClientExtras = {}): Record<string, unknown> {
  return {
    tlsOptions: { ca: sandbox.ca },
    retryOptions: extras.retryOptions ?? fastRetries.retryOptions,
    additionalPolicies: (extras.policies ?? []).map((policy) => ({ policy, position: "perRetry" }))
  };
}

export function smsClient(sandbox: Sandbox, extras?: ClientExtras, connectionString = sandbox.connectionString): SmsClient {
  return new SmsClient(connectionString, clientOptions(sandbox, extras));
}

export function emailClient(sandbox: Sandbox, extras?: ClientExtras, connectionString = sandbox.connectionString): EmailClient {
  return new EmailClient(connectionString, clientOptions(sandbox, extras));
}

export function identityClient(
  sandbox: Sandbox,
  extras?: ClientExtras,
  connectionString = sandbox.connectionString
): CommunicationIdentityClient {
  return new CommunicationIdentityClient(connectionString, clientOptions(sandbox, extras));
}

export function chatClient(sandbox: Sandbox, token: string, extras?: ClientExtras): ChatClient {
  return new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(token), clientOptions(sandbox, extras));
}

/** A chat user made through the Identity SDK: its id and a chat token. */
export async function chatUser(sandbox: Sandbox): Promise<{ id: string; token: string }> {
  const { user, token } = await identityClient(sandbox).createUserAndToken(["chat"]);
  return { id: user.communicationUserId, token };
}

/** A connection string with a different (wrong) key for the same endpoint. */
export function wrongKeyConnectionString(sandbox: Sandbox): string {
  return `endpoint=${sandbox.endpoint};accesskey=${Buffer.from("not the sandbox key").toString("base64")}`;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** An HMAC-signed request (for MMS and the opt-out API, which the SDKs do not cover). */
export function signedRequest(
  sandbox: Sandbox,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  options: { accessKey?: string; date?: Date } = {}
): Promise<RawResponse> {
  const url = new URL(pathAndQuery, sandbox.endpoint);
  const text = body === undefined ? "" : JSON.stringify(body);
  const headers = signRequest({ accessKey: options.accessKey ?? sandbox.accessKey, method, url, body: text, date: options.date });
  return rawRequest(sandbox, method, url, text, { ...headers, "content-type": "application/json" });
}

export function rawRequest(
  sandbox: Sandbox,
  method: string,
  url: URL,
  body: string,
  headers: Record<string, string>
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers: { ...headers, "content-length": Buffer.byteLength(body) }, ca: sandbox.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The RestError an SDK call rejected with (fails the test when it resolved). */
export async function restError(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string; response?: { bodyAsText?: string | null; headers: { get(name: string): string | undefined } } }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; code?: string; message: string };
  }
  throw new Error("expected the call to fail, but it succeeded");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
