// acs-config: how to reach one Azure Communication Services resource. Owns the shared SDK clients,
// the chat service identity, the send queues and the correlation store (see lib/acs-resource.ts),
// and serves the editor's "Test connection" button.
import type { Node, NodeAPI, NodeDef } from "node-red";
import { AcsResource, CLOSE_GRACE_MS } from "./lib/connection/resource";
import type { LimitOverrides } from "./lib/connection/channel-limits";
import type { AcsChannel } from "./lib/core/acs-message";
import { checkConnection } from "./lib/connection/check";
import type { AcsConfigCredentials, AcsConfigProperties } from "./lib/connection/settings";
import type { AcsConfigNode } from "./lib/node-red/config-node";
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
  correlationTtlHours: string;
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
    this.resource = new AcsResource({
      props: def,
      credentials,
      context: this.context(),
      chatUserId: def.chatUserId,
      limits,
      correlation: { maxEntries: 100_000, ttlMs: (number(def.correlationTtlHours) ?? 72) * 3_600_000 },
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
