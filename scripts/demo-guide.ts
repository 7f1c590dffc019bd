// What `npm start` sets up in the sandbox for the examples (the recipients that fail or bounce, the
// email quota the campaign's connection expects) and what it prints to show how to run each one.
import type { OutcomeRule } from "../emulator";

/** A phone that is off and a mailbox that no longer exists, as the fallback examples name them. */
export const DEMO_RULES: OutcomeRule[] = [
  { match: "+14255550199", outcome: "failed", channel: "sms", details: "The phone was switched off." },
  { match: "kim@mailbox-gone.example", outcome: "bounced", channel: "email" },
];

/** The raised email quota of the demo's resource (Azure-managed domain), as examples/email-campaign.json expects. */
export const DEMO_EMAIL_QUOTA = { perMinute: 600, perHour: 36_000 };

/** The customer's phone and the number they text, as the examples name them. */
export const CUSTOMER_PHONE = "+14255550123";
export const OUR_NUMBER = "+18005550100";

export interface GuideContext {
  /** The sandbox's control API root (`https://127.0.0.1:5443/_sandbox/`); absent with the real service. */
  controlUrl?: string;
  caFile?: string;
  /** How long the chat example's "5 minutes" lasts in this demo, in seconds. */
  chatWaitSeconds: number;
  /** Where the persistent context store keeps its files. */
  contextDir?: string;
}

/** A curl command that makes the customer's phone text our number. */
export function textCommand(context: GuideContext, message: string): string {
  const body = JSON.stringify({ from: CUSTOMER_PHONE, to: OUR_NUMBER, message });
  return `curl --cacert ${context.caFile} -H 'content-type: application/json' -d '${body}' ${context.controlUrl}sms/inbound`;
}

const CUSTOMER_SCRIPT = "node dist/scripts/demo-customer.js";

/** Lines telling how to run each example, by example name; unknown examples get a generic line. */
export function guideLines(example: string, tabLabel: string, context: GuideContext): string[] {
  const sandbox = context.controlUrl !== undefined;
  const click = (...names: string[]) => names.map((name) => `"${name}"`).join(", then ");
  switch (example) {
    case "send-sms":
      return [`Click ${click("two recipients")}.`];
    case "send-email":
      return [`Click ${click("order shipped")}.`];
    case "chat-thread":
      return [`Click ${click("start")}: a new thread, two posts, then its history in the debug sidebar.`];
    case "delivery-events":
      return sandbox
        ? [`Click ${click("send an SMS")}: its delivery report arrives a few seconds later.`, `A reply from the phone: ${textCommand(context, "Thanks!")}`]
        : [`Click ${click("send an SMS")}; the report arrives once Event Grid delivers to this Node-RED.`];
    case "chat-then-sms":
      return [
        `Click ${click("set up the customer", "notify the customer")}. After ${context.chatWaitSeconds} s (the flow's "5 minutes") the SMS goes, unless the customer read the message${sandbox ? ":" : "."}`,
        ...(sandbox ? [`to read it as the customer: ${CUSTOMER_SCRIPT} read`] : []),
        `To see the fallback survive a restart: click "notify the customer", stop npm start (Ctrl+C, or kill -9 its process) while "wait 5 minutes" shows "1 waiting", and start it again: the SMS goes once, at its time, or at once if that time passed meanwhile. The waits are kept in ${context.contextDir ?? "the context store"}.`,
      ];
    case "sms-failed-then-email":
      return sandbox
        ? [`Click ${click("text a phone that is off")} (+14255550199 fails): the email follows. "text a phone that receives it": no email.`]
        : ["Put your own numbers and addresses in the inject nodes: a failed SMS is followed by an email."];
    case "email-bounced-then-sms":
      return sandbox
        ? [`Click ${click("email an address that bounces")} (kim@mailbox-gone.example bounces): the SMS follows. "email an address that works": no SMS.`]
        : ["Put your own addresses and numbers in the inject nodes: a bounced email is followed by an SMS."];
    case "two-way-sms":
      return sandbox
        ? [
            `The customer texts you: ${textCommand(context, "Is my order on its way?")}`,
            `Send "STOP" the same way (no more replies, "send this week's offer" is skipped), then "START".`,
            `Or: ${CUSTOMER_SCRIPT} text "STOP"`,
          ]
        : ["Text your ACS number from a phone; the replies come from it."];
    case "email-campaign":
      return [`Click ${click("send the campaign")}: progress in the node status, then the summary.`];
    default:
      return [`Open the "${tabLabel}" tab and follow its comment node.`];
  }
}
