import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/** "+14152011234" → "+1 415 201 1234", for display. Anything unparsable is shown as given. */
export function formatPhoneNumber(value: string): string {
  const parsed = value.trim().startsWith("+") ? parsePhoneNumberFromString(value.trim()) : undefined;
  return parsed?.isValid() ? parsed.formatInternational() : value;
}
