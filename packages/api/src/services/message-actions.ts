import { createHash } from "node:crypto";

import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";

import { schema, type Transaction } from "@parley/db";
import type {
  DurableEvent,
  EditMessageInput,
  ForwardMessagesInput,
  GroupMessageOutput,
  MessageInfo,
  MessageOutput,
  ReactInput,
  ReactionSummary,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import {
  chatMessageInfo,
  deleteChatMessage,
  findMessageForMember,
  sendChatMessage,
  updateChatMessageStatus,
  type VisibleChatMessage,
} from "./chat-messages";
import { peerOf } from "./chats";
import { asPlaintextType, type MessageRow } from "./conversation/message-row";
import { appendEvents, deliverEvents } from "./events";
import {
  deleteGroupMessage,
  findGroupMessageForMember,
  groupMessageInfo,
  sendGroupMessage,
  updateGroupMessageStatus,
  type VisibleGroupMessage,
} from "./group-messages";
import { activeMemberIds } from "./groups";
import { type MediaRow, readableMedia } from "./media/media";
import { reactionSummaries } from "./reactions";

/** A message the caller may see, and where: a 1:1 chat they are in, or a group within their window. */
type Located =
  | { type: "direct"; message: MessageRow; chatId: number; members: [number, number]; found: VisibleChatMessage }
  | { type: "group"; message: MessageRow; groupId: number; isMember: boolean; found: VisibleGroupMessage };

/** Which kind of conversation a message id is in: the one place that tells them apart by id. */
async function locate(deps: Deps, userId: number, messageId: number): Promise<Located> {
  const inGroup = await findGroupMessageForMember(deps, userId, messageId);
  if (inGroup) {
    return {
      type: "group",
      message: inGroup.message,
      groupId: inGroup.group.id,
      isMember: inGroup.member.leftSeq === null,
      found: inGroup,
    };
  }
  const row = await findMessageForMember(deps, userId, messageId);
  return {
    type: "direct",
    message: row.message,
    chatId: row.message.chatId ?? 0,
    members: [row.user1Id, row.user2Id],
    found: row,
  };
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

/** The server can't edit, react to or forward what it can't read: the sending device does, encrypted. */
function assertPlaintext(located: Located, action: string) {
  if (located.message.messageType === "encrypted") {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `This message is end-to-end encrypted: it is ${action} by your device, as an encrypted message.`,
    });
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
  assertPlaintext(located, "edited");
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
  assertPlaintext(located, "reacted to");
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
    assertPlaintext(located, "forwarded");
    // Only a file the forwarder may still open (a member removed from the group can't pass its photos on).
    const media = located.message.mediaId ? await readableMedia(deps, userId, located.message.mediaId) : null;
    sources.push({ message: located.message, media });
  }
  const body = ({ message, media }: (typeof sources)[number]) => ({
    message_type: asPlaintextType(message.messageType),
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

/** Delete for me, or (the sender, within the window) for everyone. */
export async function deleteMessage(deps: Deps, userId: number, input: { message_id: number; for_everyone: boolean }) {
  const located = await locate(deps, userId, input.message_id);
  // Every device replays the group's commits in order to follow its keys: they stay.
  if (located.message.mlsKind === "commit") {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "Changes to an encrypted conversation's devices can't be deleted.",
    });
  }
  return located.type === "group"
    ? deleteGroupMessage(deps, userId, located.found, input.for_everyone)
    : deleteChatMessage(deps, userId, located.found, input.for_everyone);
}

/** "Message info" for a message you sent: when it reached each recipient and when they read it. */
export async function messageInfo(deps: Deps, userId: number, messageId: number): Promise<MessageInfo> {
  const located = await locate(deps, userId, messageId);
  return located.type === "group"
    ? groupMessageInfo(deps, userId, located.found)
    : chatMessageInfo(deps, userId, located.found);
}

/** The spec's PUT /messages/{id}/status: only a recipient, and only forwards. */
export async function updateMessageStatus(
  deps: Deps,
  userId: number,
  input: { message_id: number; status: "delivered" | "read" },
) {
  const located = await locate(deps, userId, input.message_id);
  return located.type === "group"
    ? updateGroupMessageStatus(deps, userId, located.found, input.status)
    : updateChatMessageStatus(deps, userId, located.found, input.status);
}
