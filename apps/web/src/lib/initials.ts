import { displayText } from "./display-text";

/** "Ada Lovelace" → "AL"; falls back to the last two digits of the number. */
export function initials(name: string | null | undefined, fallback: string): string {
  // A bidi control is no letter: as the first character it would be an invisible initial.
  const words = displayText(name ?? "")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const first = words[0]?.[0];
  const last = words.length > 1 ? words[words.length - 1]?.[0] : undefined;
  const letters = `${first ?? ""}${last ?? ""}`.toUpperCase();
  return letters || fallback.slice(-2);
}
