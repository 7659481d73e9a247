import { TRPCError } from "@trpc/server";
import { type AnyColumn, and, desc, eq, inArray, isNotNull, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { schema } from "@parley/db";
import type { ChatListItem, ChatOutput } from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import { publishEphemeral } from "./events";
import { selectGroupChats } from "./groups";
import { findChatForMember, noSuchChat, peerOf, receiptsOffIn, replyColumns, toMessageOutput } from "./messages";
import { toPublicProfile, viewerStanding } from "./user";

const peers = alias(schema.users, "peer");
const lastMessages = alias(schema.messages, "last_message");
const lastStatuses = alias(schema.messageStatus, "last_status");
const quoted = alias(schema.messages, "quoted");
const quotedMedia = alias(schema.media, "quoted_media");
const lastMedia = alias(schema.media, "last_media");

// Typing indicators disappear on the client unless refreshed within this time.
export const TYPING_EXPIRES_MS = 6_000;

/**
 * The chat list mixes 1:1 chats and groups, ordered by (time, type, id) descending, so one
 * cursor pages both: rows strictly after it in that order come next.
 */
export type ChatCursor = { at: Date; type: ChatListItem["type"]; id: number };

function encodeCursor(cursor: ChatCursor): string {
  return Buffer.from(`${cursor.at.toISOString()}|${cursor.type}|${cursor.id}`).toString("base64url");
}

function decodeCursor(cursor: string): ChatCursor | null {
  const [at, type, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const date = new Date(at ?? "");
  if (Number.isNaN(date.getTime()) || (type !== "direct" && type !== "group") || !/^\d+$/.test(id ?? "")) return null;
  return { at: date, type, id: Number(id) };
}

/** Whether a row sorts after the cursor: earlier, or as early and lower in (type, id). */
export function afterCursor(cursor: ChatCursor, type: ChatListItem["type"], at: SQL | AnyColumn, id: AnyColumn): SQL {
  const cursorAt = sql`${cursor.at.toISOString()}::timestamptz`;
  if (type > cursor.type) return sql`${at} < ${cursorAt}`;
  const sameTime = type < cursor.type ? sql`true` : sql`${id} < ${cursor.id}`;
  return sql`(${at} < ${cursorAt} or (${at} = ${cursorAt} and ${sameTime}))`;
}

/** Chats as the viewer sees them, each with the key it is ordered (and paged) by. */
async function selectChats(
  deps: Deps,
  userId: number,
  where: SQL | undefined,
  limit: number,
): Promise<{ chat: ChatOutput; sortKey: Date }[]> {
  const rows = await deps.db
    .select({
      chat: schema.chats,
      peer: peers,
      lastMessage: lastMessages,
      lastStatus: lastStatuses.status,
      lastMedia,
      receiptsOff: receiptsOffIn(schema.chats.user1Id, schema.chats.user2Id),
      quoted: replyColumns(quoted, quotedMedia),
      standing: viewerStanding(userId, peers.id),
    })
    .from(schema.chats)
    .innerJoin(
      peers,
      eq(
        peers.id,
        sql`case when ${schema.chats.user1Id} = ${userId} then ${schema.chats.user2Id} else ${schema.chats.user1Id} end`,
      ),
    )
    // The newest message this viewer has not deleted for themselves (usually seq = last_seq).
    .leftJoin(
      lastMessages,
      eq(
        lastMessages.id,
        sql`(select m.id from ${schema.messages} m where m.chat_id = ${schema.chats.id}
              and not exists (select 1 from ${schema.hiddenMessages} h where h.user_id = ${userId} and h.message_id = m.id)
              order by m.seq desc limit 1)`,
      ),
    )
    .leftJoin(
      lastStatuses,
      and(eq(lastStatuses.messageId, lastMessages.id), ne(lastStatuses.userId, lastMessages.senderId)),
    )
    .leftJoin(quoted, eq(quoted.id, lastMessages.replyToMessageId))
    .leftJoin(quotedMedia, eq(quotedMedia.id, quoted.mediaId))
    .leftJoin(lastMedia, eq(lastMedia.id, lastMessages.mediaId))
    .where(
      and(
        or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId)),
        isNotNull(schema.chats.lastMessageAt),
        where,
      ),
    )
    .orderBy(desc(schema.chats.lastMessageAt), desc(schema.chats.id))
    .limit(limit);
  return rows.map((row) => ({
    sortKey: row.chat.lastMessageAt ?? row.chat.createdAt,
    chat: {
      type: "direct",
      id: row.chat.id,
      peer: toPublicProfile(row.peer, row.standing),
      last_message: row.lastMessage
        ? toMessageOutput({
            message: row.lastMessage,
            status: row.lastStatus,
            user1Id: row.chat.user1Id,
            user2Id: row.chat.user2Id,
            media: row.lastMedia,
            receiptsOff: row.receiptsOff,
            reply: row.quoted,
          })
        : null,
      last_message_at: row.chat.lastMessageAt?.toISOString() ?? null,
      unread_count: row.chat.user1Id === userId ? row.chat.user1UnreadCount : row.chat.user2UnreadCount,
      last_seq: row.chat.lastSeq,
    },
  }));
}

/** The caller's 1:1 chats and groups, most recent first, keyset-paged on (time, type, id). */
export async function listChats(deps: Deps, userId: number, input: { limit: number; cursor?: string }) {
  const cursor = input.cursor ? decodeCursor(input.cursor) : null;
  if (input.cursor && !cursor)
    throw new TRPCError({ code: "BAD_REQUEST", message: "This cursor is not one we gave out." });
  const [direct, groups] = await Promise.all([
    selectChats(
      deps,
      userId,
      cursor ? afterCursor(cursor, "direct", schema.chats.lastMessageAt, schema.chats.id) : undefined,
      input.limit + 1,
    ),
    selectGroupChats(deps, userId, cursor, input.limit + 1),
  ]);
  const rows: { chat: ChatListItem; sortKey: Date }[] = [...direct, ...groups].sort(
    (a, b) =>
      b.sortKey.getTime() - a.sortKey.getTime() || b.chat.type.localeCompare(a.chat.type) || b.chat.id - a.chat.id,
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    chats: page.map((row) => row.chat),
    next_cursor:
      rows.length > input.limit && last
        ? encodeCursor({ at: last.sortKey, type: last.chat.type, id: last.chat.id })
        : null,
  };
}

export async function getChat(deps: Deps, userId: number, chatId: number): Promise<ChatOutput> {
  const [row] = await selectChats(deps, userId, eq(schema.chats.id, chatId), 1);
  if (!row) throw noSuchChat();
  return row.chat;
}

/** The chat with a user, if there is one yet (chats are created by the first message). */
export async function findChatWith(deps: Deps, userId: number, otherId: number): Promise<ChatOutput | null> {
  const [user1Id, user2Id] = userId < otherId ? [userId, otherId] : [otherId, userId];
  const [row] = await selectChats(
    deps,
    userId,
    and(eq(schema.chats.user1Id, user1Id), eq(schema.chats.user2Id, user2Id)),
    1,
  );
  return row?.chat ?? null;
}

/** "Typing…": relayed live to the peer, never stored, gone by itself. */
export async function sendTyping(deps: Deps, userId: number, input: { chat_id: number; is_typing: boolean }) {
  const chat = await findChatForMember(deps.db, input.chat_id, userId);
  const peerId = peerOf(chat, userId);
  if ((await blockStateBetween(deps, userId, peerId)) === "none") {
    await publishEphemeral(deps, [peerId], {
      type: "typing",
      chat_id: chat.id,
      user_id: userId,
      is_typing: input.is_typing,
      expires_in_ms: TYPING_EXPIRES_MS,
    });
  }
  return { ok: true as const };
}

/** Everyone who has a chat with the user and hasn't blocked or been blocked by them. */
export async function chatPeers(deps: Deps, userId: number): Promise<number[]> {
  const rows = await deps.db
    .select({ user1Id: schema.chats.user1Id, user2Id: schema.chats.user2Id })
    .from(schema.chats)
    .where(or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId)));
  const peerIds = rows.map((row) => peerOf(row, userId));
  if (peerIds.length === 0) return [];
  const blocked = await deps.db
    .select({ blockerId: schema.blockedUsers.blockerId, blockedId: schema.blockedUsers.blockedId })
    .from(schema.blockedUsers)
    .where(
      or(
        and(eq(schema.blockedUsers.blockerId, userId), inArray(schema.blockedUsers.blockedId, peerIds)),
        and(eq(schema.blockedUsers.blockedId, userId), inArray(schema.blockedUsers.blockerId, peerIds)),
      ),
    );
  const excluded = new Set(blocked.map((row) => (row.blockerId === userId ? row.blockedId : row.blockerId)));
  return peerIds.filter((id) => !excluded.has(id));
}
