import type { SystemEvent } from "./group";

/** "Ana", "Ana and Ben", "Ana, Ben and Cy". */
export function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1) ?? ""}`;
}

/**
 * A system message in words ("Ana added Ben"). The server stores it with the names of the
 * moment; clients tell it again with the names they know, the reader as "You" / "you".
 */
export function systemEventText(
  event: SystemEvent,
  nameOf: (userId: number) => string,
  readerId: number | null = null,
): string {
  const actor = event.actor_id === readerId ? "You" : nameOf(event.actor_id);
  const people = joinNames(event.user_ids.map((id) => (id === readerId ? "you" : nameOf(id))));
  switch (event.action) {
    case "created":
      return `${actor} created the group "${event.name ?? ""}"`;
    case "added":
      return `${actor} added ${people}`;
    case "removed":
      return `${actor} removed ${people}`;
    case "left":
      return `${actor} left`;
    case "promoted":
      return people === "you" ? "You're now an admin" : `${people} is now an admin`;
    case "demoted":
      return people === "you" ? "You're no longer an admin" : `${people} is no longer an admin`;
    case "renamed":
      return `${actor} changed the group name to "${event.name ?? ""}"`;
    case "description_changed":
      return `${actor} changed the group description`;
    case "picture_changed":
      return `${actor} changed the group picture`;
  }
}
