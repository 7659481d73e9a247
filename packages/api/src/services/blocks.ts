import { TRPCError } from "@trpc/server";
import { and, desc, eq, or } from "drizzle-orm";

import { schema } from "@parley/db";

import type { Deps } from "../runtime";
import { assertTies } from "./ties";
import { findActiveUserSummary, toUserSummary } from "./user";

export type BlockState = "none" | "you_blocked" | "blocked_you";

/** Whether either side blocked the other (yours wins when both did). */
export async function blockStateBetween(deps: Deps, userId: number, otherId: number): Promise<BlockState> {
  const rows = await deps.db
    .select({ blockerId: schema.blockedUsers.blockerId })
    .from(schema.blockedUsers)
    .where(
      or(
        and(eq(schema.blockedUsers.blockerId, userId), eq(schema.blockedUsers.blockedId, otherId)),
        and(eq(schema.blockedUsers.blockerId, otherId), eq(schema.blockedUsers.blockedId, userId)),
      ),
    );
  if (rows.some((row) => row.blockerId === userId)) return "you_blocked";
  return rows.length > 0 ? "blocked_you" : "none";
}

export async function blockUser(deps: Deps, userId: number, targetId: number) {
  if (targetId === userId) throw new TRPCError({ code: "BAD_REQUEST", message: "You can't block yourself." });
  await assertTies(deps, userId, [targetId]);
  const target = await findActiveUserSummary(deps, targetId);
  await deps.db.insert(schema.blockedUsers).values({ blockerId: userId, blockedId: targetId }).onConflictDoNothing();
  return { message: `Blocked ${target.full_name ?? target.phone_number}` };
}

export async function unblockUser(deps: Deps, userId: number, targetId: number) {
  await assertTies(deps, userId, [targetId]);
  const target = await findActiveUserSummary(deps, targetId);
  await deps.db
    .delete(schema.blockedUsers)
    .where(and(eq(schema.blockedUsers.blockerId, userId), eq(schema.blockedUsers.blockedId, targetId)));
  return { message: `Unblocked ${target.full_name ?? target.phone_number}` };
}

export async function listBlocked(deps: Deps, userId: number) {
  const rows = await deps.db
    .select({ user: schema.users, blockedAt: schema.blockedUsers.createdAt })
    .from(schema.blockedUsers)
    .innerJoin(schema.users, eq(schema.users.id, schema.blockedUsers.blockedId))
    .where(eq(schema.blockedUsers.blockerId, userId))
    .orderBy(desc(schema.blockedUsers.createdAt));
  return { blocked: rows.map((row) => ({ ...toUserSummary(row.user), blocked_at: row.blockedAt.toISOString() })) };
}
