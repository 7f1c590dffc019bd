// Recipient and sender parsing for SMS and MMS: every phone number is parsed and normalised to E.164
// by libphonenumber-js before anything is sent, so a typo fails the message with an error naming the
// field and the value instead of becoming a per-recipient failure (or an SMS to a stranger).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { AcsError, fieldError } from "../core/errors";

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
 * The recipients of one message, in E.164 and in input order, each number once. Accepts one
 * number, a list separated by commas, semicolons or new lines, or an array of numbers.
 */
export function parseRecipients(value: unknown, region?: CountryCode, field = "to"): string[] {
  const entries = recipientEntries(value, field);
  const numbers = new Set<string>();
  for (const entry of entries) numbers.add(toE164(entry, field, region));
  if (numbers.size === 0) throw new AcsError("acs-sms.errors.noRecipients", { field });
  return [...numbers];
}

function recipientEntries(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "number" && Number.isFinite(value)) return [String(value)];
  if (typeof value === "string") return splitList(value);
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item === "string") return splitList(item);
      if (typeof item === "number" && Number.isFinite(item)) return [String(item)];
      throw fieldError("acs-sms.errors.notRecipientList", field, item);
    });
  }
  throw fieldError("acs-sms.errors.notRecipientList", field, value);
}

function splitList(text: string): string[] {
  return text.split(LIST_SEPARATORS).map((part) => part.trim()).filter((part) => part !== "");
}

/** The `from` of a message: a phone number (normalised to E.164), a 5-6 digit short code or an alphanumeric sender id. */
export function parseSender(value: string | undefined, region?: CountryCode, field = "from"): Sender {
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
