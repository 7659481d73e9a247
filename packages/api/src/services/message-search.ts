import { TRPCError } from "@trpc/server";
import { type AnyColumn, and, desc, eq, or, type SQL, sql } from "drizzle-orm";

import { type InferSelectModel, schema } from "@parley/db";
import type { FoundMessage } from "@parley/validators";

import type { Deps } from "../runtime";
import { peerOf, toMessageOutput } from "./chats";
import type { MessageRow } from "./conversation/message-row";
import { groupSeenBy, toGroupMessageOutput } from "./groups";
import type { MediaRow } from "./media/media";
import { withReactions } from "./reactions";

/**
 * Messages the viewer may see (their 1:1 chats; their groups within their window), minus those they
 * deleted for themselves and group notices, with where each was said.
 */
function selectVisibleMessages(deps: Deps, viewerId: number, extra: { starred?: boolean }) {
  const columns = {
    message: schema.messages,
    media: schema.media,
    user1Id: schema.chats.user1Id,
    user2Id: schema.chats.user2Id,
    group: schema.groups,
    member: schema.groupMembers,
    starredAt: schema.starredMessages.createdAt,
  };
  const base = deps.db
    .select(columns)
    .from(schema.messages)
    .leftJoin(schema.chats, eq(schema.chats.id, schema.messages.chatId))
    .leftJoin(schema.groups, eq(schema.groups.id, schema.messages.groupId))
    .leftJoin(
      schema.groupMembers,
      and(eq(schema.groupMembers.groupId, schema.messages.groupId), eq(schema.groupMembers.userId, viewerId)),
    )
    .leftJoin(schema.media, eq(schema.media.id, schema.messages.mediaId));
  const starredJoin = and(
    eq(schema.starredMessages.messageId, schema.messages.id),
    eq(schema.starredMessages.userId, viewerId),
  );
  const joined = extra.starred
    ? base.innerJoin(schema.starredMessages, starredJoin)
    : base.leftJoin(schema.starredMessages, starredJoin);
  const visible = and(
    or(
      eq(schema.chats.user1Id, viewerId),
      eq(schema.chats.user2Id, viewerId),
      sql`(${schema.groupMembers.userId} is not null and ${schema.messages.seq} >= ${schema.groupMembers.joinedSeq}
           and (${schema.groupMembers.leftSeq} is null or ${schema.messages.seq} <= ${schema.groupMembers.leftSeq}))`,
    ),
    sql`${schema.messages.messageType} <> 'system'`,
    sql`not exists (select 1 from ${schema.hiddenMessages} h where h.user_id = ${viewerId} and h.message_id = ${schema.messages.id})`,
  );
  return { query: joined, visible };
}

type VisibleRow = {
  message: MessageRow;
  media: MediaRow | null;
  user1Id: number | null;
  user2Id: number | null;
  group: InferSelectModel<typeof schema.groups> | null;
  member: InferSelectModel<typeof schema.groupMembers> | null;
};

function toFound(viewerId: number, row: VisibleRow): FoundMessage {
  if (row.group && row.member) {
    // Named as the viewer knew the group: a former member doesn't learn its new name from a search.
    const group = groupSeenBy(row.group, row.member);
    const message = toGroupMessageOutput(row.message, group, null, row.media);
    return {
      conversation: { type: "group", group_id: group.id, name: group.name },
      message: { ...message, message_type: message.message_type === "system" ? "text" : message.message_type },
    };
  }
  const user1Id = row.user1Id ?? 0;
  const user2Id = row.user2Id ?? 0;
  const message = toMessageOutput({
    message: row.message,
    status: null,
    user1Id,
    user2Id,
    media: row.media,
    reply: null,
    receiptsOff: false,
  });
  return {
    conversation: { type: "direct", chat_id: message.chat_id, peer_id: peerOf({ user1Id, user2Id }, viewerId) },
    message,
  };
}

/** Starred lists and search results page newest first by (time, message id): the cursor is the last row's, opaque. */
const encodeCursor = (at: Date, messageId: number) =>
  Buffer.from(`${at.toISOString()}|${messageId}`).toString("base64url");

/** The rows after a cursor (older), or undefined without one; a cursor we didn't give out is BAD_REQUEST. */
function olderThan(cursor: string | undefined, at: AnyColumn, messageId: AnyColumn): SQL | undefined {
  if (!cursor) return undefined;
  const [time, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!time || !id || Number.isNaN(Date.parse(time)) || !/^\d+$/.test(id)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "This cursor is not one we gave out." });
  }
  return sql`(${at}, ${messageId}) < (${time}::timestamptz, ${Number(id)})`;
}

/** Your starred messages, most recently starred first. */
export async function listStarred(deps: Deps, userId: number, input: { limit: number; cursor?: string }) {
  const after = olderThan(input.cursor, schema.starredMessages.createdAt, schema.starredMessages.messageId);
  const { query, visible } = selectVisibleMessages(deps, userId, { starred: true });
  const rows = await query
    .where(and(visible, after))
    .orderBy(desc(schema.starredMessages.createdAt), desc(schema.starredMessages.messageId))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const found = await withFoundReactions(
    deps,
    page.map((row) => ({ ...toFound(userId, row), starred_at: (row.starredAt ?? new Date()).toISOString() })),
  );
  const last = page.at(-1);
  return {
    messages: found,
    next_cursor: rows.length > input.limit && last?.starredAt ? encodeCursor(last.starredAt, last.message.id) : null,
  };
}

/** Words of a search as a prefix query: "din tom" finds "dinner tomorrow". Only letters and digits reach tsquery. */
function toPrefixQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length === 0
    ? null
    : words
        .slice(0, 8)
        .map((word) => `${word}:*`)
        .join(" & ");
}

/**
 * Full-text search over the text of messages the caller may see (PostgreSQL's, with the
 * 'simple' configuration so any language matches word by word), newest first.
 */
export async function searchMessages(deps: Deps, userId: number, input: { q: string; limit: number; cursor?: string }) {
  const tsquery = toPrefixQuery(input.q);
  if (!tsquery) throw new TRPCError({ code: "BAD_REQUEST", message: "Search for at least one word." });
  const after = olderThan(input.cursor, schema.messages.createdAt, schema.messages.id);
  const { query, visible } = selectVisibleMessages(deps, userId, {});
  const rows = await query
    .where(
      and(
        visible,
        // The same expression as idx_messages_search, so the GIN index answers it.
        sql`to_tsvector('simple', coalesce(${schema.messages.content}, '')) @@ to_tsquery('simple', ${tsquery})`,
        sql`${schema.messages.deletedAt} is null`,
        after,
      ),
    )
    // By time, which no B-tree orders: PostgreSQL then takes the matches from the GIN index and sorts
    // the few visible ones, instead of walking every message newest first and computing each one's
    // tsvector (measured: seconds, once other people's messages outnumber yours).
    .orderBy(desc(schema.messages.createdAt), desc(schema.messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    messages: await withFoundReactions(
      deps,
      page.map((row) => toFound(userId, row)),
    ),
    next_cursor: rows.length > input.limit && last ? encodeCursor(last.message.createdAt, last.message.id) : null,
  };
}

async function withFoundReactions<T extends FoundMessage>(deps: Deps, found: T[]): Promise<T[]> {
  const messages = await withReactions(
    deps.db,
    found.map((item) => item.message),
  );
  return found.map((item, index) => ({ ...item, message: messages[index] ?? item.message }));
}
