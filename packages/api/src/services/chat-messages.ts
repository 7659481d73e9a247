import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, gt, inArray, lt, lte, ne, notExists, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { executeRows, isUniqueViolation, schema, type Transaction } from "@parley/db";
import type {
  DurableEvent,
  ListMessagesInput,
  MessageInfo,
  MessageOutput,
  SendChatMessageInput,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import { type ChatRow, findChatForMember, peerOf, receiptsOffIn, toMessageOutput } from "./chats";
import { composeMessage, type ForwardOptions, messageColumns, assertRetryOf } from "./conversation/compose";
import { assertDeletableForEveryone, blankedMessage, hideForUser } from "./conversation/deletion";
import { mayEnterEncrypted, plaintextRefused } from "./conversation/encryption";
import { replyColumns, toReplyPreview } from "./conversation/reply";
import { appendEvents, deliverEvents, eventColumns, type StoredEvent, takeEventSeqs } from "./events";
import { duplicateMediaSend } from "./media/media";
import { notifyOffline } from "./notifier";
import { withReactions } from "./reactions";
import { assertTies, tieWith } from "./ties";
import { toPublicProfile, viewerStanding } from "./user";

const noSuchMessage = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such message." });

const replies = alias(schema.messages, "reply");
const replyMedia = alias(schema.media, "reply_media");

const messageSelection = {
  message: schema.messages,
  status: schema.messageStatus.status,
  user1Id: schema.chats.user1Id,
  user2Id: schema.chats.user2Id,
  media: schema.media,
  receiptsOff: receiptsOffIn(schema.chats.user1Id, schema.chats.user2Id),
  reply: replyColumns(replies, replyMedia),
};

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
  // The one event both users get, on the bus and in the log alike: the statement fills in what it assigns.
  const newMessage = (assigned: Pick<MessageOutput, "id" | "chat_id" | "seq">) =>
    ({ type: "new_message", message: { ...common, receiver_id: receiverId, ...assigned } }) satisfies DurableEvent;
  const logged = eventColumns({ id: sql`m.id`, chat_id: sql`m.chat_id`, seq: sql`m.seq` }, newMessage);

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
          -- Under the row lock: an encrypted chat takes only what its devices encrypted.
          where ${mayEnterEncrypted(input) ? sql`true` : sql`not c.e2ee`}
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
        event as (select ${logged.payload} as payload from message m),
        counters as (
          insert into ${schema.userEventCounters} as k (user_id, last_seq)
          select recipient.user_id, 1 from message, (values (${user1Id}::int), (${user2Id}::int)) as recipient(user_id)
          order by recipient.user_id
          on conflict (user_id) do update set last_seq = k.last_seq + 1
          returning k.user_id, k.last_seq
        ),
        events as (
          insert into ${schema.userEvents} (user_id, seq, type, payload) select counters.user_id, counters.last_seq, ${logged.type}, event.payload from counters, event
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
    // The guard (or the chat's encryption) stopped it: say why.
    await assertCanMessage(deps, senderId, receiverId);
    if (!mayEnterEncrypted(input)) await assertPlaintextChat(deps, user1Id, user2Id);
    throw new TRPCError({ code: "CONFLICT", message: "The message could not be sent right now. Please try again." });
  }

  const event = newMessage({ id: Number(row.id), chat_id: row.chat_id, seq: row.seq });
  await Promise.all([
    deliverEvents(
      deps,
      row.seqs.map(({ user_id, seq }) => ({ userId: user_id, seq: Number(seq), event })),
    ),
    notifyOffline(deps, [receiverId], event),
  ]);
  return event.message;
}

/** Why the send's guard refused: the receiver doesn't exist (or is nobody to the sender), or a block stands between them. */
export async function assertCanMessage(deps: Deps, senderId: number, receiverId: number): Promise<void> {
  await assertTies(deps, senderId, [receiverId]);
  const blockState = await blockStateBetween(deps, senderId, receiverId);
  if (blockState === "you_blocked") {
    throw new TRPCError({ code: "FORBIDDEN", message: "You blocked this contact. Unblock them to send a message." });
  }
  if (blockState === "blocked_you")
    throw new TRPCError({ code: "FORBIDDEN", message: "You can't send messages to this person." });
}

async function assertPlaintextChat(deps: Deps, user1Id: number, user2Id: number): Promise<void> {
  const [chat] = await deps.db
    .select({ e2ee: schema.chats.e2ee })
    .from(schema.chats)
    .where(and(eq(schema.chats.user1Id, user1Id), eq(schema.chats.user2Id, user2Id)));
  if (chat?.e2ee) throw plaintextRefused();
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
  assertRetryOf(original, input, original.receiver_id === input.receiver_id);
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

type StatusUpdate = Extract<DurableEvent, { type: "message_status_update" }>;

/** A 1:1 receipt to a sender: the reader has these messages of theirs (read: and all up to up_to_seq). */
const statusUpdate = (receipt: Omit<StatusUpdate, "type">): StatusUpdate => ({
  type: "message_status_update",
  ...receipt,
});

/**
 * 1:1: the recipient's status rows go sent → delivered (never back), and each sender is
 * told, in one statement. In a 1:1 chat each sender has one chat with the caller, so each
 * sender gets exactly one event. Returns how many messages changed.
 */
export async function ackChatDelivered(
  deps: Deps,
  userId: number,
  messageIds: number[] | "all-pending",
): Promise<number> {
  const now = new Date().toISOString();
  const delivered = (chatId: number, ids: number[]) =>
    statusUpdate({
      chat_id: chatId,
      user_id: userId,
      status: "delivered",
      message_ids: ids,
      up_to_seq: null,
      updated_at: now,
    });
  // Which chat and messages each sender hears of, the statement finds out: it fills those in.
  const logged = eventColumns({ chat_id: sql`r.chat_id`, ids: sql`r.ids` }, ({ chat_id, ids }) =>
    delivered(chat_id, ids),
  );
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
        select r.user_id, c.last_seq, ${logged.type}, ${logged.payload}
        from receipts r join counters c using (user_id)
      )
      select r.user_id, r.chat_id, r.ids, c.last_seq as seq from receipts r join counters c using (user_id)
    `,
  );
  const stored: StoredEvent[] = rows.map((row) => ({
    userId: row.user_id,
    seq: Number(row.seq),
    event: delivered(row.chat_id, row.ids.map(Number)),
  }));
  await deliverEvents(deps, stored);
  return rows.reduce((sum, row) => sum + row.ids.length, 0);
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
        event: statusUpdate({
          chat_id: chat.id,
          user_id: userId,
          status: "read",
          message_ids: read.length <= MAX_IDS_PER_RECEIPT ? read.map((row) => row.messageId).sort((a, b) => a - b) : [],
          up_to_seq: upToSeq,
          updated_at: now.toISOString(),
        }),
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

export type VisibleChatMessage = Awaited<ReturnType<typeof findMessageForMember>>;

/** The spec's PUT /messages/{id}/status for a 1:1 message: only the recipient, and only forwards. */
export async function updateChatMessageStatus(
  deps: Deps,
  userId: number,
  found: VisibleChatMessage,
  status: "delivered" | "read",
) {
  const { message } = found;
  if (message.senderId === userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the recipient can mark a message delivered or read." });
  }
  if (status === "delivered") await ackChatDelivered(deps, userId, [message.id]);
  else await markChatRead(deps, userId, { chat_id: message.chatId ?? 0, up_to_message_id: message.id });
  const current = await loadMessage(deps.db, userId, message.id);
  return { message: "Status updated", status: current?.status ?? status };
}

export async function deleteChatMessage(deps: Deps, userId: number, found: VisibleChatMessage, forEveryone: boolean) {
  const { message } = found;
  const chatId = message.chatId ?? 0;
  const peerId = peerOf(found, userId);

  if (!forEveryone) {
    return hideForUser(deps, userId, message.id, {
      type: "message_deleted",
      chat_id: chatId,
      message_id: message.id,
      for_everyone: false,
    });
  }

  if (message.senderId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the sender can delete a message for everyone." });
  }
  if (message.deletedAt) return { message: "Deleted for everyone" };
  assertDeletableForEveryone(deps, message.createdAt);
  const stored = await deps.db.transaction(async (tx) => {
    await tx.update(schema.messages).set(blankedMessage()).where(eq(schema.messages.id, message.id));
    const chat = await findChatForMember(tx, chatId, userId);
    await recountUnread(tx, chat, peerId);
    const event: DurableEvent = {
      type: "message_deleted",
      chat_id: chatId,
      message_id: message.id,
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

/** "Message info" for a 1:1 message you sent: when it reached the recipient and when they read it. */
export async function chatMessageInfo(deps: Deps, userId: number, found: VisibleChatMessage): Promise<MessageInfo> {
  const messageId = found.message.id;
  if (found.message.senderId !== userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Message info is only for messages you sent." });
  }
  const peerId = peerOf(found, userId);
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
        read_at: found.receiptsOff ? null : (recipient.status?.readAt?.toISOString() ?? null),
      },
    ],
  };
}
