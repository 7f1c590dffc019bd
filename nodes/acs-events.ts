// acs-events: an Event Grid webhook on Node-RED's HTTP server. Emits one message per ACS event
// (delivery reports, engagement, inbound SMS, chat), in the package's msg.acs contract, matched to
// what the send nodes recorded. The request path lives in lib/event-webhook.ts; this file reads the
// node's settings, turns events into messages and keeps the status.
import type { Node, NodeAPI, NodeDef, NodeMessage } from "node-red";
import type { AcsResource } from "./lib/connection/resource";
import { configuredResource } from "./lib/node-red/config-node";
import { resolveCredentialEnv } from "./lib/node-red/env-credentials";
import { correlate } from "./lib/events/correlation";
import { EventDedupe } from "./lib/events/dedupe";
import { eventMessage, type EventMessage } from "./lib/events/message";
import { normaliseEvent } from "./lib/events/normalise";
import type { ParsedEvent } from "./lib/events/parse";
import { EventStatus } from "./lib/events/status";
import { EVENT_GROUPS, EventTypeSelection, eventGroup, shortEventType } from "./lib/events/types";
import { webhookHandlers, type WebhookOutcome } from "./lib/events/webhook/receiver";
import { flowCompletion } from "./lib/events/flow-completion";
import { messageHooks } from "./lib/node-red/internals";
import { statusText, withoutHint } from "./lib/node-red/input-handler";
import { addWebhookRoute, normalisePath, type WebhookRoute } from "./lib/events/webhook/route";

interface AcsEventsDef extends NodeDef {
  config?: string;
  path: string;
  requireSecret?: boolean;
  maxBodyKb?: string | number;
  eventTypes?: string[];
  outputMode?: "single" | "perGroup";
  ackMode?: "handed" | "afterFlow";
  ackTimeout?: string | number;
}

interface AcsEventsCredentials {
  secret?: string;
}

const DEFAULT_MAX_BODY_KB = 1024;
/** Event Grid waits 30 s for an answer: acknowledge (or refuse) before it gives up. */
const DEFAULT_ACK_TIMEOUT_S = 25;
const MAX_ACK_TIMEOUT_S = 29;

function numberIn(value: string | number | undefined, min: number, max: number, fallback: number): number {
  const number = typeof value === "number" ? value : Number(String(value ?? "").trim() || NaN);
  return Number.isFinite(number) ? Math.min(max, Math.max(min, number)) : fallback;
}

function register(RED: NodeAPI): void {
  // Kept across redeploys of the same node, so that a delivery repeated after a redeploy is still known.
  const dedupes = new Map<string, EventDedupe>();

  function AcsEvents(this: Node<AcsEventsCredentials>, def: AcsEventsDef) {
    RED.nodes.createNode(this, def);
    const { secret } = resolveCredentialEnv(RED, this, this.credentials ?? {}, ["secret"]);
    const requireSecret = def.requireSecret !== false;
    const perGroup = def.outputMode === "perGroup";
    const ackTimeoutMs = numberIn(def.ackTimeout, 1, MAX_ACK_TIMEOUT_S, DEFAULT_ACK_TIMEOUT_S) * 1000;
    const hooks = messageHooks(RED);
    const completion = def.ackMode === "afterFlow" && hooks ? flowCompletion(hooks) : undefined;
    const closing = new AbortController();
    const status = new EventStatus(RED, this);
    const dedupe = dedupes.get(this.id) ?? new EventDedupe();
    dedupes.set(this.id, dedupe);

    const fail = (key: string, params?: Record<string, string | number>) => {
      const text = statusText(RED, key, params);
      this.error(text);
      this.status({ fill: "red", shape: "ring", text: withoutHint(text) });
    };

    // The config node is optional: without one, events are emitted without correlation lookups.
    let resource: AcsResource | undefined;
    let configMissing = false;
    if (def.config) {
      try {
        resource = configuredResource(RED, def.config);
      } catch {
        configMissing = true;
        fail("acs-config.errors.noConfig");
      }
    }
    if (def.ackMode === "afterFlow" && !hooks) this.warn(statusText(RED, "acs-events.errors.noHooks"));

    const output = (msg: EventMessage, event: ParsedEvent): NodeMessage | (NodeMessage | null)[] => {
      if (!perGroup) return msg;
      return EVENT_GROUPS.map((group) => (group === eventGroup(event.type) ? msg : null));
    };

    const deliver = async (events: ParsedEvent[]): Promise<void> => {
      if (events.length === 0) return;
      const messages = await Promise.all(
        events.map(async (event) => {
          const fields = normaliseEvent(event);
          return eventMessage(RED.util.generateId(), event, fields, await correlate(fields, resource?.correlation));
        }),
      );
      const watch = completion?.watch(messages.map((msg) => msg._msgid));
      messages.forEach((msg, index) => this.send(output(msg, events[index])));
      status.eventsReceived(events.length, shortEventType(events[events.length - 1].type));
      await watch?.finish(ackTimeoutMs, closing.signal);
    };

    const report = (outcome: WebhookOutcome): void => {
      if (outcome.kind === "refused") {
        this.warn(statusText(RED, "acs-events.errors.refused", { status: outcome.status, reason: statusText(RED, outcome.error.key, outcome.error.params) }));
      } else if (outcome.kind === "validated") {
        this.log(statusText(RED, "acs-events.status.validated", { schema: outcome.schema }));
        status.validated(outcome.schema);
      }
    };

    let route: WebhookRoute | undefined;
    try {
      const path = normalisePath(def.path ?? "");
      const maxBodyBytes = numberIn(def.maxBodyKb, 1, 64 * 1024, DEFAULT_MAX_BODY_KB) * 1024;
      const handlers = webhookHandlers({
        secret: () => ({ required: requireSecret, value: secret }),
        maxBodyBytes,
        selection: new EventTypeSelection(def.eventTypes),
        dedupe,
        deliver,
        report,
      });
      route = addWebhookRoute(RED, this.id, path, handlers, maxBodyBytes);
      if (requireSecret && !secret) fail("acs-events.errors.noSecret");
      else if (!configMissing) status.listening(path);
    } catch (err) {
      const params = (err as { params?: Record<string, string | number> }).params;
      fail((err as { key?: string }).key ?? "acs-events.errors.internal", params ?? { reason: String(err) });
    }

    this.on("close", (removed: boolean, done: () => void) => {
      route?.remove();
      if (removed) dedupes.delete(this.id);
      status.close();
      // Requests still waiting for their flow are answered 500 now, so Event Grid delivers them again.
      closing.abort();
      done();
    });
  }

  RED.nodes.registerType("acs-events", AcsEvents as unknown as (this: Node, def: AcsEventsDef) => void, {
    credentials: { secret: { type: "password" } },
  });
}

export = register;
