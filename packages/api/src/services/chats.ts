import { TRPCError } from "@trpc/server";
import { type AnyColumn, and, desc, eq, inArray, isNotNull, ne, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { type InferSelectModel, schema, type Transaction } from "@parley/db";
import type { ChatOutput, MessageOutput, MessageStatus } from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import { asMessageType, encryptedPayload, type MessageRow } from "./conversation/message-row";
import { replyColumns, type ReplyRow, toReplyPreview } from "./conversation/reply";
import { TYPING_EXPIRES_MS } from "./conversation/typing";
import { publishEphemeral } from "./events";
import { type MediaRow, messageAttachments } from "./media/media";
import { toPublicProfile, viewerStanding } from "./user";

export type ChatRow = InferSelectModel<typeof schema.chats>;

export const noSuchChat = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such chat." });

export function peerOf(chat: Pick<ChatRow, "user1Id" | "user2Id">, userId: number): number {
  return chat.user1Id === userId ? chat.user2Id : chat.user1Id;
}

/** The chat, if the caller is one of its two members; NOT_FOUND otherwise (never someone else's chat). */
export async function findChatForMember(
  db: Deps["db"] | Transaction,
  chatId: number,
  userId: number,
): Promise<ChatRow> {
  const [chat] = await db
    .select()
    .from(schema.chats)
    .where(and(eq(schema.chats.id, chatId), or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId))))
    .limit(1);
  if (!chat) throw noSuchChat();
  return chat;
}

/** Whether either person of a 1:1 chat turned read receipts off: then neither sees blue ticks. */
export const receiptsOffIn = (user1Id: AnyColumn, user2Id: AnyColumn) =>
  sql<boolean>`exists (select 1 from ${schema.users} ru where ru.id in (${user1Id}, ${user2Id}) and not ru.read_receipts)`;

/** A 1:1 message as loaded with its chat's two members, the recipient's status and the quote. */
export type LoadedMessage = {
  message: MessageRow;
  status: MessageStatus | null;
  user1Id: number;
  user2Id: number;
  media: MediaRow | null;
  reply: ReplyRow;
  /** Either person turned read receipts off: "read" shows as "delivered". */
  receiptsOff: boolean;
};

export function toMessageOutput(row: LoadedMessage): MessageOutput {
  const { message } = row;
  const isDeleted = message.deletedAt !== null;
  return {
    id: message.id,
    chat_id: message.chatId ?? 0,
    seq: message.seq,
    sender_id: message.senderId,
    receiver_id: peerOf(row, message.senderId),
    client_msg_id: message.clientMsgId,
    content: isDeleted ? null : message.content,
    message_type: asMessageType(message.messageType),
    status: row.status === "read" && row.receiptsOff ? "delivered" : (row.status ?? "sent"),
    reply_to_message_id: message.replyToMessageId,
    reply_to: toReplyPreview(row.reply),
    ...messageAttachments(message, row.media),
    is_forwarded: message.isForwarded,
    is_deleted: isDeleted,
    edited_at: message.editedAt?.toISOString() ?? null,
    // Filled by withReactions where a page of messages is read.
    reactions: [],
    encrypted: encryptedPayload(message),
    created_at: message.createdAt.toISOString(),
  };
}

const peers = alias(schema.users, "peer");
const lastMessages = alias(schema.messages, "last_message");
const lastStatuses = alias(schema.messageStatus, "last_status");
const quoted = alias(schema.messages, "quoted");
const quotedMedia = alias(schema.media, "quoted_media");
const lastMedia = alias(schema.media, "last_media");

/** 1:1 chats as the viewer sees them, each with the key it is ordered (and paged) by. */
export async function selectDirectChats(
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
      e2ee: row.chat.e2ee,
    },
  }));
}

export async function getChat(deps: Deps, userId: number, chatId: number): Promise<ChatOutput> {
  const [row] = await selectDirectChats(deps, userId, eq(schema.chats.id, chatId), 1);
  if (!row) throw noSuchChat();
  return row.chat;
}

/** The chat with a user, if there is one yet (chats are created by the first message). */
export async function findChatWith(deps: Deps, userId: number, otherId: number): Promise<ChatOutput | null> {
  const [user1Id, user2Id] = userId < otherId ? [userId, otherId] : [otherId, userId];
  const [row] = await selectDirectChats(
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
