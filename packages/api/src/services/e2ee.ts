import { TRPCError } from "@trpc/server";
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";

import { CryptoError, fromBase64, inspectMessage, type MessageFrame, toBase64 } from "@parley/crypto";
import { isUniqueViolation, schema, type Transaction } from "@parley/db";
import {
  type DurableEvent,
  type EncryptionState,
  MLS_APPLICATION_MAX_BYTES,
  type SendEncryptedInput,
  type StartEncryptionInput,
  type WelcomeOutput,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { assertCanMessage } from "./chat-messages";
import { type ChatRow, noSuchChat, toMessageOutput } from "./chats";
import { activeDevices, requireDevice } from "./devices";
import { appendEvents, deliverEvents, publishToGroup, type StoredEvent } from "./events";
import { appendGroupUpdates, findMembership, type GroupRow, toGroupMessageOutput } from "./groups";
import { type MediaRow, resolveFile } from "./media/media";
import { notifyOffline } from "./notifier";
import type { SessionAuth } from "./session";

// The server as MLS delivery service (RFC 9420 §15; ADR 0033). It orders each conversation's
// commits and application messages in its gap-free seq, accepts them only at the epoch it holds
// (so of two racing commits one wins, and the other device catches up and retries), keeps which
// devices are in each group, and hands Welcomes to the devices they are for. It reads the
// framing of what it stores (kind, group id, epoch), never content: it has no key to any of it.

type Conversation =
  | { type: "chat"; id: number; row: ChatRow; memberIds: [number, number] }
  | { type: "group"; id: number; row: GroupRow; memberIds: number[] };

const inConversation = (conversation: Pick<Conversation, "type" | "id">) =>
  conversation.type === "chat"
    ? { chatId: conversation.id, groupId: null }
    : { chatId: null, groupId: conversation.id };

const mlsMembersOf = (conversation: Pick<Conversation, "type" | "id">) =>
  conversation.type === "chat"
    ? eq(schema.mlsMembers.chatId, conversation.id)
    : eq(schema.mlsMembers.groupId, conversation.id);

function readFrame(encoded: string, what: string): MessageFrame & { bytes: number } {
  const bytes = fromBase64(encoded);
  try {
    return { ...inspectMessage(bytes), bytes: bytes.length };
  } catch (error) {
    if (error instanceof CryptoError) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `The ${what} is not an MLS message.` });
    }
    throw error;
  }
}

function assertWelcome(encoded: string) {
  if (readFrame(encoded, "welcome").kind !== "welcome") {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The welcome is not an MLS Welcome." });
  }
}

const staleEpoch = (epoch: number) =>
  new TRPCError({
    code: "CONFLICT",
    message: `The conversation has moved on to epoch ${epoch}: apply its newer commits and try again.`,
  });

/** The conversation under its row lock, if the caller is in it now. */
async function lockConversation(
  tx: Transaction,
  userId: number,
  target: { chat_id?: number; group_id?: number },
): Promise<Conversation> {
  if (target.chat_id !== undefined) {
    const [chat] = await tx
      .select()
      .from(schema.chats)
      .where(
        and(
          eq(schema.chats.id, target.chat_id),
          or(eq(schema.chats.user1Id, userId), eq(schema.chats.user2Id, userId)),
        ),
      )
      .for("update");
    if (!chat) throw noSuchChat();
    return { type: "chat", id: chat.id, row: chat, memberIds: [chat.user1Id, chat.user2Id] };
  }
  const groupId = target.group_id ?? 0;
  const { member } = await findMembership(tx, groupId, userId);
  if (member.leftSeq !== null) {
    throw new TRPCError({ code: "FORBIDDEN", message: "You are no longer a member of this group." });
  }
  // FOR UPDATE (not the plaintext sends' NO KEY UPDATE): the epoch changes under this lock.
  const [group] = await tx.select().from(schema.groups).where(eq(schema.groups.id, groupId)).for("update");
  if (!group) throw new TRPCError({ code: "NOT_FOUND", message: "There is no such group." });
  const members = await tx
    .select({ userId: schema.groupMembers.userId })
    .from(schema.groupMembers)
    .where(and(eq(schema.groupMembers.groupId, groupId), isNull(schema.groupMembers.leftSeq)));
  return { type: "group", id: group.id, row: group, memberIds: members.map((row) => row.userId) };
}

/** The devices the conversation's MLS group holds now, with whose they are and whether they are still valid. */
async function groupDevices(db: Deps["db"] | Transaction, conversation: Conversation) {
  const rows = await db
    .select({
      deviceId: schema.mlsMembers.deviceId,
      userId: schema.devices.userId,
      signaturePublicKey: schema.devices.signaturePublicKey,
      removedAt: schema.devices.removedAt,
      revokedAt: schema.sessions.revokedAt,
      expiresAt: schema.sessions.expiresAt,
    })
    .from(schema.mlsMembers)
    .innerJoin(schema.devices, eq(schema.devices.id, schema.mlsMembers.deviceId))
    .innerJoin(schema.sessions, eq(schema.sessions.id, schema.devices.sessionId))
    .where(and(mlsMembersOf(conversation), isNull(schema.mlsMembers.removedSeq)));
  const members = new Set(conversation.memberIds);
  const now = Date.now();
  return rows.map((row) => ({
    deviceId: row.deviceId,
    userId: row.userId,
    signaturePublicKey: row.signaturePublicKey,
    // In the group but no longer entitled: its person left, or it was unlinked or signed out.
    mustRemove:
      !members.has(row.userId) || row.removedAt !== null || row.revokedAt !== null || row.expiresAt.getTime() <= now,
  }));
}

/** Checks that the devices a commit welcomes may join: active devices of the conversation's members. */
async function checkAdded(
  tx: Transaction,
  conversation: Conversation,
  deviceIds: readonly string[],
  alreadyIn: ReadonlySet<string>,
) {
  if (new Set(deviceIds).size !== deviceIds.length) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "A device is named twice." });
  }
  if (deviceIds.length === 0) return [];
  const found = await activeDevices(
    tx,
    and(inArray(schema.devices.id, [...deviceIds]), inArray(schema.devices.userId, conversation.memberIds)),
  );
  if (found.length !== deviceIds.length) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "Only the signed-in devices of the conversation's members can be added.",
    });
  }
  if (found.some((device) => alreadyIn.has(device.id))) {
    throw new TRPCError({ code: "CONFLICT", message: "That device is in the conversation already." });
  }
  return found;
}

type StoredMessage = typeof schema.messages.$inferSelect;

/** The new row, its conversation's counters moved, and the events that tell the members. */
async function storeMessage(
  tx: Transaction,
  conversation: Conversation,
  sender: { userId: number; deviceId: string },
  input: {
    client_msg_id: string;
    ciphertext: string;
    kind: "application" | "commit";
    epoch: number;
    /** A file sent with it (not encrypted yet); its caption is in the ciphertext. */
    media?: MediaRow | null;
  },
): Promise<{
  message: StoredMessage;
  events: { userId: number; event: DurableEvent }[];
  group?: GroupRow;
  media?: MediaRow | null;
}> {
  const now = new Date();
  const seq = conversation.row.lastSeq + 1;
  const epoch = input.kind === "commit" ? input.epoch + 1 : input.epoch;
  const counted = input.kind === "application";
  const [message] = await tx
    .insert(schema.messages)
    .values({
      ...inConversation(conversation),
      senderId: sender.userId,
      seq,
      clientMsgId: input.client_msg_id,
      messageType: "encrypted",
      mlsKind: input.kind,
      mlsEpoch: input.epoch,
      senderDeviceId: sender.deviceId,
      ciphertext: input.ciphertext,
      mediaId: input.media?.id ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!message) throw new Error("message insert returned nothing");
  // A commit changes keys, not the conversation: it moves neither the chat list nor unread counts.
  const moved = counted ? { lastMessageId: message.id, lastMessageAt: now } : {};
  if (conversation.type === "chat") {
    const { row } = conversation;
    const peerIsUser1 = row.user1Id !== sender.userId;
    await tx
      .update(schema.chats)
      .set({
        lastSeq: seq,
        mlsEpoch: epoch,
        ...moved,
        ...(counted && peerIsUser1 ? { user1UnreadCount: sql`${schema.chats.user1UnreadCount} + 1` } : {}),
        ...(counted && !peerIsUser1 ? { user2UnreadCount: sql`${schema.chats.user2UnreadCount} + 1` } : {}),
        updatedAt: now,
      })
      .where(eq(schema.chats.id, row.id));
    const output = toMessageOutput({
      message,
      status: "sent",
      user1Id: row.user1Id,
      user2Id: row.user2Id,
      media: input.media ?? null,
      reply: null,
      receiptsOff: false,
    });
    await tx.insert(schema.messageStatus).values({ messageId: message.id, userId: output.receiver_id, status: "sent" });
    const event = { type: "new_message", message: output } as const;
    return { message, events: conversation.memberIds.map((userId) => ({ userId, event })) };
  }
  const [group] = await tx
    .update(schema.groups)
    .set({ lastSeq: seq, mlsEpoch: epoch, ...moved, updatedAt: now })
    .where(eq(schema.groups.id, conversation.id))
    .returning();
  if (!group) throw new Error("group update returned nothing");
  if (counted) {
    // Sending in a group means you have seen it up to here (as in WhatsApp).
    await tx
      .update(schema.groupMembers)
      .set({ deliveredSeq: seq, readSeq: seq })
      .where(and(eq(schema.groupMembers.groupId, group.id), eq(schema.groupMembers.userId, sender.userId)));
  }
  return { message, events: [], group, media: input.media ?? null };
}

/** Records a commit's effect on who is in the group, and keeps its Welcome for the new devices. */
async function applyMembership(
  tx: Transaction,
  conversation: Conversation,
  message: StoredMessage,
  change: { added: { id: string; userId: number }[]; removed: readonly string[]; welcome?: string },
): Promise<{ userId: number; event: DurableEvent }[]> {
  if (change.removed.length > 0) {
    await tx
      .update(schema.mlsMembers)
      .set({ removedSeq: message.seq })
      .where(
        and(
          mlsMembersOf(conversation),
          inArray(schema.mlsMembers.deviceId, [...change.removed]),
          isNull(schema.mlsMembers.removedSeq),
        ),
      );
  }
  if (change.added.length === 0 || change.welcome === undefined) return [];
  const where = inConversation(conversation);
  // A device added again (after it was removed) starts over from this commit.
  await tx.delete(schema.mlsMembers).where(
    and(
      mlsMembersOf(conversation),
      inArray(
        schema.mlsMembers.deviceId,
        change.added.map((device) => device.id),
      ),
    ),
  );
  await tx
    .insert(schema.mlsMembers)
    .values(change.added.map((device) => ({ ...where, deviceId: device.id, addedSeq: message.seq })));
  const [welcome] = await tx
    .insert(schema.mlsWelcomes)
    .values({ ...where, messageId: message.id, welcome: change.welcome })
    .returning({ id: schema.mlsWelcomes.id });
  if (!welcome) throw new Error("welcome insert returned nothing");
  await tx
    .insert(schema.mlsWelcomeRecipients)
    .values(change.added.map((device) => ({ welcomeId: welcome.id, deviceId: device.id })));
  const byUser = new Map<number, string[]>();
  for (const device of change.added) byUser.set(device.userId, [...(byUser.get(device.userId) ?? []), device.id]);
  return [...byUser].map(([userId, deviceIds]) => ({
    userId,
    event: {
      type: "mls_welcome",
      welcome_id: welcome.id,
      chat_id: where.chatId,
      group_id: where.groupId,
      seq: message.seq,
      device_ids: deviceIds,
    },
  }));
}

/** After commit: the stored events go out, group messages on the group's topic, and offline people hear. */
async function announce(
  deps: Deps,
  conversation: Conversation,
  stored: StoredEvent[],
  sent: { message: StoredMessage; group?: GroupRow; media?: MediaRow | null },
  senderId: number,
) {
  const others = conversation.memberIds.filter((id) => id !== senderId);
  const delivered = deliverEvents(deps, stored);
  if (conversation.type === "group" && sent.group) {
    const event = {
      type: "new_group_message",
      message: toGroupMessageOutput(sent.message, sent.group, null, sent.media ?? null),
    } as const;
    await Promise.all([
      delivered,
      publishToGroup(deps, event),
      sent.message.mlsKind === "application" ? notifyOffline(deps, others, event) : undefined,
    ]);
    return;
  }
  const forPeer = stored.find((item) => item.event.type === "new_message");
  await Promise.all([
    delivered,
    sent.message.mlsKind === "application" && forPeer ? notifyOffline(deps, others, forPeer.event) : undefined,
  ]);
}

const toSendOutput = (message: StoredMessage, epoch: number) => ({
  id: message.id,
  chat_id: message.chatId,
  group_id: message.groupId,
  seq: message.seq,
  kind: message.mlsKind ?? "application",
  epoch,
  created_at: message.createdAt.toISOString(),
});

/** A retried request (same client_msg_id) answers what the first one stored, if it was the same. */
async function findRetry(deps: Deps, senderId: number, clientMsgId: string, ciphertext: string) {
  const [original] = await deps.db
    .select()
    .from(schema.messages)
    .where(and(eq(schema.messages.senderId, senderId), eq(schema.messages.clientMsgId, clientMsgId)));
  if (!original) return null;
  if (original.ciphertext !== ciphertext) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "This client_msg_id was already used for a different message. Make a new UUID for each message.",
    });
  }
  const epoch = (original.mlsEpoch ?? 0) + (original.mlsKind === "commit" ? 1 : 0);
  return toSendOutput(original, epoch);
}

/**
 * Turns end-to-end encryption on for a 1:1 chat (made if new) or a group, for good: the
 * starting device's commit (epoch 0, from the group it made alone) and the Welcome for every
 * other device. Every other member must have a device, and every device of theirs is welcomed.
 */
export async function startEncryption(deps: Deps, session: SessionAuth, input: StartEncryptionInput) {
  const device = await requireDevice(deps, session);
  if (input.receiver_id === session.userId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "You can't start a chat with yourself." });
  }
  const commit = readFrame(input.commit, "commit");
  if (commit.kind !== "commit" || commit.epoch !== 0n) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Encryption starts with a commit at epoch 0." });
  }
  if (!commit.groupId || toBase64(commit.groupId) !== input.mls_group_id) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "The commit is for another MLS group than mls_group_id." });
  }
  assertWelcome(input.welcome);
  if (input.receiver_id !== undefined) await assertCanMessage(deps, session.userId, input.receiver_id);
  const retry = await findRetry(deps, session.userId, input.client_msg_id, input.commit);
  if (retry) return retry;

  let result: { stored: StoredEvent[]; conversation: Conversation; sent: Awaited<ReturnType<typeof storeMessage>> };
  try {
    result = await deps.db.transaction(async (tx) => {
      const conversation = await openForEncryption(tx, session.userId, input);
      if (conversation.row.e2ee) {
        throw new TRPCError({
          code: "CONFLICT",
          message: "This conversation is end-to-end encrypted already: your device joins it from its Welcome.",
        });
      }
      const others = conversation.memberIds.filter((id) => id !== session.userId);
      const welcomed = await checkAdded(tx, conversation, input.welcome_device_ids, new Set([device.id]));
      const ownOthers = await activeDevices(tx, eq(schema.devices.userId, session.userId));
      const everyone = await activeDevices(tx, inArray(schema.devices.userId, others));
      const welcomedIds = new Set(welcomed.map((item) => item.id));
      const missing = [...everyone, ...ownOthers.filter((item) => item.id !== device.id)].filter(
        (item) => !welcomedIds.has(item.id),
      );
      if (missing.length > 0) {
        throw new TRPCError({
          code: "CONFLICT",
          message: "Not every device of the conversation is welcomed: claim their key packages again and retry.",
        });
      }
      const withoutDevice = others.filter((id) => !everyone.some((item) => item.userId === id));
      if (withoutDevice.length > 0) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "Someone in this conversation has no device that can receive encrypted messages yet.",
        });
      }
      const table = conversation.type === "chat" ? schema.chats : schema.groups;
      await tx
        .update(table)
        .set({ e2ee: true, mlsGroupId: input.mls_group_id, mlsEpoch: 0 })
        .where(eq(table.id, conversation.id));
      const fresh = { ...conversation, row: { ...conversation.row, e2ee: true, mlsEpoch: 0 } } as Conversation;
      await tx
        .insert(schema.mlsMembers)
        .values({ ...inConversation(fresh), deviceId: device.id, addedSeq: fresh.row.lastSeq + 1 });
      const sent = await storeMessage(
        tx,
        fresh,
        { userId: session.userId, deviceId: device.id },
        { client_msg_id: input.client_msg_id, ciphertext: input.commit, kind: "commit", epoch: 0 },
      );
      const welcomes = await applyMembership(tx, fresh, sent.message, {
        added: welcomed,
        removed: [],
        welcome: input.welcome,
      });
      const updates = sent.group ? await appendGroupUpdates(tx, sent.group, []) : [];
      return {
        conversation: fresh,
        sent,
        stored: [...updates, ...(await appendEvents(tx, [...sent.events, ...welcomes]))],
      };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const original = await findRetry(deps, session.userId, input.client_msg_id, input.commit);
      if (original) return original;
      throw new TRPCError({ code: "CONFLICT", message: "That MLS group id is taken: make a new one." });
    }
    throw error;
  }
  await announce(deps, result.conversation, result.stored, result.sent, session.userId);
  return toSendOutput(result.sent.message, 1);
}

/** The chat with `receiver_id` (made if there is none yet), or the group the caller administers, locked. */
async function openForEncryption(
  tx: Transaction,
  userId: number,
  input: Pick<StartEncryptionInput, "receiver_id" | "group_id">,
): Promise<Conversation> {
  if (input.group_id !== undefined) {
    const conversation = await lockConversation(tx, userId, { group_id: input.group_id });
    const [member] = await tx
      .select({ role: schema.groupMembers.role })
      .from(schema.groupMembers)
      .where(and(eq(schema.groupMembers.groupId, input.group_id), eq(schema.groupMembers.userId, userId)));
    if (member?.role !== "admin") {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only group admins can turn on encryption." });
    }
    return conversation;
  }
  const receiverId = input.receiver_id ?? 0;
  const [user1Id, user2Id] = userId < receiverId ? [userId, receiverId] : [receiverId, userId];
  await tx.insert(schema.chats).values({ user1Id, user2Id }).onConflictDoNothing();
  const [chat] = await tx
    .select({ id: schema.chats.id })
    .from(schema.chats)
    .where(and(eq(schema.chats.user1Id, user1Id), eq(schema.chats.user2Id, user2Id)));
  return lockConversation(tx, userId, { chat_id: chat?.id ?? 0 });
}

/**
 * One MLSMessage into an encrypted conversation: an application message, or a commit with the
 * devices it adds (and their Welcome) or removes. Accepted only at the conversation's epoch.
 */
/** The other person of a chat the user is in, or null (then the send itself says what is wrong). */
async function chatPeerOf(deps: Deps, userId: number, chatId: number): Promise<number | null> {
  const [chat] = await deps.db
    .select({ user1Id: schema.chats.user1Id, user2Id: schema.chats.user2Id })
    .from(schema.chats)
    .where(eq(schema.chats.id, chatId));
  if (!chat || (chat.user1Id !== userId && chat.user2Id !== userId)) return null;
  return chat.user1Id === userId ? chat.user2Id : chat.user1Id;
}

export async function sendEncrypted(deps: Deps, session: SessionAuth, input: SendEncryptedInput) {
  const device = await requireDevice(deps, session);
  const frame = readFrame(input.message, "message");
  if (frame.kind !== "application" && frame.kind !== "commit") {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "Send an application message or a commit (proposals go inside commits).",
    });
  }
  const kind = frame.kind;
  if (kind === "application" && frame.bytes > MLS_APPLICATION_MAX_BYTES) {
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `An encrypted message is at most ${MLS_APPLICATION_MAX_BYTES} bytes.`,
    });
  }
  if (kind === "application" && (input.added_device_ids.length > 0 || input.removed_device_ids.length > 0)) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Only a commit adds or removes devices." });
  }
  if (kind === "commit" && input.media_id !== undefined) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Only a message carries a file, not a commit." });
  }
  if (input.welcome !== undefined) assertWelcome(input.welcome);
  const retry = await findRetry(deps, session.userId, input.client_msg_id, input.message);
  if (retry) return retry;
  // Checked (and its upload completed) before the conversation is locked.
  const media = input.media_id === undefined ? null : await resolveFile(deps, session.userId, input.media_id);
  // A block stops messages either way, encrypted or not (a commit, which carries none, still goes).
  if (kind === "application" && input.chat_id !== undefined) {
    const peerId = await chatPeerOf(deps, session.userId, input.chat_id);
    if (peerId !== null) await assertCanMessage(deps, session.userId, peerId);
  }

  let result: { stored: StoredEvent[]; conversation: Conversation; sent: Awaited<ReturnType<typeof storeMessage>> };
  try {
    result = await deps.db.transaction(async (tx) => {
      const conversation = await lockConversation(tx, session.userId, input);
      const { row } = conversation;
      if (!row.e2ee || row.mlsGroupId === null) {
        throw new TRPCError({
          code: "PRECONDITION_FAILED",
          message: "This conversation is not end-to-end encrypted: start its encryption first.",
        });
      }
      if (!frame.groupId || toBase64(frame.groupId) !== row.mlsGroupId) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "The message is for another conversation's MLS group." });
      }
      const devices = await groupDevices(tx, conversation);
      const own = devices.find((item) => item.deviceId === device.id);
      if (!own) {
        throw new TRPCError({
          code: "FORBIDDEN",
          message: "This device is not in the conversation yet: a member's device adds it.",
        });
      }
      if (frame.epoch !== BigInt(row.mlsEpoch)) throw staleEpoch(row.mlsEpoch);
      const inGroup = new Set(devices.map((item) => item.deviceId));
      if (kind === "application") {
        const stale = devices.filter((item) => item.mustRemove);
        if (stale.length > 0) {
          throw new TRPCError({
            code: "PRECONDITION_FAILED",
            message: `Devices that left the conversation are still in its group: commit their removal first (${stale
              .map((item) => item.deviceId)
              .join(", ")}).`,
          });
        }
      }
      const added = await checkAdded(tx, conversation, input.added_device_ids, inGroup);
      for (const removed of input.removed_device_ids) {
        if (!inGroup.has(removed)) {
          throw new TRPCError({ code: "BAD_REQUEST", message: "Only a device in the conversation can be removed." });
        }
        if (removed === device.id) {
          throw new TRPCError({ code: "BAD_REQUEST", message: "A device can't commit its own removal." });
        }
      }
      const sent = await storeMessage(
        tx,
        conversation,
        { userId: session.userId, deviceId: device.id },
        {
          client_msg_id: input.client_msg_id,
          ciphertext: input.message,
          kind: kind,
          epoch: row.mlsEpoch,
          media,
        },
      );
      const welcomes =
        kind === "commit"
          ? await applyMembership(tx, conversation, sent.message, {
              added,
              removed: input.removed_device_ids,
              welcome: input.welcome,
            })
          : [];
      return { conversation, sent, stored: await appendEvents(tx, [...sent.events, ...welcomes]) };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const original = await findRetry(deps, session.userId, input.client_msg_id, input.message);
      if (original) return original;
    }
    throw error;
  }
  await announce(deps, result.conversation, result.stored, result.sent, session.userId);
  const epoch = result.conversation.row.mlsEpoch + (kind === "commit" ? 1 : 0);
  return toSendOutput(result.sent.message, epoch);
}

/** What a member's device commits against: the epoch, and which devices are in, missing or to remove. */
export async function encryptionState(
  deps: Deps,
  session: SessionAuth,
  target: { chat_id?: number; group_id?: number },
): Promise<EncryptionState> {
  return deps.db.transaction(async (tx) => {
    const conversation = await lockConversation(tx, session.userId, target);
    const inGroup = await groupDevices(tx, conversation);
    const members = await activeDevices(tx, inArray(schema.devices.userId, conversation.memberIds));
    const seen = new Set(inGroup.map((item) => item.deviceId));
    return {
      chat_id: conversation.type === "chat" ? conversation.id : null,
      group_id: conversation.type === "group" ? conversation.id : null,
      e2ee: conversation.row.e2ee,
      mls_group_id: conversation.row.mlsGroupId,
      epoch: conversation.row.mlsEpoch,
      last_seq: conversation.row.lastSeq,
      devices: [
        ...inGroup.map((item) => ({
          device_id: item.deviceId,
          user_id: item.userId,
          signature_public_key: item.signaturePublicKey,
          in_group: true,
          must_remove: item.mustRemove,
        })),
        ...(conversation.row.e2ee ? members : [])
          .filter((item) => !seen.has(item.id))
          .map((item) => ({
            device_id: item.id,
            user_id: item.userId,
            signature_public_key: item.signaturePublicKey,
            in_group: false,
            must_remove: false,
          })),
      ],
    };
  });
}

const welcomeColumns = {
  id: schema.mlsWelcomes.id,
  chatId: schema.mlsWelcomes.chatId,
  groupId: schema.mlsWelcomes.groupId,
  welcome: schema.mlsWelcomes.welcome,
  seq: schema.messages.seq,
  epoch: schema.messages.mlsEpoch,
};

const toWelcomeOutput = (row: {
  id: number;
  chatId: number | null;
  groupId: number | null;
  welcome: string;
  seq: number;
  epoch: number | null;
}): WelcomeOutput => ({
  id: row.id,
  chat_id: row.chatId,
  group_id: row.groupId,
  seq: row.seq,
  epoch: (row.epoch ?? 0) + 1,
  welcome: row.welcome,
});

function welcomesFor(deps: Deps, deviceId: string) {
  return deps.db
    .select(welcomeColumns)
    .from(schema.mlsWelcomeRecipients)
    .innerJoin(schema.mlsWelcomes, eq(schema.mlsWelcomes.id, schema.mlsWelcomeRecipients.welcomeId))
    .innerJoin(schema.messages, eq(schema.messages.id, schema.mlsWelcomes.messageId))
    .where(eq(schema.mlsWelcomeRecipients.deviceId, deviceId))
    .$dynamic();
}

/** Welcomes this device has not taken yet, oldest first. */
export async function pendingWelcomes(deps: Deps, session: SessionAuth) {
  const device = await requireDevice(deps, session);
  const rows = await welcomesFor(deps, device.id).orderBy(asc(schema.mlsWelcomes.id)).limit(500);
  return { welcomes: rows.map(toWelcomeOutput) };
}

/** One Welcome, only for a device it is addressed to. */
export async function welcomeById(deps: Deps, session: SessionAuth, welcomeId: number) {
  const device = await requireDevice(deps, session);
  const [row] = await welcomesFor(deps, device.id).where(
    and(eq(schema.mlsWelcomeRecipients.deviceId, device.id), eq(schema.mlsWelcomes.id, welcomeId)),
  );
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "There is no such Welcome for this device." });
  return toWelcomeOutput(row);
}

/** The device joined (or gave up on) this Welcome: it is not handed out again; the last taker deletes it. */
export async function takeWelcome(deps: Deps, session: SessionAuth, welcomeId: number) {
  const device = await requireDevice(deps, session);
  await deps.db.transaction(async (tx) => {
    const [taken] = await tx
      .delete(schema.mlsWelcomeRecipients)
      .where(
        and(eq(schema.mlsWelcomeRecipients.welcomeId, welcomeId), eq(schema.mlsWelcomeRecipients.deviceId, device.id)),
      )
      .returning({ welcomeId: schema.mlsWelcomeRecipients.welcomeId });
    if (!taken) throw new TRPCError({ code: "NOT_FOUND", message: "There is no such Welcome for this device." });
    await tx
      .delete(schema.mlsWelcomes)
      .where(
        and(
          eq(schema.mlsWelcomes.id, welcomeId),
          sql`not exists (select 1 from ${schema.mlsWelcomeRecipients} r where r.welcome_id = ${welcomeId})`,
        ),
      );
  });
  return { message: "Welcome taken" };
}
