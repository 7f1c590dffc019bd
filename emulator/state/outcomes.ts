// Scripted outcomes: what happens to a message after the service accepted it. Rules are keyed on the
// recipient (exact, or a pattern with `*` wildcards); the first rule that matches and applies to the
// channel wins; anything no rule matches is delivered after a few simulated seconds.
import type { OutcomeRule } from "./types";

export const smsOutcomeKinds = ["delivered", "failed", "optedOut", "late", "refused"] as const;
export const emailOutcomeKinds = ["delivered", "bounced", "suppressed", "quarantined", "spam", "failed"] as const;

export type SmsOutcomeKind = (typeof smsOutcomeKinds)[number];
export type EmailOutcomeKind = (typeof emailOutcomeKinds)[number];

export interface SmsOutcome {
  outcome: SmsOutcomeKind;
  /** Simulated ms from the send to the delivery report. */
  reportDelayMs: number;
  /** For `late`: how long the phone was off before the retry that delivered it. */
  phoneOffMs: number;
  details: string;
}

export interface EmailOutcome {
  outcome: EmailOutcomeKind;
  reportDelayMs: number;
  details: string;
}

/** A few simulated seconds, as the service usually takes. */
export const defaultReportDelayMs = 3000;
/** `late` without delayMs: the phone was off for five minutes. */
export const defaultPhoneOffMs = 5 * 60_000;

const smsDetails: Record<SmsOutcomeKind, string> = {
  delivered: "No error.",
  late: "No error.",
  failed: "Message could not be delivered to the handset.",
  optedOut: "Sender blocked for given recipient",
  refused: "The recipient's carrier refused the message.",
};

const emailDetails: Record<EmailOutcomeKind, string> = {
  delivered: "No error.",
  bounced: "The email was hard bounced: the recipient address does not exist.",
  suppressed: "The recipient hard bounced earlier; emails to it are suppressed.",
  quarantined: "The message was quarantined as spam, bulk mail or phishing.",
  spam: "The message was identified as spam and rejected or blocked.",
  failed: "The email failed to be delivered.",
};

/** What a phone that opted out of a sender gets, whatever the rules say: the carrier blocks it. */
export function optedOutOutcome(): SmsOutcome {
  return { outcome: "optedOut", reportDelayMs: defaultReportDelayMs, phoneOffMs: 0, details: smsDetails.optedOut };
}

interface CompiledRule {
  rule: OutcomeRule;
  pattern: RegExp;
}

export class Outcomes {
  private compiled: CompiledRule[] = [];

  constructor(rules: OutcomeRule[] = []) {
    this.setRules(rules);
  }

  /** Replaces every rule; throws (keeping the old rules) when one is malformed. */
  setRules(rules: OutcomeRule[]): void {
    if (!Array.isArray(rules)) throw new Error("rules must be a list");
    this.compiled = rules.map((rule, index) => compileRule(rule, index));
  }

  rules(): OutcomeRule[] {
    return this.compiled.map(({ rule }) => ({ ...rule }));
  }

  sms(to: string): SmsOutcome {
    const rule = this.find(to, "sms");
    const kind = (rule?.outcome ?? "delivered") as SmsOutcomeKind;
    const baseDelay = kind === "late" ? defaultReportDelayMs : (rule?.delayMs ?? defaultReportDelayMs);
    const phoneOffMs = kind === "late" ? (rule?.delayMs ?? defaultPhoneOffMs) : 0;
    return { outcome: kind, reportDelayMs: baseDelay + phoneOffMs, phoneOffMs, details: rule?.details ?? smsDetails[kind] };
  }

  email(address: string): EmailOutcome {
    const rule = this.find(address, "email");
    const kind = (rule?.outcome ?? "delivered") as EmailOutcomeKind;
    return { outcome: kind, reportDelayMs: rule?.delayMs ?? defaultReportDelayMs, details: rule?.details ?? emailDetails[kind] };
  }

  private find(recipient: string, channel: "sms" | "email"): OutcomeRule | undefined {
    const kinds: readonly string[] = channel === "sms" ? smsOutcomeKinds : emailOutcomeKinds;
    for (const { rule, pattern } of this.compiled) {
      if (rule.channel !== undefined && rule.channel !== channel) continue;
      if (!kinds.includes(rule.outcome)) continue;
      if (pattern.test(recipient)) return rule;
    }
    return undefined;
  }
}

function compileRule(rule: OutcomeRule, index: number): CompiledRule {
  const where = `rules[${index}]`;
  if (typeof rule !== "object" || rule === null) throw new Error(`${where} must be an object`);
  if (typeof rule.match !== "string" || rule.match === "") throw new Error(`${where}.match must be a phone number, address or pattern`);
  const known: readonly string[] = [...smsOutcomeKinds, ...emailOutcomeKinds];
  if (!known.includes(rule.outcome)) {
    throw new Error(`${where}.outcome: "${String(rule.outcome)}" is not one of ${[...new Set(known)].join(", ")}`);
  }
  if (rule.channel !== undefined && rule.channel !== "sms" && rule.channel !== "email") {
    throw new Error(`${where}.channel: "${String(rule.channel)}" must be sms or email`);
  }
  if (rule.delayMs !== undefined && !(Number.isFinite(rule.delayMs) && rule.delayMs >= 0)) {
    throw new Error(`${where}.delayMs: ${String(rule.delayMs)} must be a number of milliseconds, 0 or more`);
  }
  if (rule.details !== undefined && typeof rule.details !== "string") throw new Error(`${where}.details must be text`);
  return { rule: { ...rule }, pattern: wildcardPattern(rule.match) };
}

/** `*` matches any run of characters; everything else literally, ignoring case (email addresses). */
export function wildcardPattern(match: string): RegExp {
  const escaped = match
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "i");
}
