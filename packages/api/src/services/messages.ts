import { TRPCError } from "@trpc/server";
import {
  type AnyColumn,
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  lt,
  lte,
  ne,
  notExists,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";

import { executeRows, type InferSelectModel, isUniqueViolation, schema, type Transaction } from "@parley/db";
import type {
  AckDeliveredInput,
  DurableEvent,
  ListMessagesInput,
  MessageInfo,
  MessageOutput,
  MessageStatus,
  MessageType,
  SendChatMessageInput,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import { appendEvents, deliverEvents, type StoredEvent, takeEventSeqs } from "./events";
import {
  ackGroupDelivered,
  deleteGroupMessage,
  findGroupMessageForMember,
  groupMessageInfo,
  markGroupRead,
} from "./group-messages";
import {
  duplicateMediaSend,
  type MediaRow,
  messageAttachments,
  resolveAttachment,
  storedLocation,
  toMediaOutput,
} from "./media/media";
import { notifyOffline } from "./notifier";
import { withReactions } from "./reactions";
import { assertTies, tieWith } from "./ties";
import { toPublicProfile, viewerStanding } from "./user";

type ChatRow = InferSelectModel<typeof schema.chats>;
type MessageRow = InferSelectModel<typeof schema.messages>;

/** 1:1 messages and reply previews are never 'system' (the messages_system_in_groups check). */
export function asMessageType(type: MessageRow["messageType"]): MessageType {
  if (type === "system") throw new Error("a system message where only user messages can be");
  return type;
}

export const noSuchChat = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such chat." });
const noSuchMessage = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such message." });

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

const replies = alias(schema.messages, "reply");
const replyMedia = alias(schema.media, "reply_media");

/** Whether either person of a 1:1 chat turned read receipts off: then neither sees blue ticks. */
export const receiptsOffIn = (user1Id: AnyColumn, user2Id: AnyColumn) =>
  sql<boolean>`exists (select 1 from ${schema.users} ru where ru.id in (${user1Id}, ${user2Id}) and not ru.read_receipts)`;

const messageSelection = {
  message: schema.messages,
  status: schema.messageStatus.status,
  user1Id: schema.chats.user1Id,
  user2Id: schema.chats.user2Id,
  media: schema.media,
  receiptsOff: receiptsOffIn(schema.chats.user1Id, schema.chats.user2Id),
  reply: replyColumns(replies, replyMedia),
};

/**
 * The columns a quote is made of, from a messages alias and a media alias left-joined on it
 * (`.leftJoin(quotedMedia, eq(quotedMedia.id, quoted.mediaId))`).
 */
export function replyColumns<
  Quoted extends Record<"id" | "senderId" | "content" | "messageType" | "deletedAt" | "locationName", AnyPgColumn>,
  QuotedMedia extends Record<"id" | "kind" | "fileName" | "isVoiceNote" | "thumbnailKey", AnyPgColumn>,
>(
  quoted: Quoted,
  quotedMedia: QuotedMedia,
): {
  id: Quoted["id"];
  senderId: Quoted["senderId"];
  content: Quoted["content"];
  messageType: Quoted["messageType"];
  deletedAt: Quoted["deletedAt"];
  locationName: Quoted["locationName"];
  mediaId: QuotedMedia["id"];
  mediaKind: QuotedMedia["kind"];
  mediaFileName: QuotedMedia["fileName"];
  isVoiceNote: QuotedMedia["isVoiceNote"];
  thumbnailKey: QuotedMedia["thumbnailKey"];
} {
  return {
    id: quoted.id,
    senderId: quoted.senderId,
    content: quoted.content,
    messageType: quoted.messageType,
    deletedAt: quoted.deletedAt,
    locationName: quoted.locationName,
    mediaId: quotedMedia.id,
    mediaKind: quotedMedia.kind,
    mediaFileName: quotedMedia.fileName,
    isVoiceNote: quotedMedia.isVoiceNote,
    thumbnailKey: quotedMedia.thumbnailKey,
  };
}

/** The quoted message as a left join brings it (all null when there is none). */
export type ReplyRow = {
  id: number | null;
  senderId: number | null;
  content: string | null;
  messageType: MessageRow["messageType"] | null;
  deletedAt: Date | null;
  locationName: string | null;
  mediaId: string | null;
  mediaKind: MediaRow["kind"] | null;
  mediaFileName: string | null;
  isVoiceNote: boolean | null;
  thumbnailKey: string | null;
} | null;

type LoadedMessage = {
  message: MessageRow;
  status: MessageStatus | null;
  user1Id: number;
  user2Id: number;
  media: MediaRow | null;
  reply: ReplyRow;
  /** Either person turned read receipts off: "read" shows as "delivered". */
  receiptsOff: boolean;
};

/** A reply's quote: the quoted message's sender and text, or "deleted message"; system messages aren't quoted. */
export function toReplyPreview(reply: ReplyRow): MessageOutput["reply_to"] {
  if (reply?.id == null || reply.senderId == null || reply.messageType == null || reply.messageType === "system")
    return null;
  const isDeleted = reply.deletedAt !== null;
  return {
    id: reply.id,
    sender_id: reply.senderId,
    content: isDeleted ? null : reply.content,
    message_type: reply.messageType,
    is_deleted: isDeleted,
    media:
      isDeleted || reply.mediaId === null || reply.mediaKind === null
        ? null
        : {
            id: reply.mediaId,
            kind: reply.mediaKind,
            file_name: reply.mediaFileName,
            is_voice_note: reply.isVoiceNote ?? false,
            has_thumbnail: reply.thumbnailKey !== null,
          },
    location_name: isDeleted ? null : reply.locationName,
  };
}

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
      and(
        eq(schema.messageStatus.messageId, schema.messages.id),
        ne(schema.messageStatus.userId, schema.messages.senderId),
      ),
    )
    .leftJoin(replies, eq(replies.id, schema.messages.replyToMessageId))
    .leftJoin(replyMedia, eq(replyMedia.id, replies.mediaId))
    .leftJoin(schema.media, eq(schema.media.id, schema.messages.mediaId))
    .where(
      and(
        where,
        notExists(
          db
            .select({ one: sql`1` })
            .from(schema.hiddenMessages)
            .where(
              and(eq(schema.hiddenMessages.userId, viewerId), eq(schema.hiddenMessages.messageId, schema.messages.id)),
            ),
        ),
      ),
    );
}

async function loadMessage(
  db: Deps["db"] | Transaction,
  viewerId: number,
  messageId: number,
): Promise<MessageOutput | null> {
  const [row] = await selectMessages(db, viewerId, eq(schema.messages.id, messageId)).limit(1);
  return row ? toMessageOutput(row) : null;
}

/**
 * Sends a 1:1 text message in one SQL statement (one implicit transaction):
 * a guard (the receiver exists, nobody blocked anybody), the chat upsert that
 * takes the next seq under the chat's row lock, the message and its status,
 * and both users' events with their per-user seqs (counter rows locked in
 * user-id order). Only after it commits does the sender get its answer. A
 * repeated client_msg_id hits the unique constraint and returns the original.
 * One statement because the chat row is locked until commit: fewer round
 * trips under the lock is more throughput per conversation.
 */
type MessageBody = Pick<SendChatMessageInput, "client_msg_id" | "content" | "message_type" | "media_id" | "location">;

/** The columns `composeMessage`'s values fill, after the conversation's (id, chat or group, sender, seq). */
export const messageColumns = sql.raw(
  "client_msg_id, content, message_type, reply_to_message_id, media_id, location_latitude, location_longitude, location_name, is_forwarded, created_at, updated_at",
);

/**
 * What a new 1:1 or group message says before its statement gives it an id, a conversation and
 * a seq: the fields every client gets (`common`), the checked file it carries (the sender's own
 * upload, or for a forward the forwarded message's), and the row's values for `messageColumns`.
 */
export async function composeMessage(
  deps: Deps,
  senderId: number,
  input: MessageBody,
  replyTo: MessageOutput["reply_to"],
  forward: ForwardOptions | null,
) {
  const media = forward
    ? forward.forwardedMedia
    : input.media_id === undefined
      ? null
      : await resolveAttachment(deps, senderId, input.media_id, input.message_type);
  const location = input.location ? storedLocation(input.location) : null;
  const now = new Date().toISOString();
  const common = {
    sender_id: senderId,
    client_msg_id: input.client_msg_id,
    content: input.content ?? null,
    message_type: input.message_type,
    status: "sent" as const,
    reply_to_message_id: replyTo?.id ?? null,
    reply_to: replyTo,
    media: media ? toMediaOutput(media) : null,
    location,
    is_forwarded: forward !== null,
    is_deleted: false,
    edited_at: null,
    reactions: [],
    created_at: now,
  };
  const values = sql`${input.client_msg_id}, ${common.content}, ${input.message_type}, ${replyTo?.id ?? null}, ${media?.id ?? null}::uuid,
    ${location?.latitude ?? null}::numeric, ${location?.longitude ?? null}::numeric, ${location?.name ?? null}, ${common.is_forwarded},
    ${now}::timestamptz, ${now}::timestamptz`;
  return { common, media, values, now };
}

/** How a forward sends: the forwarded message's file (the forwarder's to reuse, not to own) and the flag. */
export type ForwardOptions = { forwardedMedia: MediaRow | null };

export async function sendChatMessage(
  deps: Deps,
  senderId: number,
  input: SendChatMessageInput,
  forward: ForwardOptions | null = null,
): Promise<MessageOutput> {
  if (input.receiver_id === senderId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "You can't send a message to yourself." });
  }
  const receiverId = input.receiver_id;
  const [user1Id, user2Id] = senderId < receiverId ? [senderId, receiverId] : [receiverId, senderId];
  const unreadColumn = sql.raw(receiverId === user1Id ? "user1_unread_count" : "user2_unread_count");
  const replyTo =
    input.reply_to_message_id === undefined
      ? null
      : await findReplyTarget(deps, user1Id, user2Id, input.reply_to_message_id);
  const { common, media, values, now } = await composeMessage(deps, senderId, input, replyTo, forward);
  // Everything but what the statement assigns (id, chat, seq): the event is this plus those.
  const body = { ...common, receiver_id: receiverId } satisfies Omit<MessageOutput, "id" | "chat_id" | "seq">;

  let row:
    | { id: string | number; chat_id: number; seq: number; seqs: { user_id: number; seq: string | number }[] }
    | undefined;
  try {
    [row] = await executeRows<NonNullable<typeof row>>(
      deps.db,
      sql`
        with guard as (
          select 1 from ${schema.users} u
          where u.id = ${receiverId} and u.is_active
            and ${tieWith(senderId, receiverId)}
            and not exists (
              select 1 from ${schema.blockedUsers} b
              where (b.blocker_id = ${senderId} and b.blocked_id = ${receiverId}) or (b.blocker_id = ${receiverId} and b.blocked_id = ${senderId})
            )
        ),
        new_message as (select nextval(pg_get_serial_sequence('messages', 'id')) as id from guard),
        chat as (
          insert into ${schema.chats} as c (user1_id, user2_id, last_seq, last_message_id, last_message_at, ${unreadColumn}, created_at, updated_at)
          select ${user1Id}, ${user2Id}, 1, new_message.id, ${now}::timestamptz, 1, ${now}::timestamptz, ${now}::timestamptz from new_message
          on conflict (user1_id, user2_id) do update set
            last_seq = c.last_seq + 1,
            last_message_id = excluded.last_message_id,
            last_message_at = excluded.last_message_at,
            ${unreadColumn} = c.${unreadColumn} + 1,
            updated_at = excluded.updated_at
          returning c.id, c.last_seq
        ),
        message as (
          insert into ${schema.messages} (id, chat_id, sender_id, seq, ${messageColumns})
          select new_message.id, chat.id, ${senderId}, chat.last_seq, ${values}
          from new_message, chat
          returning id, chat_id, seq
        ),
        status as (
          insert into ${schema.messageStatus} (message_id, user_id, status, updated_at) select id, ${receiverId}, 'sent', ${now}::timestamptz from message
        ),
        event as (
          select jsonb_build_object('type', 'new_message', 'message',
            ${JSON.stringify(body)}::jsonb || jsonb_build_object('id', m.id, 'chat_id', m.chat_id, 'seq', m.seq)) as payload
          from message m
        ),
        counters as (
          insert into ${schema.userEventCounters} as k (user_id, last_seq)
          select recipient.user_id, 1 from message, (values (${user1Id}::int), (${user2Id}::int)) as recipient(user_id)
          order by recipient.user_id
          on conflict (user_id) do update set last_seq = k.last_seq + 1
          returning k.user_id, k.last_seq
        ),
        events as (
          insert into ${schema.userEvents} (user_id, seq, type, payload) select counters.user_id, counters.last_seq, 'new_message', event.payload from counters, event
        )
        select m.id, m.chat_id, m.seq, (select json_agg(json_build_object('user_id', user_id, 'seq', last_seq)) from counters) as seqs
        from message m
      `,
    );
  } catch (error) {
    // A retry (or two racing sends) with the same client_msg_id: the original wins, this statement rolled back whole.
    if (isUniqueViolation(error)) {
      const original = await findByClientMsgId(deps, senderId, input);
      if (original) return original;
      if (media) throw duplicateMediaSend();
    }
    throw error;
  }
  if (!row) {
    // The guard stopped it: say why.
    await assertCanMessage(deps, senderId, receiverId);
    throw new TRPCError({ code: "CONFLICT", message: "The message could not be sent right now. Please try again." });
  }

  const sent: MessageOutput = { ...body, id: Number(row.id), chat_id: row.chat_id, seq: row.seq };
  const event: DurableEvent = { type: "new_message", message: sent };
  await Promise.all([
    deliverEvents(
      deps,
      row.seqs.map(({ user_id, seq }) => ({ userId: user_id, seq: Number(seq), event })),
    ),
    notifyOffline(deps, [receiverId], event),
  ]);
  return sent;
}

/** Why the send's guard refused: the receiver doesn't exist (or is nobody to the sender), or a block stands between them. */
async function assertCanMessage(deps: Deps, senderId: number, receiverId: number): Promise<void> {
  await assertTies(deps, senderId, [receiverId]);
  const blockState = await blockStateBetween(deps, senderId, receiverId);
  if (blockState === "you_blocked") {
    throw new TRPCError({ code: "FORBIDDEN", message: "You blocked this contact. Unblock them to send a message." });
  }
  if (blockState === "blocked_you")
    throw new TRPCError({ code: "FORBIDDEN", message: "You can't send messages to this person." });
}

async function findReplyTarget(
  deps: Deps,
  user1Id: number,
  user2Id: number,
  messageId: number,
): Promise<MessageOutput["reply_to"]> {
  const [quoted] = await deps.db
    .select(replyColumns(schema.messages, schema.media))
    .from(schema.messages)
    .innerJoin(schema.chats, eq(schema.chats.id, schema.messages.chatId))
    .leftJoin(schema.media, eq(schema.media.id, schema.messages.mediaId))
    .where(
      and(eq(schema.messages.id, messageId), eq(schema.chats.user1Id, user1Id), eq(schema.chats.user2Id, user2Id)),
    );
  const preview = quoted ? toReplyPreview(quoted) : null;
  if (!preview) throw new TRPCError({ code: "BAD_REQUEST", message: "You can only reply to a message in this chat." });
  return preview;
}

/** Whether a retried send says what the stored message says (else its client_msg_id was reused). */
export function sameBody(
  original: Pick<MessageOutput, "content" | "media" | "location"> & { message_type: string },
  input: Pick<SendChatMessageInput, "content" | "message_type" | "media_id" | "location">,
): boolean {
  return (
    original.content === (input.content ?? null) &&
    original.message_type === input.message_type &&
    (original.media?.id ?? undefined) === input.media_id &&
    (original.location === null) === (input.location === undefined)
  );
}

async function findByClientMsgId(
  deps: Deps,
  senderId: number,
  input: SendChatMessageInput,
): Promise<MessageOutput | null> {
  const [row] = await selectMessages(
    deps.db,
    senderId,
    and(eq(schema.messages.senderId, senderId), eq(schema.messages.clientMsgId, input.client_msg_id)),
  ).limit(1);
  if (!row) return null;
  const original = toMessageOutput(row);
  if (
    original.receiver_id !== input.receiver_id ||
    (!original.is_deleted && original.edited_at === null && !sameBody(original, input))
  ) {
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
  const messages = await withReactions(deps.db, rows.map(toMessageOutput));
  const last = messages.at(-1);
  return { messages, next_cursor: messages.length === input.limit && last ? last.seq : null };
}

/**
 * The recipient's device has the messages: sent → delivered (never back), and
 * each sender is told, in one statement. In a 1:1 chat each sender has one
 * chat with the caller, so each sender gets exactly one event.
 */
/** The caller's device has these messages (1:1 and group alike): receipts go to their senders. */
export async function ackDelivered(deps: Deps, userId: number, input: AckDeliveredInput | "all-pending") {
  if (input === "all-pending") {
    const [chats, groups] = await Promise.all([
      ackChatDelivered(deps, userId, "all-pending"),
      ackGroupDelivered(deps, userId, "all"),
    ]);
    return { updated: chats + groups };
  }
  const { message_ids: messageIds, groups } = input;
  const byIds = async () => {
    const inChats = messageIds.length > 0 ? await ackChatDelivered(deps, userId, messageIds) : 0;
    // Group message ids are accepted too (REST clients; the SDK sends group watermarks): only
    // ids the 1:1 statement didn't take can be those, so the common case costs one statement.
    return inChats + (inChats < messageIds.length ? await ackGroupDelivered(deps, userId, { messageIds }) : 0);
  };
  const byWatermark = async () =>
    groups.length > 0
      ? ackGroupDelivered(deps, userId, { groups: groups.map((g) => ({ groupId: g.group_id, upToSeq: g.up_to_seq })) })
      : 0;
  const [fromIds, fromWatermarks] = await Promise.all([byIds(), byWatermark()]);
  return { updated: fromIds + fromWatermarks };
}

/**
 * 1:1: the recipient's status rows go sent → delivered (never back), and each sender is
 * told, in one statement. In a 1:1 chat each sender has one chat with the caller, so each
 * sender gets exactly one event. Returns how many messages changed.
 */
async function ackChatDelivered(deps: Deps, userId: number, messageIds: number[] | "all-pending"): Promise<number> {
  const now = new Date().toISOString();
  // "all-pending": a device starting without a stream position fetches chats and history
  // itself rather than receiving the events, so what was waiting for it counts as delivered.
  const which = messageIds === "all-pending" ? sql`true` : inArray(schema.messageStatus.messageId, messageIds);
  const rows = await executeRows<{ user_id: number; chat_id: number; ids: (string | number)[]; seq: string | number }>(
    deps.db,
    sql`
      with updated as (
        update ${schema.messageStatus} set status = 'delivered', delivered_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
        where user_id = ${userId} and status = 'sent' and ${which}
        returning message_id
      ),
      receipts as (
        select m.sender_id as user_id, min(m.chat_id) as chat_id, array_agg(m.id order by m.id) as ids
        from ${schema.messages} m join updated u on u.message_id = m.id
        group by m.sender_id
      ),
      counters as (${takeEventSeqs(sql`receipts`)}),
      events as (
        insert into ${schema.userEvents} (user_id, seq, type, payload)
        select r.user_id, c.last_seq, 'message_status_update', jsonb_build_object(
          'type', 'message_status_update', 'chat_id', r.chat_id, 'user_id', ${userId}::int, 'status', 'delivered',
          'message_ids', to_jsonb(r.ids), 'up_to_seq', null, 'updated_at', ${now}::text)
        from receipts r join counters c using (user_id)
      )
      select r.user_id, r.chat_id, r.ids, c.last_seq as seq from receipts r join counters c using (user_id)
    `,
  );
  const stored: StoredEvent[] = rows.map((row) => ({
    userId: row.user_id,
    seq: Number(row.seq),
    event: {
      type: "message_status_update",
      chat_id: row.chat_id,
      user_id: userId,
      status: "delivered",
      message_ids: row.ids.map(Number),
      up_to_seq: null,
      updated_at: now,
    },
  }));
  await deliverEvents(deps, stored);
  return stored.reduce(
    (sum, event) => sum + (event.event.type === "message_status_update" ? event.event.message_ids.length : 0),
    0,
  );
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
      const [current] = await tx
        .select({ lastSeq: schema.chats.lastSeq })
        .from(schema.chats)
        .where(eq(schema.chats.id, chat.id));
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
      .set({
        status: "read",
        readAt: now,
        deliveredAt: sql`coalesce(${schema.messageStatus.deliveredAt}, ${now.toISOString()}::timestamptz)`,
      })
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
    // With read receipts off on either side the reader's unread count still clears, but the sender isn't told.
    const [receipts] = await tx
      .select({ off: receiptsOffIn(schema.chats.user1Id, schema.chats.user2Id) })
      .from(schema.chats)
      .where(eq(schema.chats.id, chat.id));
    if (read.length > 0 && !receipts?.off) {
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
    }
    if (read.length > 0) {
      events.push({
        userId,
        event: { type: "chat_read", chat_id: chat.id, up_to_seq: upToSeq, unread_count: unreadCount },
      });
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

export async function findMessageForMember(deps: Deps, userId: number, messageId: number) {
  const [row] = await selectMessages(
    deps.db,
    userId,
    and(eq(schema.messages.id, messageId), or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId))),
  ).limit(1);
  if (!row) throw noSuchMessage();
  return row;
}

/** The spec's PUT /messages/{id}/status: only the recipient, and only forwards. */
export async function updateMessageStatus(
  deps: Deps,
  userId: number,
  input: { message_id: number; status: "delivered" | "read" },
) {
  const inGroup = await findGroupMessageForMember(deps, userId, input.message_id);
  if (inGroup) {
    if (inGroup.message.senderId === userId) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only recipients can mark a message delivered or read." });
    }
    if (input.status === "delivered") await ackGroupDelivered(deps, userId, { messageIds: [input.message_id] });
    else await markGroupRead(deps, userId, { group_id: inGroup.group.id, up_to_seq: inGroup.message.seq });
    const after = await findGroupMessageForMember(deps, userId, input.message_id);
    const readSeq = after?.member.readSeq ?? 0;
    return {
      message: "Status updated",
      status: readSeq >= inGroup.message.seq ? ("read" as const) : ("delivered" as const),
    };
  }
  const row = await findMessageForMember(deps, userId, input.message_id);
  if (row.message.senderId === userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the recipient can mark a message delivered or read." });
  }
  if (input.status === "delivered") await ackDelivered(deps, userId, { message_ids: [input.message_id], groups: [] });
  else await markChatRead(deps, userId, { chat_id: row.message.chatId ?? 0, up_to_message_id: input.message_id });
  const current = await loadMessage(deps.db, userId, input.message_id);
  return { message: "Status updated", status: current?.status ?? input.status };
}

/** "Delete for me": hidden from this user only; their other devices are told with `event`. */
export async function hideForUser(deps: Deps, userId: number, messageId: number, event: DurableEvent) {
  const stored = await deps.db.transaction(async (tx) => {
    await tx.insert(schema.hiddenMessages).values({ userId, messageId }).onConflictDoNothing();
    return appendEvents(tx, [{ userId, event }]);
  });
  await deliverEvents(deps, stored);
  return { message: "Deleted for you" };
}

/** Deleting for everyone is allowed for DELETE_FOR_EVERYONE_WINDOW_HOURS after sending. */
export function assertDeletableForEveryone(deps: Deps, createdAt: Date) {
  const windowSeconds = deps.config.messaging.deleteForEveryoneWindowSeconds;
  if (Date.now() - createdAt.getTime() > windowSeconds * 1000) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Messages can be deleted for everyone only within ${Math.round(windowSeconds / 3600)} hours of sending. You can still delete it for yourself.`,
    });
  }
}

/** What deleting for everyone leaves: the row (so seq has no hole and replies say "deleted message"), none of its content. */
export const blankedMessage = () => ({
  deletedAt: new Date(),
  content: null,
  // The file stops being readable at once; with no message carrying it, cleanup deletes it.
  mediaId: null,
  locationName: null,
  mediaUrl: null,
  mediaThumbnailUrl: null,
  locationLatitude: null,
  locationLongitude: null,
});

export async function deleteMessage(deps: Deps, userId: number, input: { message_id: number; for_everyone: boolean }) {
  const inGroup = await findGroupMessageForMember(deps, userId, input.message_id);
  if (inGroup) return deleteGroupMessage(deps, userId, inGroup, input.for_everyone);
  const row = await findMessageForMember(deps, userId, input.message_id);
  const chatId = row.message.chatId ?? 0;
  const peerId = peerOf(row, userId);

  if (!input.for_everyone) {
    return hideForUser(deps, userId, row.message.id, {
      type: "message_deleted",
      chat_id: chatId,
      message_id: row.message.id,
      for_everyone: false,
    });
  }

  if (row.message.senderId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the sender can delete a message for everyone." });
  }
  if (row.message.deletedAt) return { message: "Deleted for everyone" };
  assertDeletableForEveryone(deps, row.message.createdAt);
  const stored = await deps.db.transaction(async (tx) => {
    await tx.update(schema.messages).set(blankedMessage()).where(eq(schema.messages.id, row.message.id));
    const chat = await findChatForMember(tx, chatId, userId);
    await recountUnread(tx, chat, peerId);
    const event: DurableEvent = {
      type: "message_deleted",
      chat_id: chatId,
      message_id: row.message.id,
      for_everyone: true,
    };
    return appendEvents(tx, [
      { userId: peerId, event },
      { userId, event },
    ]);
  });
  await deliverEvents(deps, stored);
  return { message: "Deleted for everyone" };
}

/** "Message info" for a message you sent: when it reached each recipient and when they read it. */
export async function messageInfo(deps: Deps, userId: number, messageId: number): Promise<MessageInfo> {
  const inGroup = await findGroupMessageForMember(deps, userId, messageId);
  if (inGroup) return groupMessageInfo(deps, userId, inGroup);
  const row = await findMessageForMember(deps, userId, messageId);
  if (row.message.senderId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Message info is only for messages you sent." });
  }
  const peerId = peerOf(row, userId);
  const [recipient] = await deps.db
    .select({
      user: schema.users,
      status: schema.messageStatus,
      standing: viewerStanding(userId, schema.users.id),
    })
    .from(schema.users)
    .leftJoin(
      schema.messageStatus,
      and(eq(schema.messageStatus.messageId, messageId), eq(schema.messageStatus.userId, peerId)),
    )
    .where(eq(schema.users.id, peerId));
  if (!recipient) throw noSuchMessage();
  return {
    message_id: messageId,
    recipients: [
      {
        user_id: peerId,
        profile: toPublicProfile(recipient.user, recipient.standing),
        delivered_at: recipient.status?.deliveredAt?.toISOString() ?? null,
        read_at: row.receiptsOff ? null : (recipient.status?.readAt?.toISOString() ?? null),
      },
    ],
  };
}
