// acs-config: how to reach one Azure Communication Services resource. Owns the shared SDK clients,
// the chat service identity, the send queues and the correlation store (see lib/connection/resource.ts),
// and serves the editor's "Test connection" button.
import type { Node, NodeAPI, NodeDef } from "node-red";
import { AcsResource, CLOSE_GRACE_MS, DEFAULT_RECORD_TTL_HOURS, MAX_RECORDS } from "./lib/connection/resource";
import type { LimitOverrides } from "./lib/connection/channel-limits";
import type { AcsChannel } from "./lib/core/acs-message";
import { checkConnection } from "./lib/connection/check";
import type { AcsConfigCredentials, AcsConfigProperties } from "./lib/connection/settings";
import type { AcsConfigNode } from "./lib/node-red/config-node";
import { chooseContextStore, contextInStore, PERSISTENT_STORE_LINES, type NodeContext } from "./lib/node-red/context-store";
import { resolveCredentialEnv } from "./lib/node-red/env-credentials";
import { statusText } from "./lib/node-red/input-handler";

interface AcsConfigDef extends NodeDef, AcsConfigProperties {
  chatUserId: string;
  smsMaxInFlight: string;
  smsPerMinute: string;
  emailMaxInFlight: string;
  emailPerMinute: string;
  emailPerHour: string;
  chatPerMinute: string;
  maxQueued: string;
  /** The context store (settings.js contextStorage) for the records of what was sent; empty for the default. */
  contextStore: string;
  recordTtlHours: string;
}

const CREDENTIAL_FIELDS = ["connectionString", "accessKey", "clientSecret", "caCert"] as const;

function register(RED: NodeAPI): void {
  function AcsConfig(this: AcsConfigNode, def: AcsConfigDef) {
    RED.nodes.createNode(this, def);
    const credentials = resolveCredentialEnv(RED, this, this.credentials ?? {}, CREDENTIAL_FIELDS);
    const number = (text: string): number | undefined => (text?.trim() ? Number(text) : undefined);
    const maxQueued = number(def.maxQueued);
    const limits: Record<AcsChannel, LimitOverrides> = {
      sms: { maxInFlight: number(def.smsMaxInFlight), perMinute: number(def.smsPerMinute), maxQueued },
      email: { maxInFlight: number(def.emailMaxInFlight), perMinute: number(def.emailPerMinute), perHour: number(def.emailPerHour), maxQueued },
      chat: { perMinute: number(def.chatPerMinute), maxQueued },
    };
    const store = chooseContextStore((RED.settings as { contextStorage?: unknown }).contextStorage, def.contextStore);
    if (store.unknown !== undefined) this.warn(statusText(RED, "acs-config.warnings.unknownStore", { store: store.unknown, used: store.name }));
    if (!store.persistent) {
      this.warn(statusText(RED, "acs-config.warnings.memoryStore", { store: store.name, lines: PERSISTENT_STORE_LINES }));
      this.status({ fill: "yellow", shape: "ring", text: statusText(RED, "acs-config.status.memoryStore") });
    }
    const storeName = store.unknown === undefined && def.contextStore?.trim() ? def.contextStore.trim() : undefined;
    this.contextStore = storeName;
    let ttlHours = number(def.recordTtlHours) ?? DEFAULT_RECORD_TTL_HOURS;
    if (!Number.isFinite(ttlHours) || ttlHours <= 0) {
      this.warn(statusText(RED, "acs-config.warnings.badTtl", { value: def.recordTtlHours, hours: DEFAULT_RECORD_TTL_HOURS }));
      ttlHours = DEFAULT_RECORD_TTL_HOURS;
    }
    this.resource = new AcsResource({
      props: def,
      credentials,
      context: contextInStore(this.context() as unknown as NodeContext, storeName),
      contextStore: storeName,
      chatUserId: def.chatUserId,
      limits,
      correlation: { maxEntries: MAX_RECORDS, ttlMs: ttlHours * 3_600_000 },
    });
    this.on("close", (_removed: boolean, done: () => void) => {
      this.resource.close(CLOSE_GRACE_MS).then(done, done);
    });
  }

  RED.nodes.registerType("acs-config", AcsConfig as unknown as (this: Node, def: AcsConfigDef) => void, {
    credentials: {
      connectionString: { type: "password" },
      accessKey: { type: "password" },
      clientSecret: { type: "password" },
      caCert: { type: "password" },
    },
  });

  // "Test connection": the dialog posts its current fields; secrets left unchanged in the dialog arrive
  // as "__PWRD__" and are taken from the deployed node's stored credentials.
  RED.httpAdmin.post("/acs-config/test", RED.auth.needsPermission("acs-config.write"), (req, res) => {
    const body = (req.body ?? {}) as Partial<AcsConfigProperties> & { id?: string; credentials?: AcsConfigCredentials };
    const stored = (body.id ? RED.nodes.getCredentials(body.id) : undefined) as AcsConfigCredentials | undefined;
    const given = body.credentials ?? {};
    const merged: AcsConfigCredentials = {};
    for (const field of CREDENTIAL_FIELDS) {
      const value = given[field];
      merged[field] = value === "__PWRD__" || value === undefined ? stored?.[field] : value;
    }
    const props: AcsConfigProperties = {
      authMode: body.authMode ?? "connectionString",
      endpoint: body.endpoint,
      entraMode: body.entraMode,
      tenantId: body.tenantId,
      clientId: body.clientId,
      authorityHost: body.authorityHost,
      caFile: body.caFile,
    };
    const resolved = resolveCredentialEnv(RED, undefined, merged, CREDENTIAL_FIELDS);
    checkConnection(props, resolved).then(
      (result) => res.json({ ok: result.outcome === "ok", outcome: result.outcome, message: statusText(RED, result.key, result.params) }),
      () => res.status(500).json({ ok: false, outcome: "serviceError", message: statusText(RED, "acs-config.test.serviceError", { host: "", status: 500 }) }),
    );
  });
}

export = register;
