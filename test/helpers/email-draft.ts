// An email as acs-email prepares it from a msg (nodes/lib/email/message.ts), for tests of what is
// built from it: a plain order confirmation unless `overrides` say otherwise.
import type { EmailDraft } from "../../nodes/lib/email/message";

export function emailDraft(overrides: Partial<EmailDraft> = {}): EmailDraft {
  return {
    sender: "DoNotReply@contoso.test",
    to: [{ address: "ana@example.com" }],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: "Your order",
    plainText: "It ships today.",
    html: undefined,
    headers: {},
    importance: "",
    disableTracking: false,
    attachments: [],
    ...overrides,
  };
}
