// The SDK clients of one ACS resource, created on first use and shared by every node of the
// acs-config node that owns them. All clients get the same endpoint, credential and TLS trust, and
// one connection pool of their own, closed on release so no keep-alive socket outlives the node.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { isTokenCredential } from "@azure/core-auth";
import type { CommonClientOptions } from "@azure/core-client";
import { ChatClient } from "@azure/communication-chat";
import { AzureCommunicationTokenCredential } from "@azure/communication-common";
import { EmailClient } from "@azure/communication-email";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { SmsClient } from "@azure/communication-sms";
import type { ConnectionSettings } from "./settings";
import { MmsClient } from "./mms-client";
import { OptOutClient } from "./opt-out-client";

const USER_AGENT = "node-red-azure-communication";

export class AcsClients {
  private smsClient?: SmsClient;
  private emailClient?: EmailClient;
  private identityClient?: CommunicationIdentityClient;
  private mmsClient?: MmsClient;
  private optOutClient?: OptOutClient;
  private agent?: HttpAgent | HttpsAgent;

  /** `overrides` adjusts the client options, e.g. no retries for a quick connection check. */
  constructor(readonly settings: ConnectionSettings, private readonly overrides: CommonClientOptions = {}) {}

  /** Options every client gets: the pool (which carries the CA to trust), and plain HTTP only where the settings allow it. */
  get clientOptions(): CommonClientOptions {
    this.agent ??= this.settings.allowInsecureConnection
      ? new HttpAgent({ keepAlive: true })
      : new HttpsAgent({ keepAlive: true, ...(this.settings.ca ? { ca: this.settings.ca } : {}) });
    return {
      agent: this.agent,
      ...(this.settings.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
      userAgentOptions: { userAgentPrefix: USER_AGENT },
      ...this.overrides,
    };
  }

  get endpoint(): string {
    return this.settings.endpoint;
  }

  sms(): SmsClient {
    const credential = this.settings.credential;
    // The SDK constructors are overloaded per credential kind, hence the two identical-looking calls.
    this.smsClient ??= isTokenCredential(credential)
      ? new SmsClient(this.endpoint, credential, this.clientOptions)
      : new SmsClient(this.endpoint, credential, this.clientOptions);
    return this.smsClient;
  }

  email(): EmailClient {
    this.emailClient ??= new EmailClient(this.endpoint, this.settings.credential, this.clientOptions);
    return this.emailClient;
  }

  identity(): CommunicationIdentityClient {
    const credential = this.settings.credential;
    this.identityClient ??= isTokenCredential(credential)
      ? new CommunicationIdentityClient(this.endpoint, credential, this.clientOptions)
      : new CommunicationIdentityClient(this.endpoint, credential, this.clientOptions);
    return this.identityClient;
  }

  /** The preview MMS API, which no SDK covers (see mms-client.ts). */
  mms(): MmsClient {
    this.mmsClient ??= new MmsClient(this.settings, this.clientOptions);
    return this.mmsClient;
  }

  /** The SMS Opt-Out API, which the stable SMS SDK does not cover (see opt-outs.ts). */
  optOuts(): OptOutClient {
    this.optOutClient ??= new OptOutClient(this.settings, this.clientOptions);
    return this.optOutClient;
  }

  /** A chat client acting as the user whose tokens `credential` supplies. */
  chat(credential: AzureCommunicationTokenCredential): ChatClient {
    return new ChatClient(this.endpoint, credential, this.clientOptions);
  }

  /** Drops the clients and closes their connections; the next use creates new ones. */
  release(): void {
    this.smsClient = undefined;
    this.emailClient = undefined;
    this.identityClient = undefined;
    this.mmsClient = undefined;
    this.optOutClient = undefined;
    this.agent?.destroy();
    this.agent = undefined;
  }
}
