import { TRPCError } from "@trpc/server";
import { and, type AnyColumn, eq, inArray, type SQL, sql } from "drizzle-orm";

import { schema } from "@parley/db";

import type { Deps } from "../runtime";
import { qualifiedColumn } from "./user";

/**
 * Whether the viewer has a tie to the user `userId` names: themselves, a 1:1 chat, a group both
 * are or were in, the user's number in the viewer's contacts, a block by the viewer, or an exact
 * number search by the viewer that found them. Ids are sequential, so an id alone must resolve
 * to nobody: anything that shows a person, or reaches them, by id asks this first.
 */
export function tieWith(viewerId: number, user: AnyColumn | number): SQL<boolean> {
  const userId = typeof user === "number" ? sql`${user}::int` : qualifiedColumn(user);
  return sql<boolean>`(
    ${userId} = ${viewerId}
    or exists (select 1 from ${schema.chats} tie_chat
      where tie_chat.user1_id = least(${userId}, ${viewerId}::int) and tie_chat.user2_id = greatest(${userId}, ${viewerId}::int))
    or exists (select 1 from ${schema.groupMembers} tie_mine join ${schema.groupMembers} tie_theirs on tie_theirs.group_id = tie_mine.group_id
      where tie_mine.user_id = ${viewerId} and tie_theirs.user_id = ${userId})
    or exists (select 1 from ${schema.contacts} tie_contact join ${schema.users} tie_user on tie_user.id = ${userId}
      where tie_contact.user_id = ${viewerId} and tie_contact.contact_phone_number = tie_user.phone_number)
    or exists (select 1 from ${schema.blockedUsers} tie_block where tie_block.blocker_id = ${viewerId} and tie_block.blocked_id = ${userId})
    or exists (select 1 from ${schema.userLookups} tie_lookup where tie_lookup.user_id = ${viewerId} and tie_lookup.found_user_id = ${userId})
  )`;
}

export const noSuchUser = () => new TRPCError({ code: "NOT_FOUND", message: "There is no Parley user with this id." });

/** Refuses, as if they did not exist, any of `userIds` the viewer has no tie to (or that is not an active user). */
export async function assertTies(deps: Pick<Deps, "db">, viewerId: number, userIds: readonly number[]): Promise<void> {
  const wanted = [...new Set(userIds)];
  if (wanted.length === 0) return;
  const reachable = await deps.db
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(and(inArray(schema.users.id, wanted), eq(schema.users.isActive, true), tieWith(viewerId, schema.users.id)));
  if (reachable.length !== wanted.length) throw noSuchUser();
}

/** An exact number search found this user: from now on the searcher may see them by id and message them. */
export async function recordLookup(deps: Pick<Deps, "db">, viewerId: number, foundUserId: number): Promise<void> {
  if (viewerId === foundUserId) return;
  await deps.db.insert(schema.userLookups).values({ userId: viewerId, foundUserId }).onConflictDoNothing();
}
