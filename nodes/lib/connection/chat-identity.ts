// The chat service identity of one ACS resource: the ACS user that flows post to chat as. Either a
// configured user id, or one created on first use and remembered in Node-RED context (so a persistent
// context store keeps it across restarts). Its tokens come from the identity client and are refreshed
// by the SDK credential before they expire.
import type { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import type { AcsClients } from "./clients";
import type { ContextLike } from "../core/correlation-store";
import { serviceError } from "../core/errors";

const USER_KEY = "acs-chat-service-user";

export interface ChatIdentity {
  userId: string;
  credential: AzureCommunicationTokenCredential;
  client: ChatClient;
}

export class ChatServiceIdentity {
  private identity?: Promise<ChatIdentity>;

  constructor(
    private readonly clients: AcsClients,
    private readonly context: ContextLike,
    private readonly configuredUserId?: string,
  ) {}

  /** The identity, created and remembered on first use. Concurrent first calls share one creation. */
  get(): Promise<ChatIdentity> {
    this.identity ??= this.create().catch((err: unknown) => {
      this.identity = undefined; // let the next call try again
      throw serviceError(err, "chat identity");
    });
    return this.identity;
  }

  /** Stops the credential's refresh timer. */
  async dispose(): Promise<void> {
    const pending = this.identity;
    this.identity = undefined;
    if (!pending) return;
    try {
      (await pending).credential.dispose();
    } catch {
      // creation failed: nothing to release
    }
  }

  private async create(): Promise<ChatIdentity> {
    const userId = this.configuredUserId || (await this.remembered()) || (await this.createUser());
    const identityClient = this.clients.identity();
    const credential = new AzureCommunicationTokenCredential({
      tokenRefresher: async (abortSignal) => (await identityClient.getToken({ communicationUserId: userId }, ["chat"], { abortSignal })).token,
      refreshProactively: true,
    });
    return { userId, credential, client: this.clients.chat(credential) };
  }

  private async createUser(): Promise<string> {
    const { communicationUserId } = await this.clients.identity().createUser();
    await new Promise<void>((resolve) => this.context.set(USER_KEY, communicationUserId, () => resolve()));
    return communicationUserId;
  }

  private remembered(): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.context.get(USER_KEY, (err, value) => resolve(!err && typeof value === "string" && value ? value : undefined));
    });
  }
}
