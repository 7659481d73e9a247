import { joinNames, type SystemEvent, systemEventText } from "@parley/validators";

import { displayText } from "../display-text";

/** A person's name as this reader knows it, or null while their profile is not loaded. */
export type NameOf = (userId: number) => string | null;

// Sender names in a group, told apart by colour as in other messengers; readable on both bubble colours.
const senderColours = [
  "text-[#1f7aec]",
  "text-[#c2410c]",
  "text-[#0f8a6a]",
  "text-[#9b3fd6]",
  "text-[#c0266d]",
  "text-[#0e7490]",
  "text-[#8a6d00]",
  "text-[#d9480f]",
] as const;

/** The same colour for a person every time, in every group. */
export function senderColour(userId: number): string {
  return senderColours[Math.abs(userId) % senderColours.length] ?? "text-accent-strong";
}

/**
 * "Ana added you": a system message told with the names this reader knows,
 * "You" for themselves. The server's stored text (names as they were then)
 * stands in when someone's name is not loaded yet.
 */
export function describeSystemEvent(
  event: SystemEvent,
  storedText: string | null,
  selfId: number,
  nameOf: NameOf,
): string {
  const isKnown = [event.actor_id, ...event.user_ids].every((id) => id === selfId || nameOf(id) !== null);
  // Made of names (people's, the group's), including the server's text, which has them as they were typed.
  return displayText(isKnown ? systemEventText(event, (id) => nameOf(id) ?? "", selfId) : (storedText ?? ""));
}

/** The group header's line while members type: "Ana is typing…", "Ana and Ben are typing…". */
export function typingLine(names: string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0] ?? ""} is typing…`;
  if (names.length === 2) return `${joinNames(names)} are typing…`;
  return `${names.length} people are typing…`;
}

export function memberCountLabel(count: number): string {
  return count === 1 ? "1 member" : `${count} members`;
}
