// acs-events: ACS events from Event Grid, either pushed to a webhook on Node-RED's HTTP server or
// pulled from an Event Grid namespace topic subscription. Emits one message per ACS event (delivery
// reports, engagement, inbound SMS, chat), in the package's msg.acs contract, matched to what the
// send nodes recorded, the same way for both sources (lib/events/output.ts). The request path lives
// in lib/events/webhook/, the pull source in lib/events/pull/; this file reads the node's settings.
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { AcsResource } from "./lib/connection/resource";
import { configuredResource } from "./lib/node-red/config-node";
import { resolveCredentialEnv } from "./lib/node-red/env-credentials";
import { CLOSE_GRACE_MS } from "./lib/connection/resource";
import { dedupeOptions, EventDedupe, type DedupeOptions, type DedupeProperties } from "./lib/events/dedupe";
import { EventOutput } from "./lib/events/output";
import type { ParsedEvent } from "./lib/events/parse";
import { pullCredential, pullSettings, type PullProperties } from "./lib/events/pull/settings";
import { startPullSource, type PullSource } from "./lib/events/pull/source";
import { EventStatus } from "./lib/events/status";
import { EventTypeSelection, shortEventType } from "./lib/events/types";
import { escapeControlCharacters } from "./lib/core/control-characters";
import { LogThrottle } from "./lib/core/log-throttle";
import { newMessageId } from "./lib/core/message-id";
import { refuseBeforeBody, webhookHandlers, type WebhookOutcome } from "./lib/events/webhook/receiver";
import { flowCompletion } from "./lib/events/flow-completion";
import { messageHooks } from "./lib/node-red/internals";
import { statusText, withoutHint } from "./lib/node-red/input-handler";
import { addWebhookRoute, normalisePath, type WebhookRoute } from "./lib/events/webhook/route";

interface AcsEventsDef extends NodeDef, PullProperties, DedupeProperties {
  config?: string;
  /** Where events come from: pushed to a webhook (the default) or pulled from an Event Grid namespace. */
  source?: "webhook" | "namespace";
  path: string;
  requireSecret?: boolean;
  maxBodyKb?: string | number;
  eventTypes?: string[];
  outputMode?: "single" | "perGroup";
  /** "handed" is how earlier versions saved "onHandover". */
  ackMode?: "onHandover" | "handed" | "afterFlow";
}

interface AcsEventsCredentials {
  secret?: string;
  /** The Event Grid namespace's access key (pull source). */
  nsKey?: string;
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
  // Kept across redeploys of the same node, so that a delivery repeated after a redeploy is still known;
  // rebuilt (with the newest ids that fit) when the node's window settings change.
  const dedupes = new Map<string, EventDedupe>();

  function AcsEvents(this: Node<AcsEventsCredentials>, def: AcsEventsDef) {
    RED.nodes.createNode(this, def);
    const { secret, nsKey } = resolveCredentialEnv(RED, this, this.credentials ?? {}, ["secret", "nsKey"]);
    const requireSecret = def.requireSecret !== false;
    const perGroup = def.outputMode === "perGroup";
    const ackTimeoutMs = numberIn(def.ackTimeout, 1, MAX_ACK_TIMEOUT_S, DEFAULT_ACK_TIMEOUT_S) * 1000;
    const hooks = messageHooks(RED);
    const completion = def.ackMode === "afterFlow" && hooks ? flowCompletion(hooks, (id) => Boolean(RED.nodes.getNode(id))) : undefined;
    const closing = new AbortController();
    const status = new EventStatus(RED, this);

    const fail = (key: string, params?: Record<string, string | number>) => {
      const text = statusText(RED, key, params);
      this.error(text);
      this.status({ fill: "red", shape: "ring", text: withoutHint(text) });
    };
    const failWith = (err: unknown) => {
      const params = (err as { params?: Record<string, string | number> }).params;
      fail((err as { key?: string }).key ?? "acs-events.errors.internal", params ?? { reason: String(err) });
    };

    let window: DedupeOptions;
    try {
      window = dedupeOptions(def);
    } catch (err) {
      failWith(err);
      this.on("close", (removed: boolean, done: () => void) => {
        if (removed) dedupes.delete(this.id);
        done();
      });
      return;
    }
    const dedupe = dedupes.get(this.id)?.withOptions(window) ?? new EventDedupe(window);
    dedupes.set(this.id, dedupe);

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

    const output = new EventOutput(this, newMessageId, perGroup, resource?.correlation);
    const selection = new EventTypeSelection(def.eventTypes);

    /** The pull source, or undefined (with a red status saying why) when its settings are wrong. */
    const startPull = (): PullSource | undefined => {
      try {
        const settings = pullSettings(def);
        // The connection, when one is selected, lends its Entra ID identity and the CA it trusts.
        const connectionSettings = resource?.clients().settings;
        const credential = pullCredential(settings.auth, nsKey, connectionSettings);
        return startPullSource(RED, this, settings, credential, connectionSettings?.ca, {
          ackMode: def.ackMode === "afterFlow" ? "afterFlow" : "onHandover",
          selection,
          dedupe,
          completion,
          output,
        });
      } catch (err) {
        failWith(err);
        return undefined;
      }
    };

    if (def.source === "namespace") {
      const pull = configMissing ? undefined : startPull();
      this.on("close", (removed: boolean, done: () => void) => {
        if (removed) dedupes.delete(this.id);
        void (pull?.close(CLOSE_GRACE_MS) ?? Promise.resolve()).then(done, done);
      });
      return;
    }

    const deliver = async (events: ParsedEvent[]): Promise<void> => {
      if (events.length === 0) return;
      const messages = await output.messages(events);
      const watch = completion?.watch(messages.map((msg) => msg._msgid));
      messages.forEach((msg, index) => output.send(msg, events[index]));
      status.eventsReceived(events.length, shortEventType(events[events.length - 1].type));
      await watch?.finish(ackTimeoutMs, closing.signal);
    };

    const refusals = new LogThrottle();
    const report = (outcome: WebhookOutcome): void => {
      if (outcome.kind === "refused") {
        // One line a minute at most, however many requests are refused; control characters a sender
        // put in the request (echoed in the reason) are shown escaped, so they cannot forge log lines.
        const turn = refusals.take();
        if (!turn.write) return;
        const reason = escapeControlCharacters(statusText(RED, outcome.error.key, outcome.error.params));
        const line = statusText(RED, "acs-events.errors.refused", { status: outcome.status, reason });
        this.warn(turn.skipped > 0 ? `${line} ${statusText(RED, "acs-events.errors.refusedMore", { count: turn.skipped })}` : line);
      } else if (outcome.kind === "validated") {
        this.log(statusText(RED, "acs-events.status.validated", { schema: outcome.schema }));
        status.validated(outcome.schema);
      }
    };

    let route: WebhookRoute | undefined;
    try {
      const path = normalisePath(def.path ?? "");
      const maxBodyBytes = numberIn(def.maxBodyKb, 1, 64 * 1024, DEFAULT_MAX_BODY_KB) * 1024;
      const webhook = {
        secret: () => ({ required: requireSecret, value: secret }),
        maxBodyBytes,
        selection,
        dedupe,
        deliver,
        report,
      };
      route = addWebhookRoute(RED, this.id, path, webhookHandlers(webhook), maxBodyBytes, (req, res) => refuseBeforeBody(webhook, req, res));
      if (requireSecret && !secret) fail("acs-events.errors.noSecret");
      else if (!configMissing) status.listening(path);
    } catch (err) {
      failWith(err);
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
    credentials: { secret: { type: "password" }, nsKey: { type: "password" } },
  });
}

export = register;
