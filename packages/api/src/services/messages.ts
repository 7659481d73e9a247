import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, gt, inArray, lt, lte, ne, notExists, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { executeRows, type InferSelectModel, schema, type Transaction } from "@parley/db";
import type { DurableEvent, ListMessagesInput, MessageOutput, MessageStatus, SendChatMessageInput } from "@parley/validators";

import type { Deps } from "../runtime";
import { appendEvents, deliverEvents, type StoredEvent } from "./events";

type ChatRow = InferSelectModel<typeof schema.chats>;
type MessageRow = InferSelectModel<typeof schema.messages>;

const UNIQUE_VIOLATION = "23505";
const isUniqueViolation = (error: unknown) =>
  ((error as { cause?: { code?: string } }).cause ?? (error as { code?: string })).code === UNIQUE_VIOLATION;

export const noSuchChat = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such chat." });
const noSuchMessage = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such message." });

export function peerOf(chat: Pick<ChatRow, "user1Id" | "user2Id">, userId: number): number {
  return chat.user1Id === userId ? chat.user2Id : chat.user1Id;
}

/** The chat, if the caller is one of its two members; NOT_FOUND otherwise (never someone else's chat). */
export async function findChatForMember(db: Deps["db"] | Transaction, chatId: number, userId: number): Promise<ChatRow> {
  const [chat] = await db
    .select()
    .from(schema.chats)
    .where(and(eq(schema.chats.id, chatId), or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId))))
    .limit(1);
  if (!chat) throw noSuchChat();
  return chat;
}

const replies = alias(schema.messages, "reply");

const messageSelection = {
  message: schema.messages,
  status: schema.messageStatus.status,
  user1Id: schema.chats.user1Id,
  user2Id: schema.chats.user2Id,
  reply: {
    id: replies.id,
    senderId: replies.senderId,
    content: replies.content,
    messageType: replies.messageType,
    deletedAt: replies.deletedAt,
  },
};

type LoadedMessage = {
  message: MessageRow;
  status: MessageStatus | null;
  user1Id: number;
  user2Id: number;
  reply: { id: number | null; senderId: number | null; content: string | null; messageType: MessageRow["messageType"] | null; deletedAt: Date | null } | null;
};

export function toMessageOutput(row: LoadedMessage): MessageOutput {
  const { message, reply } = row;
  const isDeleted = message.deletedAt !== null;
  return {
    id: message.id,
    chat_id: message.chatId ?? 0,
    seq: message.seq,
    sender_id: message.senderId,
    receiver_id: peerOf(row, message.senderId),
    client_msg_id: message.clientMsgId,
    content: isDeleted ? null : message.content,
    message_type: message.messageType,
    status: row.status ?? "sent",
    reply_to_message_id: message.replyToMessageId,
    reply_to:
      reply?.id != null && reply.senderId != null && reply.messageType != null
        ? {
            id: reply.id,
            sender_id: reply.senderId,
            content: reply.deletedAt ? null : reply.content,
            message_type: reply.messageType,
            is_deleted: reply.deletedAt !== null,
          }
        : null,
    is_forwarded: message.isForwarded,
    is_deleted: isDeleted,
    created_at: message.createdAt.toISOString(),
  };
}

/** Messages with the recipient's status and the quoted reply, as one viewer may see them. */
function selectMessages(db: Deps["db"] | Transaction, viewerId: number, where: SQL | undefined) {
  return db
    .select(messageSelection)
    .from(schema.messages)
    .innerJoin(schema.chats, eq(schema.chats.id, schema.messages.chatId))
    .leftJoin(
      schema.messageStatus,
      and(eq(schema.messageStatus.messageId, schema.messages.id), ne(schema.messageStatus.userId, schema.messages.senderId)),
    )
    .leftJoin(replies, eq(replies.id, schema.messages.replyToMessageId))
    .where(
      and(
        where,
        notExists(
          db
            .select({ one: sql`1` })
            .from(schema.hiddenMessages)
            .where(and(eq(schema.hiddenMessages.userId, viewerId), eq(schema.hiddenMessages.messageId, schema.messages.id))),
        ),
      ),
    );
}

async function loadMessage(db: Deps["db"] | Transaction, viewerId: number, messageId: number): Promise<MessageOutput | null> {
  const [row] = await selectMessages(db, viewerId, eq(schema.messages.id, messageId)).limit(1);
  return row ? toMessageOutput(row) : null;
}

/**
 * Sends a 1:1 text message. One transaction gets or creates the chat and takes
 * the next seq (one upsert, which holds the chat's row lock), stores the
 * message with its status, and appends the recipients' events; only then does
 * the sender get its answer. A repeated client_msg_id returns the original.
 * Statements are few and combined because the chat row is locked throughout.
 */
export async function sendChatMessage(deps: Deps, senderId: number, input: SendChatMessageInput): Promise<MessageOutput> {
  if (input.receiver_id === senderId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "You can't send a message to yourself." });
  }
  await assertCanMessage(deps, senderId, input.receiver_id);

  const [user1Id, user2Id] = senderId < input.receiver_id ? [senderId, input.receiver_id] : [input.receiver_id, senderId];
  const isReceiverUser1 = input.receiver_id === user1Id;
  let stored: StoredEvent[] = [];
  let output: MessageOutput;
  try {
    output = await deps.db.transaction(async (tx) => {
      const now = new Date();
      const [chat] = await tx
        .insert(schema.chats)
        .values({
          user1Id,
          user2Id,
          lastSeq: 1,
          lastMessageAt: now,
          user1UnreadCount: isReceiverUser1 ? 1 : 0,
          user2UnreadCount: isReceiverUser1 ? 0 : 1,
        })
        .onConflictDoUpdate({
          target: [schema.chats.user1Id, schema.chats.user2Id],
          set: {
            lastSeq: sql`${schema.chats.lastSeq} + 1`,
            lastMessageAt: now,
            ...(isReceiverUser1
              ? { user1UnreadCount: sql`${schema.chats.user1UnreadCount} + 1` }
              : { user2UnreadCount: sql`${schema.chats.user2UnreadCount} + 1` }),
            updatedAt: now,
          },
        })
        .returning({ id: schema.chats.id, lastSeq: schema.chats.lastSeq });
      if (!chat) throw new Error("chat upsert returned nothing");

      const replyTo = input.reply_to_message_id === undefined ? null : await findReplyTarget(tx, chat.id, input.reply_to_message_id);
      const [message] = await executeRows<{ id: string | number }>(
        tx,
        sql`
          with message as (
            insert into ${schema.messages} (chat_id, sender_id, seq, client_msg_id, content, message_type, reply_to_message_id, created_at, updated_at)
            values (${chat.id}, ${senderId}, ${chat.lastSeq}, ${input.client_msg_id}, ${input.content}, ${input.message_type},
                    ${replyTo?.id ?? null}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
            returning id
          ),
          status as (
            insert into ${schema.messageStatus} (message_id, user_id, status) select id, ${input.receiver_id}, 'sent' from message
          ),
          last as (
            update ${schema.chats} set last_message_id = (select id from message) where id = ${chat.id}
          )
          select id from message
        `,
      );
      if (!message) throw new Error("message insert returned nothing");

      const sent: MessageOutput = {
        id: Number(message.id),
        chat_id: chat.id,
        seq: chat.lastSeq,
        sender_id: senderId,
        receiver_id: input.receiver_id,
        client_msg_id: input.client_msg_id,
        content: input.content,
        message_type: input.message_type,
        status: "sent",
        reply_to_message_id: replyTo?.id ?? null,
        reply_to: replyTo,
        is_forwarded: false,
        is_deleted: false,
        created_at: now.toISOString(),
      };
      const event: DurableEvent = { type: "new_message", message: sent };
      stored = await appendEvents(tx, [
        { userId: input.receiver_id, event },
        // The sender's other devices show it too.
        { userId: senderId, event },
      ]);
      return sent;
    });
  } catch (error) {
    // A retry (or two racing sends) with the same client_msg_id: the original wins, this one rolled back whole.
    if (isUniqueViolation(error)) {
      const original = await findByClientMsgId(deps, senderId, input);
      if (original) return original;
    }
    throw error;
  }
  await deliverEvents(deps, stored);
  return output;
}

/** The receiver exists and neither side blocked the other: one query. */
async function assertCanMessage(deps: Deps, senderId: number, receiverId: number): Promise<void> {
  const [receiver] = await deps.db
    .select({
      isActive: schema.users.isActive,
      isBlockedBySender: sql<boolean>`exists (select 1 from ${schema.blockedUsers} where ${schema.blockedUsers.blockerId} = ${senderId} and ${schema.blockedUsers.blockedId} = ${receiverId})`,
      hasBlockedSender: sql<boolean>`exists (select 1 from ${schema.blockedUsers} where ${schema.blockedUsers.blockerId} = ${receiverId} and ${schema.blockedUsers.blockedId} = ${senderId})`,
    })
    .from(schema.users)
    .where(eq(schema.users.id, receiverId));
  if (!receiver?.isActive) throw new TRPCError({ code: "NOT_FOUND", message: "There is no Parley user with this id." });
  if (receiver.isBlockedBySender) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You blocked this contact. Unblock them to send a message." });
  }
  if (receiver.hasBlockedSender) throw new TRPCError({ code: "FORBIDDEN", message: "You can't send messages to this person." });
}

async function findReplyTarget(tx: Transaction, chatId: number, messageId: number): Promise<MessageOutput["reply_to"]> {
  const [quoted] = await tx
    .select({
      id: schema.messages.id,
      senderId: schema.messages.senderId,
      content: schema.messages.content,
      messageType: schema.messages.messageType,
      deletedAt: schema.messages.deletedAt,
    })
    .from(schema.messages)
    .where(and(eq(schema.messages.id, messageId), eq(schema.messages.chatId, chatId)));
  if (!quoted) throw new TRPCError({ code: "BAD_REQUEST", message: "You can only reply to a message in this chat." });
  return {
    id: quoted.id,
    sender_id: quoted.senderId,
    content: quoted.deletedAt ? null : quoted.content,
    message_type: quoted.messageType,
    is_deleted: quoted.deletedAt !== null,
  };
}

async function findByClientMsgId(deps: Deps, senderId: number, input: SendChatMessageInput): Promise<MessageOutput | null> {
  const [row] = await selectMessages(
    deps.db,
    senderId,
    and(eq(schema.messages.senderId, senderId), eq(schema.messages.clientMsgId, input.client_msg_id)),
  ).limit(1);
  if (!row) return null;
  const original = toMessageOutput(row);
  if (original.receiver_id !== input.receiver_id || (!original.is_deleted && original.content !== input.content)) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "This client_msg_id was already used for a different message. Make a new UUID for each message.",
    });
  }
  return original;
}

export async function listMessages(deps: Deps, userId: number, input: ListMessagesInput) {
  const chat = await findChatForMember(deps.db, input.chat_id, userId);
  const inChat = eq(schema.messages.chatId, chat.id);
  const isForward = input.after_seq !== undefined;
  const where = isForward
    ? and(inChat, gt(schema.messages.seq, input.after_seq ?? 0))
    : and(inChat, input.before_seq === undefined ? undefined : lt(schema.messages.seq, input.before_seq));
  const rows = await selectMessages(deps.db, userId, where)
    .orderBy(isForward ? asc(schema.messages.seq) : desc(schema.messages.seq))
    .limit(input.limit);
  const messages = rows.map(toMessageOutput);
  const last = messages.at(-1);
  return { messages, next_cursor: messages.length === input.limit && last ? last.seq : null };
}

/** The recipient's device has the messages: sent → delivered, and each sender is told. */
export async function ackDelivered(deps: Deps, userId: number, messageIds: number[]) {
  const now = new Date();
  const stored = await deps.db.transaction(async (tx) => {
    const updated = await tx
      .update(schema.messageStatus)
      .set({ status: "delivered", deliveredAt: now })
      .where(
        and(
          eq(schema.messageStatus.userId, userId),
          inArray(schema.messageStatus.messageId, messageIds),
          eq(schema.messageStatus.status, "sent"),
        ),
      )
      .returning({ messageId: schema.messageStatus.messageId });
    if (updated.length === 0) return [];
    const rows = await tx
      .select({ id: schema.messages.id, chatId: schema.messages.chatId, senderId: schema.messages.senderId })
      .from(schema.messages)
      .where(inArray(schema.messages.id, updated.map((row) => row.messageId)));
    const bySender = new Map<string, { senderId: number; chatId: number; ids: number[] }>();
    for (const row of rows) {
      const key = `${row.senderId}:${row.chatId}`;
      const group = bySender.get(key) ?? { senderId: row.senderId, chatId: row.chatId ?? 0, ids: [] };
      group.ids.push(row.id);
      bySender.set(key, group);
    }
    return appendEvents(
      tx,
      [...bySender.values()].map((group) => ({
        userId: group.senderId,
        event: {
          type: "message_status_update",
          chat_id: group.chatId,
          user_id: userId,
          status: "delivered",
          message_ids: group.ids.sort((a, b) => a - b),
          up_to_seq: null,
          updated_at: now.toISOString(),
        },
      })),
    );
  });
  await deliverEvents(deps, stored);
  return { updated: stored.reduce((sum, event) => sum + (event.event.type === "message_status_update" ? event.event.message_ids.length : 0), 0) };
}

// Read receipts list ids up to this many; beyond it up_to_seq alone says which.
const MAX_IDS_PER_RECEIPT = 500;

/** Opening a chat: everything from the peer up to a message (default: all) becomes read. */
export async function markChatRead(deps: Deps, userId: number, input: { chat_id: number; up_to_message_id?: number }) {
  const chat = await findChatForMember(deps.db, input.chat_id, userId);
  const peerId = peerOf(chat, userId);
  const now = new Date();
  const { upToSeq, unreadCount, stored } = await deps.db.transaction(async (tx) => {
    let upToSeq: number;
    if (input.up_to_message_id === undefined) {
      const [current] = await tx.select({ lastSeq: schema.chats.lastSeq }).from(schema.chats).where(eq(schema.chats.id, chat.id));
      upToSeq = current?.lastSeq ?? 0;
    } else {
      const [target] = await tx
        .select({ seq: schema.messages.seq })
        .from(schema.messages)
        .where(and(eq(schema.messages.id, input.up_to_message_id), eq(schema.messages.chatId, chat.id)));
      if (!target) throw noSuchMessage();
      upToSeq = target.seq;
    }
    const read = await tx
      .update(schema.messageStatus)
      .set({ status: "read", readAt: now, deliveredAt: sql`coalesce(${schema.messageStatus.deliveredAt}, ${now.toISOString()}::timestamptz)` })
      .where(
        and(
          eq(schema.messageStatus.userId, userId),
          ne(schema.messageStatus.status, "read"),
          inArray(
            schema.messageStatus.messageId,
            tx
              .select({ id: schema.messages.id })
              .from(schema.messages)
              .where(and(eq(schema.messages.chatId, chat.id), lte(schema.messages.seq, upToSeq))),
          ),
        ),
      )
      .returning({ messageId: schema.messageStatus.messageId });
    const unreadCount = await recountUnread(tx, chat, userId);
    const events: { userId: number; event: DurableEvent }[] = [];
    if (read.length > 0) {
      events.push({
        userId: peerId,
        event: {
          type: "message_status_update",
          chat_id: chat.id,
          user_id: userId,
          status: "read",
          message_ids: read.length <= MAX_IDS_PER_RECEIPT ? read.map((row) => row.messageId).sort((a, b) => a - b) : [],
          up_to_seq: upToSeq,
          updated_at: now.toISOString(),
        },
      });
      events.push({ userId, event: { type: "chat_read", chat_id: chat.id, up_to_seq: upToSeq, unread_count: unreadCount } });
    }
    return { upToSeq, unreadCount, stored: await appendEvents(tx, events) };
  });
  await deliverEvents(deps, stored);
  return { chat_id: chat.id, up_to_seq: upToSeq, unread_count: unreadCount };
}

/** Recomputes a member's unread count from the statuses (after reads and deletions). */
async function recountUnread(tx: Transaction, chat: ChatRow, userId: number): Promise<number> {
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(schema.messageStatus)
    .innerJoin(schema.messages, eq(schema.messages.id, schema.messageStatus.messageId))
    .where(
      and(
        eq(schema.messages.chatId, chat.id),
        eq(schema.messageStatus.userId, userId),
        ne(schema.messageStatus.status, "read"),
        sql`${schema.messages.deletedAt} is null`,
      ),
    );
  const unread = row?.count ?? 0;
  await tx
    .update(schema.chats)
    .set(chat.user1Id === userId ? { user1UnreadCount: unread } : { user2UnreadCount: unread })
    .where(eq(schema.chats.id, chat.id));
  return unread;
}

async function findMessageForMember(deps: Deps, userId: number, messageId: number) {
  const [row] = await selectMessages(
    deps.db,
    userId,
    and(eq(schema.messages.id, messageId), or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId))),
  ).limit(1);
  if (!row) throw noSuchMessage();
  return row;
}

/** The spec's PUT /messages/{id}/status: only the recipient, and only forwards. */
export async function updateMessageStatus(deps: Deps, userId: number, input: { message_id: number; status: "delivered" | "read" }) {
  const row = await findMessageForMember(deps, userId, input.message_id);
  if (row.message.senderId === userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the recipient can mark a message delivered or read." });
  }
  if (input.status === "delivered") await ackDelivered(deps, userId, [input.message_id]);
  else await markChatRead(deps, userId, { chat_id: row.message.chatId ?? 0, up_to_message_id: input.message_id });
  const current = await loadMessage(deps.db, userId, input.message_id);
  return { message: "Status updated", status: current?.status ?? input.status };
}

export async function deleteMessage(deps: Deps, userId: number, input: { message_id: number; for_everyone: boolean }) {
  const row = await findMessageForMember(deps, userId, input.message_id);
  const chatId = row.message.chatId ?? 0;
  const peerId = peerOf(row, userId);

  if (!input.for_everyone) {
    const stored = await deps.db.transaction(async (tx) => {
      await tx.insert(schema.hiddenMessages).values({ userId, messageId: row.message.id }).onConflictDoNothing();
      return appendEvents(tx, [
        { userId, event: { type: "message_deleted", chat_id: chatId, message_id: row.message.id, for_everyone: false } },
      ]);
    });
    await deliverEvents(deps, stored);
    return { message: "Deleted for you" };
  }

  if (row.message.senderId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the sender can delete a message for everyone." });
  }
  if (row.message.deletedAt) return { message: "Deleted for everyone" };
  const windowSeconds = deps.config.messaging.deleteForEveryoneWindowSeconds;
  if (Date.now() - row.message.createdAt.getTime() > windowSeconds * 1000) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Messages can be deleted for everyone only within ${Math.round(windowSeconds / 3600)} hours of sending. You can still delete it for yourself.`,
    });
  }
  const stored = await deps.db.transaction(async (tx) => {
    await tx
      .update(schema.messages)
      .set({ deletedAt: new Date(), content: null, mediaUrl: null, mediaThumbnailUrl: null, locationLatitude: null, locationLongitude: null })
      .where(eq(schema.messages.id, row.message.id));
    const chat = await findChatForMember(tx, chatId, userId);
    await recountUnread(tx, chat, peerId);
    const event: DurableEvent = { type: "message_deleted", chat_id: chatId, message_id: row.message.id, for_everyone: true };
    return appendEvents(tx, [
      { userId: peerId, event },
      { userId, event },
    ]);
  });
  await deliverEvents(deps, stored);
  return { message: "Deleted for everyone" };
}
