// Phone number and sender checks shared by SMS and MMS.

import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { SmsSenderKind } from "./quotas";

const TOLL_FREE_PREFIX = /^\+1(800|833|844|855|866|877|888)\d{7}$/;
const SHORT_CODE = /^\+?\d{5,6}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

/** E.164 and a possible number for its country: "+112345678901" (11 digits after +1) is refused. */
export function isE164(value: string): boolean {
  if (!/^\+[1-9]\d{6,14}$/.test(value)) return false;
  const parsed = parsePhoneNumberFromString(value);
  return parsed !== undefined && parsed.number === value && parsed.isPossible();
}

/** The kind of an SMS sender, or null when `from` is not a sender the service accepts. */
export function senderKind(from: string): SmsSenderKind | null {
  if (ALPHANUMERIC_SENDER.test(from)) return "alphanumeric";
  if (SHORT_CODE.test(from)) return "shortCode";
  if (TOLL_FREE_PREFIX.test(from)) return "tollFree";
  if (isE164(from)) return "longCode";
  return null;
}
