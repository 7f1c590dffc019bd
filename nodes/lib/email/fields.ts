// Resolves the acs-email node's typedInput fields against one msg: addresses parsed, headers and
// attachments converted, texts read. A field of the editor-only type "template" holds a mustache
// template (rendered against the msg for a single email, per recipient in a batch).
import type { EmailAddress } from "@azure/communication-email";
import type { Node, NodeAPI, NodeMessage } from "node-red";
import { parseAddresses, quotedValue } from "./addresses";
import { attachmentsFrom } from "./attachments";
import { renderTemplate } from "./batch";
import { headersFrom, type EmailDraft, type Importance } from "./message";
import { fieldError } from "../core/errors";
import { evaluateTyped, type TypedValue } from "../node-red/typed-input";

export const TEMPLATE_TYPE = "template";

export type BodyFormat = "text" | "html" | "both";

export interface EmailFieldsDef {
  sender: string;
  senderType: string;
  to: string;
  toType: string;
  cc: string;
  ccType: string;
  bcc: string;
  bccType: string;
  replyTo: string;
  replyToType: string;
  subject: string;
  subjectType: string;
  body: string;
  bodyType: string;
  bodyFormat: BodyFormat;
  html: string;
  htmlType: string;
  headers: string;
  headersType: string;
  importance: Importance;
  disableTracking: boolean;
}

/** Everything but the recipients' own addresses and texts: shared by every email of a batch. */
export type SharedDraft = Omit<EmailDraft, "to" | "subject" | "plainText" | "html">;

export interface EmailTexts {
  subject: string | undefined;
  plainText: string | undefined;
  html: string | undefined;
}

export interface ResolvedEmailFields {
  shared: SharedDraft;
  to: EmailAddress[];
  /** As resolved; templates not yet rendered. */
  texts: EmailTexts;
  /** Which texts are mustache templates (the "template" type). */
  templated: Record<keyof EmailTexts, boolean>;
}

/** Resolves every field; in a batch the `to` field is not read (the recipients come from the list). */
export async function resolveEmailFields(RED: NodeAPI, node: Node, msg: NodeMessage, def: EmailFieldsDef, batch: boolean): Promise<ResolvedEmailFields> {
  const typed = (value: string, type: string): Promise<unknown> => {
    if (type === TEMPLATE_TYPE) return Promise.resolve(value);
    if (type === "json" && !value?.trim()) return Promise.resolve(undefined);
    return evaluateTyped(RED, node, msg, { value, type } satisfies TypedValue);
  };
  const format = def.bodyFormat || "text";
  const body = textOf("body", await typed(def.body, def.bodyType));
  const second = format === "both" ? textOf("html", await typed(def.html, def.htmlType)) : undefined;
  const shared: SharedDraft = {
    sender: await typed(def.sender, def.senderType),
    cc: parseAddresses("cc", await typed(def.cc, def.ccType)),
    bcc: parseAddresses("bcc", await typed(def.bcc, def.bccType)),
    replyTo: parseAddresses("replyTo", await typed(def.replyTo, def.replyToType)),
    headers: headersFrom(await typed(def.headers, def.headersType)),
    importance: def.importance || "",
    disableTracking: def.disableTracking === true,
    attachments: attachmentsFrom((msg as { attachments?: unknown }).attachments),
  };
  const bodyIsTemplate = def.bodyType === TEMPLATE_TYPE;
  return {
    shared,
    to: batch ? [] : parseAddresses("to", await typed(def.to, def.toType)),
    texts: {
      subject: textOf("subject", await typed(def.subject, def.subjectType)),
      plainText: format === "html" ? undefined : body,
      html: format === "html" ? body : second,
    },
    templated: {
      subject: def.subjectType === TEMPLATE_TYPE,
      plainText: bodyIsTemplate,
      html: format === "both" ? def.htmlType === TEMPLATE_TYPE : bodyIsTemplate,
    },
  };
}

/** The texts with every template rendered against `view` (all of them when `renderAll`, e.g. in a batch). */
export function renderTexts(fields: ResolvedEmailFields, view: object, renderAll: boolean): EmailTexts {
  const render = (key: keyof EmailTexts, kind: "html" | "text") =>
    renderAll || fields.templated[key] ? renderTemplate(fields.texts[key], view, kind) : fields.texts[key];
  return { subject: render("subject", "text"), plainText: render("plainText", "text"), html: render("html", "html") };
}

/** A text field's value as text: strings, Buffers (utf8) and numbers; empty means absent. */
function textOf(field: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  let text: string;
  if (typeof value === "string") text = value;
  else if (Buffer.isBuffer(value)) text = value.toString("utf8");
  else if (typeof value === "number" || typeof value === "boolean") text = String(value);
  else throw fieldError("acs-email.errors.notText", field, quotedValue(value));
  return text === "" ? undefined : text;
}
