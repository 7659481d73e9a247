import { inArray, sql } from "drizzle-orm";

import { schema, type Transaction } from "@parley/db";
import type { ReactionSummary } from "@parley/validators";

import type { Deps } from "../runtime";

/** Each message's reactions, one entry per emoji (most used first, then first used), in one query. */
export async function reactionSummaries(
  db: Deps["db"] | Transaction,
  messageIds: number[],
): Promise<Map<number, ReactionSummary[]>> {
  const byMessage = new Map<number, ReactionSummary[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await db
    .select({
      messageId: schema.messageReactions.messageId,
      emoji: schema.messageReactions.emoji,
      count: sql<number>`count(*)::int`,
      userIds: sql<
        number[]
      >`array_agg(${schema.messageReactions.userId} order by ${schema.messageReactions.createdAt})`,
    })
    .from(schema.messageReactions)
    .where(inArray(schema.messageReactions.messageId, messageIds))
    .groupBy(schema.messageReactions.messageId, schema.messageReactions.emoji)
    .orderBy(sql`count(*) desc`, sql`min(${schema.messageReactions.createdAt})`);
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push({ emoji: row.emoji, count: row.count, user_ids: row.userIds.map(Number) });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}

/** Messages as read from a page (history, chat list, search): with their reactions filled in. */
export async function withReactions<T extends { id: number; reactions: ReactionSummary[]; is_deleted: boolean }>(
  db: Deps["db"] | Transaction,
  messages: T[],
): Promise<T[]> {
  const summaries = await reactionSummaries(
    db,
    messages.filter((message) => !message.is_deleted).map((message) => message.id),
  );
  return messages.map((message) => ({ ...message, reactions: summaries.get(message.id) ?? [] }));
}
