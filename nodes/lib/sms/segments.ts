// How many SMS segments a text takes and in which encoding: GSM-7 when every character is in the
// GSM 03.38 alphabet (160 septets in one segment, 153 per segment when split; the extension
// characters take two septets), UCS-2 otherwise (70 UTF-16 units, 67 when split). Carriers bill per
// segment, so the node reports it.

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SegmentInfo {
  encoding: SmsEncoding;
  segments: number;
  /** Length as the service counts it (UTF-16 code units). */
  characters: number;
}

const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION = "^{}\\[~]|€\f";

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

const LIMITS = {
  "GSM-7": { single: 160, part: 153 },
  "UCS-2": { single: 70, part: 67 },
} as const;

export function smsSegments(text: string): SegmentInfo {
  const gsm = gsm7Units(text);
  const encoding: SmsEncoding = gsm ? "GSM-7" : "UCS-2";
  // Units that must stay together in one segment: an escape and its character, a surrogate pair.
  const units = gsm ?? ucs2Units(text);
  return { encoding, segments: countSegments(units, LIMITS[encoding]), characters: text.length };
}

/** Septets per character, or undefined when a character is outside the GSM-7 alphabet. */
function gsm7Units(text: string): number[] | undefined {
  const units: number[] = [];
  for (const char of text) {
    if (basic.has(char)) units.push(1);
    else if (extension.has(char)) units.push(2);
    else return undefined;
  }
  return units;
}

function ucs2Units(text: string): number[] {
  return [...text].map((char) => char.length);
}

function countSegments(units: number[], limits: { single: number; part: number }): number {
  const total = units.reduce((sum, n) => sum + n, 0);
  if (total === 0) return 0;
  if (total <= limits.single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of units) {
    if (used + size > limits.part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return segments;
}
