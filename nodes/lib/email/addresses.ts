// Email addresses as flows supply them: a text with separators ("a@x.com; Bob <b@y.org>"), a list of
// texts or of {address, displayName}, or one such object; each checked for syntax so that a typo is
// reported before anything is sent.
import type { EmailAddress } from "@azure/communication-email";
import { fieldError } from "../core/errors";

const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** True for a practical internet address: local@domain.tld, dot-atom local part, no spaces or quotes. */
export function isEmailAddress(text: string): boolean {
  if (text.length > MAX_ADDRESS_LENGTH) return false;
  const at = text.lastIndexOf("@");
  if (at < 1) return false;
  const local = text.slice(0, at);
  const labels = text.slice(at + 1).split(".");
  if (local.length > MAX_LOCAL_LENGTH || !LOCAL_PART.test(local)) return false;
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  // The top-level domain is never all digits (that would be an IP address written wrongly).
  return !/^\d+$/.test(labels[labels.length - 1]);
}

/**
 * The addresses of one field (`to`, `cc`, `bcc`, `replyTo`...). Empty values give an empty list;
 * anything that is not an address throws an AcsError naming the field and the value.
 */
export function parseAddresses(field: string, value: unknown): EmailAddress[] {
  if (value === undefined || value === null || value === "") return [];
  if (Buffer.isBuffer(value)) return parseAddresses(field, value.toString("utf8"));
  if (typeof value === "string") return splitAddressList(value).map((entry) => parseEntry(field, entry));
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, index) => {
      const itemField = `${field}[${index}]`;
      if (typeof item === "string") return splitAddressList(item).map((entry) => parseEntry(itemField, entry));
      return [parseObject(itemField, item)];
    });
  }
  return [parseObject(field, value)];
}

/** One address, e.g. a sender: exactly one entry is expected. */
export function parseSingleAddress(field: string, value: unknown): EmailAddress | undefined {
  const list = parseAddresses(field, value);
  if (list.length > 1) throw fieldError("acs-email.errors.oneAddressOnly", field, value);
  return list[0];
}

/** Splits on `,`, `;` and line breaks that are not inside quotes or angle brackets. */
export function splitAddressList(text: string): string[] {
  const entries: string[] = [];
  let current = "";
  let quoted = false;
  let angled = false;
  for (const char of text) {
    if (char === '"' && !angled) quoted = !quoted;
    else if (char === "<" && !quoted) angled = true;
    else if (char === ">" && !quoted) angled = false;
    if (!quoted && !angled && (char === "," || char === ";" || char === "\n" || char === "\r")) {
      entries.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== "");
}

/** `addr`, `<addr>`, `Name <addr>` or `"Name, Jr." <addr>`. */
function parseEntry(field: string, entry: string): EmailAddress {
  const named = /^(.*?)\s*<([^<>]*)>$/s.exec(entry);
  const address = (named ? named[2] : entry).trim();
  if (!isEmailAddress(address)) throw fieldError("acs-email.errors.badAddress", field, named ? address : entry);
  const displayName = named ? unquote(named[1].trim()) : "";
  return displayName ? { address, displayName } : { address };
}

function parseObject(field: string, value: unknown): EmailAddress {
  const item = value as { address?: unknown; displayName?: unknown } | null;
  if (typeof item !== "object" || item === null || typeof item.address !== "string") {
    throw fieldError("acs-email.errors.notAnAddress", field, quotedValue(value));
  }
  const address = item.address.trim();
  if (!isEmailAddress(address)) throw fieldError("acs-email.errors.badAddress", field, item.address);
  const displayName = typeof item.displayName === "string" ? item.displayName.trim() : "";
  return displayName ? { address, displayName } : { address };
}

function unquote(name: string): string {
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1).replace(/\\(.)/g, "$1").trim() : name;
}

/** A value for an error text where any type may appear: texts are quoted, other values written as JSON. */
export function quotedValue(value: unknown): unknown {
  return typeof value === "string" ? JSON.stringify(value) : value;
}

/** The bare addresses, comma separated ("a@x.com, b@y.org"), for msg.acs and the correlation store. */
export function formatAddresses(list: EmailAddress[]): string {
  return list.map((entry) => entry.address).join(", ");
}
