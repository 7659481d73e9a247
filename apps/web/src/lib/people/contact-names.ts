/**
 * The names you gave your contacts, by E.164 phone number: what `displayName` shows instead of
 * the name people gave themselves. One store per tab, filled from `contact.list` by a hook
 * mounted once on the chat screen; a plain module rather than React state so that pure helpers
 * (`displayName`, the texts of system messages) can name people without taking it as an argument.
 * It is only ever filled in the browser (from an effect), so server renders never share it.
 */

import { displayText } from "../display-text";
import { formatPhoneNumber } from "../phone";

export type ContactNames = ReadonlyMap<string, string>;

type Listener = () => void;

const empty: ContactNames = new Map();
let names: ContactNames = empty;
const listeners = new Set<Listener>();

/** The name you saved for this number, if it is in your contacts. */
export function contactNameOf(phoneNumber: string): string | undefined {
  return names.get(phoneNumber);
}

/**
 * A person as you know them: the name you saved in your contacts, else their own name, else
 * their number. `saved` is for callers that hold a snapshot (to recompute when it changes).
 * Every person's name on screen comes through here, so here it loses its bidi controls.
 */
export function personName(
  profile: { full_name: string | null; phone_number: string },
  saved: ContactNames = names,
): string {
  return displayText(
    saved.get(profile.phone_number) ?? (profile.full_name?.trim() || formatPhoneNumber(profile.phone_number)),
  );
}

/** The current names; a new map (a new identity) after every change, for `useSyncExternalStore`. */
export function getContactNames(): ContactNames {
  return names;
}

export function getServerContactNames(): ContactNames {
  return empty;
}

export function subscribeContactNames(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Replaces the names with those of these contacts; listeners only hear of an actual change. */
export function setContactNames(contacts: readonly { phone_number: string; name: string }[]): void {
  const next = new Map<string, string>();
  for (const contact of contacts) {
    const name = contact.name.trim();
    if (name) next.set(contact.phone_number, name);
  }
  if (isSame(names, next)) return;
  names = next.size === 0 ? empty : next;
  for (const listener of listeners) listener();
}

function isSame(current: ContactNames, next: ContactNames): boolean {
  if (current.size !== next.size) return false;
  for (const [phoneNumber, name] of next) if (current.get(phoneNumber) !== name) return false;
  return true;
}
