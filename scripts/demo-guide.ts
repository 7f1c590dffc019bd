// What `npm start` sets up in the sandbox for the examples (the recipients that fail or bounce, the
// email quota the campaign's connection expects) and what it prints to show how to run each one.
import type { OutcomeRule } from "../emulator";
import { tabSender } from "./demo-flows";

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
  /** The sandbox UI, where every customer step is a click; absent with the real service. */
  uiUrl?: string;
  caFile?: string;
  /** How long the chat example's "5 minutes" lasts in this demo, in seconds. */
  chatWaitSeconds: number;
  /** Where the persistent context store keeps its files. */
  contextDir?: string;
}

/** A curl command that makes the customer's phone text `to` (default: the number the examples send from). */
export function textCommand(context: GuideContext, message: string, to = OUR_NUMBER): string {
  const body = JSON.stringify({ from: CUSTOMER_PHONE, to, message });
  return `curl --cacert ${context.caFile} -H 'content-type: application/json' -d '${body}' ${context.controlUrl}sms/inbound`;
}

const CUSTOMER_SCRIPT = "node dist/scripts/demo-customer.js";

/** Lines telling how to run each example, by example name; unknown examples get a generic line. */
export function guideLines(example: string, tabLabel: string, context: GuideContext): string[] {
  const sandbox = context.controlUrl !== undefined;
  const click = (...names: string[]) => names.map((name) => `"${name}"`).join(", then ");
  const ui = (where: string) => `in the sandbox UI, ${where}`;
  switch (example) {
    case "send-sms":
      return [`Click ${click("two recipients")}${sandbox ? `; the texts arrive on the phones (${ui("Phones")})` : ""}.`];
    case "send-email":
      return [`Click ${click("order shipped")}${sandbox ? `; the email arrives in ana@example.com's mailbox (${ui("Mailboxes")}): open it` : ""}.`];
    case "chat-thread":
      return [`Click ${click("start")}: a new thread, two posts, then its history in the debug sidebar${sandbox ? ` (the thread: ${ui("Chat")})` : ""}.`];
    case "delivery-events":
      return sandbox
        ? [
            `Click ${click("send an SMS")}: its delivery report arrives a few seconds later.`,
            `Reply as the customer ${ui(`Phones, ${CUSTOMER_PHONE}: "Text back" to ${tabSender(example).sms}`)} (only this tab hears it).`,
            `Script: ${textCommand(context, "Thanks!", tabSender(example).sms)}`,
          ]
        : [`Click ${click("send an SMS")}; the report arrives once Event Grid delivers to this Node-RED.`];
    case "pull-events":
      return sandbox
        ? [`Click ${click("send an SMS")}: its delivery report is pulled from the sandbox's Event Grid namespace.`]
        : ["Enter your Event Grid namespace, topic, subscription and key in \"acs events (pull)\", then click \"send an SMS\"."];
    case "chat-then-sms":
      return [
        `Click ${click("set up the customer", "notify the customer")}. After ${context.chatWaitSeconds} s (the flow's "5 minutes") the SMS goes, unless the customer read the message${sandbox ? ":" : "."}`,
        ...(sandbox ? [`read it as the customer ${ui('Chat: "Read the latest"')}; script: ${CUSTOMER_SCRIPT} read`] : []),
        `To see the fallback survive a restart: click "notify the customer", stop npm start (Ctrl+C, or kill -9 its process) while "wait 5 minutes" shows "1 waiting", and start it again: the SMS goes once, at its time, or at once if that time passed meanwhile. The waits are kept in ${context.contextDir ?? "the context store"}.`,
      ];
    case "sms-failed-then-email":
      return sandbox
        ? [
            `Click ${click("text a phone that is off")} (+14255550199 fails): the email follows. "text a phone that receives it": no email.`,
            `Switch ${CUSTOMER_PHONE} off ${ui("Phones")} and click "text a phone that receives it" again: now it fails, and the email arrives (Mailboxes).`,
          ]
        : ["Put your own numbers and addresses in the inject nodes: a failed SMS is followed by an email."];
    case "email-bounced-then-sms":
      return sandbox
        ? [
            `Click ${click("email an address that bounces")} (kim@mailbox-gone.example bounces): the SMS follows. "email an address that works": no SMS.`,
            `Make alex@example.com bounce ${ui("Mailboxes")}, then "email an address that works" again: the SMS follows.`,
          ]
        : ["Put your own addresses and numbers in the inject nodes: a bounced email is followed by an SMS."];
    case "two-way-sms":
      return sandbox
        ? [
            `Click ${click("send this week's offer")}, then answer ${ui(`Phones, ${CUSTOMER_PHONE}: "Text back", "Text STOP" (no more replies, the offer is skipped), "Text START"`)}.`,
            `Script: ${textCommand(context, "Is my order on its way?")}, or ${CUSTOMER_SCRIPT} text "STOP"`,
          ]
        : ["Text your ACS number from a phone; the replies come from it."];
    case "email-campaign":
      return [`Click ${click("send the campaign")}: progress in the node status, then the summary${sandbox ? ` (every mailbox: ${ui("Mailboxes")})` : ""}.`];
    default:
      return [`Open the "${tabLabel}" tab and follow its comment node.`];
  }
}
