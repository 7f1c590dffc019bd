// One msg's SMS waiting in its sender's send queue as a plain record: the fields its one request
// needs and the msg to answer. Thousands may wait at once, so a job holds no promise, closure or
// AbortSignal of its own (its request gets one its node shares).
import type { SmsClient, SmsSendResult } from "@azure/communication-sms";
import type { NodeMessageInFlow } from "node-red";
import type { CorrelationStore } from "../core/correlation-store";
import { serviceError } from "../core/errors";
import type { QueuedJob } from "../core/send-queue";
import type { Finish, Send } from "../node-red/input-handler";
import { recordSent, type SendSummary } from "./output";
import type { PreparedSms } from "./request";
import { mergeBatch, withSkipped, type RecipientOutcome } from "./send";

/** What every job of one node shares (made once per node, not per msg). */
export interface SmsJobNode {
  /** The node the jobs belong to: its waiting jobs are refused when it closes. */
  readonly owner: unknown;
  readonly deliveryReport: boolean;
  /** The queue's signal, combined with the node's own that fires once its close grace is over. */
  signal(queueSignal: AbortSignal): AbortSignal;
  /** The request was answered: the outcome of every recipient of the msg, in its order. */
  sent(job: SmsJob, outcomes: RecipientOutcome[]): void;
}

/** An SMS to at most 100 recipients (one request). */
export class SmsJob implements QueuedJob<SmsSendResult[]> {
  constructor(
    private readonly node: SmsJobNode,
    private readonly client: SmsClient,
    private readonly store: CorrelationStore,
    readonly sms: PreparedSms,
    readonly summary: SendSummary,
    /** The recipients sent to: the msg's, without those skipped as opted out. */
    private readonly recipients: string[],
    private readonly optedOut: ReadonlySet<string> | undefined,
    readonly msg: NodeMessageInFlow,
    readonly send: Send,
    /** Ends the msg (done, or done(err)). */
    readonly finish: Finish,
  ) {}

  get units(): number {
    return this.recipients.length;
  }

  get owner(): unknown {
    return this.node.owner;
  }

  run(queueSignal: AbortSignal): Promise<SmsSendResult[]> {
    const signal = this.node.signal(queueSignal);
    const tag = this.summary.correlationId;
    return this.client.send(
      { from: this.summary.from, to: this.recipients, message: this.sms.message },
      { enableDeliveryReport: this.node.deliveryReport, ...(tag ? { tag } : {}), abortSignal: signal },
    );
  }

  resolve(items: SmsSendResult[]): void {
    try {
      const sent = mergeBatch(this.recipients, items);
      // Remembered at once: a delivery report may arrive before the results leave the node.
      recordSent(this.store, this.summary, sent);
      this.node.sent(this, this.optedOut ? withSkipped(this.sms.to, this.optedOut, sent) : sent);
    } catch (err) {
      this.finish(err);
    }
  }

  reject(err: unknown): void {
    this.finish(serviceError(err, "send SMS"));
  }
}
