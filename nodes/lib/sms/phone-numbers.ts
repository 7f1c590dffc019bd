// Recipient and sender parsing for SMS and MMS: every phone number is parsed and normalised to E.164
// by libphonenumber-js before anything is sent, so a typo fails the message with an error naming the
// field and the value instead of becoming a per-recipient failure (or an SMS to a stranger).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { AcsError, fieldError } from "../core/errors";
import { TimeSlice } from "../core/time-slice";

export type SenderKind = "phoneNumber" | "shortCode" | "alphanumeric";

export interface Sender {
  /** What goes into the request's `from`: E.164, the short code's digits, or the sender id. */
  value: string;
  kind: SenderKind;
}

const SHORT_CODE = /^\d{5,6}$/;
// 1 to 11 letters, digits and inner spaces, at least one letter (the carriers' and the service's rule).
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9 ]{0,9}[A-Za-z0-9])?$/;
const LIST_SEPARATORS = /[,;\n\r]+/;

/** The region for national numbers ("US", "gb"), upper-cased; undefined when empty. */
export function parseRegion(text: string | undefined): CountryCode | undefined {
  const region = text?.trim().toUpperCase();
  if (!region) return undefined;
  if (!/^[A-Z]{2}$/.test(region) || !isSupportedCountry(region)) throw fieldError("acs-sms.errors.badRegion", "defaultRegion", text);
  return region as CountryCode;
}

/**
 * One phone number in E.164. International input ("+44 7911 123456", "+1 (425) 555-0123") must
 * carry exactly the digits of the number; national input ("(425) 555-0123") needs `region`.
 */
export function toE164(input: string, field: string, region?: CountryCode): string {
  const text = input.trim().replace(/\(0\)/g, "");
  const parsed = text ? parsePhoneNumberFromString(text, region ? { defaultCountry: region } : undefined) : undefined;
  const international = /^\s*\+/.test(text);
  // libphonenumber drops a trunk prefix typed after the country code ("+1 1 425...", "+44 07911..."):
  // the service refuses such numbers, so they are reported here instead of silently changed.
  const sameDigits = !international || parsed?.number === `+${text.replace(/\D/g, "")}`;
  if (!parsed || !sameDigits || !parsed.isPossible()) {
    throw fieldError(region ? "acs-sms.errors.notPhoneNumberInRegion" : "acs-sms.errors.notPhoneNumber", field, input, region ? { region } : {});
  }
  return parsed.number;
}

/**
 * Recipients one msg may carry. Each costs a few hundred bytes while its request is answered and one
 * result (a msg or an entry of msg.acs.results) after; 100,000 stay well inside a default Node-RED heap.
 */
export const MAX_RECIPIENTS_PER_MSG = 100_000;
/** A list text longer than this holds more numbers than the limit (an E.164 number and a separator take at least 9 characters). */
const MAX_LIST_TEXT_LENGTH = MAX_RECIPIENTS_PER_MSG * 32;

/**
 * The recipients of one message, in E.164 and in input order, each number once. Accepts one
 * number, a list separated by commas, semicolons or new lines, or an array of numbers. Long lists are
 * parsed in time slices, so a msg to 100,000 numbers does not hold up the rest of the runtime.
 */
export async function parseRecipients(value: unknown, region?: CountryCode, field = "to", slice = new TimeSlice()): Promise<string[]> {
  const entries = await recipientEntries(value, field, slice);
  if (entries.length > MAX_RECIPIENTS_PER_MSG) throw tooMany(field, `${entries.length} recipients`);
  const numbers = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    numbers.add(toE164(entries[i], field, region));
    if ((i & 63) === 63) await slice.maybePause();
  }
  if (numbers.size === 0) throw new AcsError("acs-sms.errors.noRecipients", { field });
  return [...numbers];
}

function tooMany(field: string, value: string): AcsError {
  return fieldError("acs-sms.errors.tooManyRecipients", field, value, { limit: MAX_RECIPIENTS_PER_MSG });
}

async function recipientEntries(value: unknown, field: string, slice: TimeSlice): Promise<string[]> {
  if (value === undefined || value === null) return [];
  if (typeof value === "number" && Number.isFinite(value)) return [String(value)];
  const entries: string[] = [];
  if (typeof value === "string") {
    await splitList(value, field, entries, slice);
    return entries;
  }
  if (!Array.isArray(value)) throw fieldError("acs-sms.errors.notRecipientList", field, value);
  // Checked before any work: an array can only grow when its items are lists themselves.
  if (value.length > MAX_RECIPIENTS_PER_MSG) throw tooMany(field, `${value.length} recipients`);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === "string") await splitList(item, field, entries, slice);
    else if (typeof item === "number" && Number.isFinite(item)) entries.push(String(item));
    else throw fieldError("acs-sms.errors.notRecipientList", field, item);
    if ((i & 255) === 255) await slice.maybePause();
  }
  return entries;
}

/** Adds the entries of a list text to `entries`, in slices; throws once they are more than a msg may carry. */
async function splitList(text: string, field: string, entries: string[], slice: TimeSlice): Promise<void> {
  if (text.length > MAX_LIST_TEXT_LENGTH) throw tooMany(field, `a list of ${text.length} characters`);
  const separators = new RegExp(LIST_SEPARATORS.source, "g");
  let start = 0;
  for (let count = 1; ; count++) {
    const match = separators.exec(text);
    const entry = text.slice(start, match ? match.index : text.length).trim();
    if (entry !== "") entries.push(entry);
    if (entries.length > MAX_RECIPIENTS_PER_MSG) throw tooMany(field, `more than ${MAX_RECIPIENTS_PER_MSG} recipients`);
    if (!match) return;
    start = separators.lastIndex;
    if ((count & 255) === 0) await slice.maybePause();
  }
}

/** Senders already parsed, by region and text: a node usually sends from one, msg after msg. */
const parsedSenders = new Map<string, Readonly<Sender>>();
const PARSED_SENDERS_KEPT = 64;

/** The `from` of a message: a phone number (normalised to E.164), a 5-6 digit short code or an alphanumeric sender id. */
export function parseSender(value: string | undefined, region?: CountryCode, field = "from"): Readonly<Sender> {
  const key = `${region ?? ""}:${field}:${value ?? ""}`;
  const known = parsedSenders.get(key);
  if (known) return known;
  const sender = Object.freeze(parseNewSender(value, region, field));
  if (parsedSenders.size >= PARSED_SENDERS_KEPT) parsedSenders.clear();
  parsedSenders.set(key, sender);
  return sender;
}

function parseNewSender(value: string | undefined, region: CountryCode | undefined, field: string): Sender {
  const text = value?.trim() ?? "";
  if (text === "") throw new AcsError("acs-config.errors.required", { field });
  const compact = text.replace(/[\s-]/g, "");
  if (SHORT_CODE.test(compact)) return { value: compact, kind: "shortCode" };
  if (ALPHANUMERIC_SENDER.test(text)) return { value: text, kind: "alphanumeric" };
  if (/^[+\d\s().-]+$/.test(text)) {
    try {
      return { value: toE164(text, field, region), kind: "phoneNumber" };
    } catch {
      // Reported below with the hint that lists every accepted kind of sender.
    }
  }
  throw fieldError("acs-sms.errors.badSender", field, value);
}
