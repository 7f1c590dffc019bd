// Whole-number settings of the acs-events node: an empty field takes the default, anything else
// must be a whole number in range, or the error names the field, the value and the range.
import { fieldError } from "../core/errors";

export function wholeNumber(value: string | number | undefined, field: string, min: number, max: number, fallback: number): number {
  const text = String(value ?? "").trim();
  if (text === "") return fallback;
  const number = Number(text);
  if (!Number.isInteger(number) || number < min || number > max) throw fieldError("acs-events.errors.outOfRange", field, text, { min, max });
  return number;
}
