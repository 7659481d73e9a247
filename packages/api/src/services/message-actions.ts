import { createHash } from "node:crypto";

import { TRPCError } from "@trpc/server";
import { type AnyColumn, and, desc, eq, or, type SQL, sql } from "drizzle-orm";

import { type InferSelectModel, schema, type Transaction } from "@parley/db";
import type {
  DurableEvent,
  EditMessageInput,
  FoundMessage,
  ForwardMessagesInput,
  GroupMessageOutput,
  MessageOutput,
  ReactInput,
  ReactionSummary,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import { appendEvents, deliverEvents } from "./events";
import { findGroupMessageForMember, sendGroupMessage } from "./group-messages";
import { activeMemberIds, groupSeenBy, toGroupMessageOutput } from "./groups";
import { type MediaRow, readableMedia } from "./media/media";
import { asMessageType, findMessageForMember, peerOf, sendChatMessage, toMessageOutput } from "./messages";
import { reactionSummaries, withReactions } from "./reactions";

type MessageRow = InferSelectModel<typeof schema.messages>;

/** A message the caller may see, and where: a 1:1 chat they are in, or a group within their window. */
type Located =
  | { type: "direct"; message: MessageRow; chatId: number; members: [number, number] }
  | { type: "group"; message: MessageRow; groupId: number; groupName: string; isMember: boolean };

async function locate(deps: Deps, userId: number, messageId: number): Promise<Located> {
  const inGroup = await findGroupMessageForMember(deps, userId, messageId);
  if (inGroup) {
    return {
      type: "group",
      message: inGroup.message,
      groupId: inGroup.group.id,
      groupName: inGroup.group.name,
      isMember: inGroup.member.leftSeq === null,
    };
  }
  const row = await findMessageForMember(deps, userId, messageId);
  return { type: "direct", message: row.message, chatId: row.message.chatId ?? 0, members: [row.user1Id, row.user2Id] };
}

/** Who hears about a change to a message: both people of a 1:1 chat, or the group's current members. */
async function audience(tx: Transaction, located: Located): Promise<number[]> {
  return located.type === "direct" ? located.members : activeMemberIds(tx, located.groupId);
}

const where = (located: Located) =>
  located.type === "direct"
    ? { chat_id: located.chatId, group_id: null }
    : { chat_id: null, group_id: located.groupId };

function assertActionable(located: Located, action: string) {
  if (located.message.deletedAt)
    throw new TRPCError({ code: "BAD_REQUEST", message: `A deleted message can't be ${action}.` });
  if (located.message.messageType === "system")
    throw new TRPCError({ code: "BAD_REQUEST", message: `Group notices can't be ${action}.` });
  if (located.type === "group" && !located.isMember) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are no longer a member of this group." });
  }
}

async function assertNoBlock(deps: Deps, userId: number, located: Located) {
  if (located.type !== "direct") return;
  const peerId = peerOf({ user1Id: located.members[0], user2Id: located.members[1] }, userId);
  if ((await blockStateBetween(deps, userId, peerId)) !== "none") {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: "You can't do that in a chat where one of you blocked the other.",
    });
  }
}

/** Durable events to everyone concerned, in one transaction with the change itself. */
async function changeAndTell(
  deps: Deps,
  located: Located,
  change: (tx: Transaction) => Promise<void>,
  event: DurableEvent,
) {
  const stored = await deps.db.transaction(async (tx) => {
    await change(tx);
    return appendEvents(
      tx,
      (await audience(tx, located)).map((memberId) => ({ userId: memberId, event })),
    );
  });
  await deliverEvents(deps, stored);
}

/**
 * The sender changes a text message's words within MESSAGE_EDIT_WINDOW_MINUTES (WhatsApp's 15);
 * everyone in the conversation sees the new text and "edited" live.
 */
export async function editMessage(deps: Deps, userId: number, input: EditMessageInput) {
  const located = await locate(deps, userId, input.message_id);
  assertActionable(located, "edited");
  const { message } = located;
  if (message.senderId !== userId)
    throw new TRPCError({ code: "FORBIDDEN", message: "You can only edit messages you sent." });
  if (message.messageType !== "text")
    throw new TRPCError({ code: "BAD_REQUEST", message: "Only text messages can be edited." });
  const windowSeconds = deps.config.messaging.editWindowSeconds;
  if (Date.now() - message.createdAt.getTime() > windowSeconds * 1000) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Messages can be edited for ${Math.round(windowSeconds / 60)} minutes after sending.`,
    });
  }
  await assertNoBlock(deps, userId, located);
  // The same words again change nothing (and say nothing to anyone).
  if (message.content === input.content) {
    return { message_id: message.id, content: input.content, edited_at: message.editedAt?.toISOString() ?? null };
  }
  const editedAt = new Date();
  await changeAndTell(
    deps,
    located,
    async (tx) => {
      await tx
        .update(schema.messages)
        .set({ content: input.content, editedAt })
        .where(eq(schema.messages.id, message.id));
    },
    {
      type: "message_edited",
      ...where(located),
      message_id: message.id,
      content: input.content,
      edited_at: editedAt.toISOString(),
    },
  );
  return { message_id: message.id, content: input.content, edited_at: editedAt.toISOString() };
}

/** One emoji per person per message: set, change or (null) take back; everyone sees the counts live. */
export async function react(
  deps: Deps,
  userId: number,
  input: ReactInput,
): Promise<{ message_id: number; reactions: ReactionSummary[] }> {
  const located = await locate(deps, userId, input.message_id);
  assertActionable(located, "reacted to");
  await assertNoBlock(deps, userId, located);
  const messageId = located.message.id;
  let reactions: ReactionSummary[] = [];
  const stored = await deps.db.transaction(async (tx) => {
    if (input.emoji === null) {
      await tx
        .delete(schema.messageReactions)
        .where(and(eq(schema.messageReactions.messageId, messageId), eq(schema.messageReactions.userId, userId)));
    } else {
      await tx
        .insert(schema.messageReactions)
        .values({ messageId, userId, emoji: input.emoji })
        .onConflictDoUpdate({
          target: [schema.messageReactions.messageId, schema.messageReactions.userId],
          set: { emoji: input.emoji, createdAt: new Date() },
        });
    }
    reactions = (await reactionSummaries(tx, [messageId])).get(messageId) ?? [];
    const event: DurableEvent = {
      type: "reaction_updated",
      ...where(located),
      message_id: messageId,
      user_id: userId,
      emoji: input.emoji,
      reactions,
    };
    return appendEvents(
      tx,
      (await audience(tx, located)).map((memberId) => ({ userId: memberId, event })),
    );
  });
  await deliverEvents(deps, stored);
  return { message_id: messageId, reactions };
}

/** A UUID made from a forward's batch id, message and target: the same forward retried is the same send. */
function derivedClientMsgId(batchId: string, messageId: number, target: string): string {
  const hex = createHash("sha256").update(`${batchId}:${messageId}:${target}`).digest("hex");
  // Version 8 (custom), RFC 9562 variant.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Forwards messages the caller may see to chats and groups, in order: each copy is a new message
 * of the forwarder's, marked "Forwarded", carrying the same text, location or file (the file is
 * reused, not uploaded again; readers of the copy may read it). Every send is the ordinary one, so
 * blocks, membership and receipts apply as to any message; retrying with the same client_batch_id
 * returns the same messages.
 */
export async function forwardMessages(deps: Deps, userId: number, input: ForwardMessagesInput) {
  const { forwardMaxMessages, forwardMaxChats } = deps.config.messaging;
  if (input.message_ids.length > forwardMaxMessages) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `You can forward up to ${forwardMaxMessages} messages at once.`,
    });
  }
  if (input.user_ids.length + input.group_ids.length > forwardMaxChats) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `You can forward to up to ${forwardMaxChats} chats at once.` });
  }
  const sources: { message: MessageRow; media: MediaRow | null }[] = [];
  for (const messageId of input.message_ids) {
    const located = await locate(deps, userId, messageId);
    if (located.message.deletedAt)
      throw new TRPCError({ code: "BAD_REQUEST", message: "A deleted message can't be forwarded." });
    if (located.message.messageType === "system")
      throw new TRPCError({ code: "BAD_REQUEST", message: "Group notices can't be forwarded." });
    // Only a file the forwarder may still open (a member removed from the group can't pass its photos on).
    const media = located.message.mediaId ? await readableMedia(deps, userId, located.message.mediaId) : null;
    sources.push({ message: located.message, media });
  }
  const body = ({ message, media }: (typeof sources)[number]) => ({
    message_type: asMessageType(message.messageType),
    content: message.content ?? undefined,
    media_id: media?.id,
    location:
      message.locationLatitude !== null && message.locationLongitude !== null
        ? {
            latitude: Number(message.locationLatitude),
            longitude: Number(message.locationLongitude),
            name: message.locationName ?? undefined,
          }
        : undefined,
  });

  const direct: MessageOutput[] = [];
  const group: GroupMessageOutput[] = [];
  for (const receiverId of input.user_ids) {
    for (const source of sources) {
      const clientMsgId = derivedClientMsgId(input.client_batch_id, source.message.id, `user:${receiverId}`);
      direct.push(
        await sendChatMessage(
          deps,
          userId,
          { receiver_id: receiverId, client_msg_id: clientMsgId, ...body(source) },
          { forwardedMedia: source.media },
        ),
      );
    }
  }
  for (const groupId of input.group_ids) {
    for (const source of sources) {
      const clientMsgId = derivedClientMsgId(input.client_batch_id, source.message.id, `group:${groupId}`);
      group.push(
        await sendGroupMessage(
          deps,
          userId,
          { group_id: groupId, client_msg_id: clientMsgId, ...body(source) },
          { forwardedMedia: source.media },
        ),
      );
    }
  }
  return { direct, group };
}

/** Starring is the caller's own bookmark: any message they can see, history included. */
export async function starMessage(deps: Deps, userId: number, input: { message_id: number; starred: boolean }) {
  const located = await locate(deps, userId, input.message_id);
  if (located.message.messageType === "system")
    throw new TRPCError({ code: "BAD_REQUEST", message: "Group notices can't be starred." });
  const stored = await deps.db.transaction(async (tx) => {
    if (input.starred) {
      await tx.insert(schema.starredMessages).values({ userId, messageId: located.message.id }).onConflictDoNothing();
    } else {
      await tx
        .delete(schema.starredMessages)
        .where(
          and(eq(schema.starredMessages.userId, userId), eq(schema.starredMessages.messageId, located.message.id)),
        );
    }
    return appendEvents(tx, [
      { userId, event: { type: "message_starred", message_id: located.message.id, starred: input.starred } },
    ]);
  });
  await deliverEvents(deps, stored);
  return { message_id: located.message.id, starred: input.starred };
}

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
