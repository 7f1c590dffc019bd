// Plays the customer against the sandbox that `npm start` runs, for the examples:
//   node dist/scripts/demo-customer.js read            the customer reads the latest chat message
//   node dist/scripts/demo-customer.js text "STOP"     the customer's phone texts our number
// `read` goes through the Chat SDK as the customer (a token issued for them, a read receipt sent),
// as their chat app would; `text` uses the sandbox's control API, which plays the phone network.
// Environment: SANDBOX_PORT (default 5443), SANDBOX_STATE_DIR (default .sandbox).
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join, resolve } from "node:path";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential, isCommunicationUserIdentifier } from "@azure/communication-common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SANDBOX_ACCESS_KEY } from "../emulator";
import { CUSTOMER_PHONE, OUR_NUMBER } from "./demo-guide";

interface Sandbox {
  endpoint: string;
  ca: string;
}

interface ChatMessageRecord {
  threadId: string;
  messageId: string;
  senderId: string;
  content: string;
  sentAt: number;
}

function sandboxFromEnv(): Sandbox {
  const port = process.env.SANDBOX_PORT || "5443";
  const stateDir = resolve(process.env.SANDBOX_STATE_DIR || ".sandbox");
  return { endpoint: `https://127.0.0.1:${port}/`, ca: readFileSync(join(stateDir, "ca.pem"), "utf8") };
}

/** A JSON request to the sandbox's control API. */
export function control(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = new URL(`_sandbox/${path}`, sandbox.endpoint);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const req = request(url, { method, ca: sandbox.ca, headers: text ? { "content-type": "application/json" } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const answer = Buffer.concat(chunks).toString("utf8");
        const parsed: unknown = answer ? JSON.parse(answer) : undefined;
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`${method} ${url.pathname}: ${res.statusCode} ${answer}`));
        else resolvePromise(parsed);
      });
    });
    req.on("error", reject);
    req.end(text);
  });
}

async function chatAs(sandbox: Sandbox, identity: CommunicationIdentityClient, userId: string): Promise<ChatClient> {
  const { token } = await identity.getToken({ communicationUserId: userId }, ["chat"]);
  return new ChatClient(sandbox.endpoint, new AzureCommunicationTokenCredential(token), { tlsOptions: { ca: sandbox.ca } });
}

/** The customer, i.e. every participant of the latest message's thread but its sender, reads it. */
async function readLatest(sandbox: Sandbox): Promise<void> {
  const { value } = (await control(sandbox, "GET", "chat/messages")) as { value: ChatMessageRecord[] };
  const latest = [...value].sort((a, b) => a.sentAt - b.sentAt).pop();
  if (!latest) throw new Error("no chat message was sent yet: click \"notify the customer\" first");
  const identity = new CommunicationIdentityClient(`endpoint=${sandbox.endpoint};accesskey=${SANDBOX_ACCESS_KEY}`, { tlsOptions: { ca: sandbox.ca } });
  const asSender = (await chatAs(sandbox, identity, latest.senderId)).getChatThreadClient(latest.threadId);
  const readers: string[] = [];
  for await (const participant of asSender.listParticipants()) {
    const id = participant.id;
    if (isCommunicationUserIdentifier(id) && id.communicationUserId !== latest.senderId) readers.push(id.communicationUserId);
  }
  if (readers.length === 0) throw new Error(`thread ${latest.threadId} has no participant besides the sender`);
  for (const reader of readers) {
    await (await chatAs(sandbox, identity, reader)).getChatThreadClient(latest.threadId).sendReadReceipt({ chatMessageId: latest.messageId });
    console.log(`${reader} read "${latest.content}"`);
  }
}

async function text(sandbox: Sandbox, message: string): Promise<void> {
  await control(sandbox, "POST", "sms/inbound", { from: CUSTOMER_PHONE, to: OUR_NUMBER, message });
  console.log(`${CUSTOMER_PHONE} texted ${OUR_NUMBER}: "${message}"`);
}

async function main(args: string[]): Promise<void> {
  const sandbox = sandboxFromEnv();
  const [command, ...rest] = args;
  if (command === "read") return readLatest(sandbox);
  if (command === "text" && rest.length > 0) return text(sandbox, rest.join(" "));
  console.error('usage: node dist/scripts/demo-customer.js read | text "message"');
  process.exitCode = 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
