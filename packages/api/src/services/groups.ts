import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { type InferSelectModel, schema, type Transaction } from "@parley/db";
import {
  type CreateGroupInput,
  type DurableEvent,
  type GroupChatOutput,
  type GroupMessageOutput,
  type GroupOutput,
  type GroupRole,
  type GroupSummary,
  type SystemEvent,
  systemEventText,
  type UpdateGroupInput,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { afterCursor, type ChatCursor } from "./conversation/chat-list-cursor";
import { encryptedPayload, type MessageRow } from "./conversation/message-row";
import { replyColumns, type ReplyRow, toReplyPreview } from "./conversation/reply";
import { TYPING_EXPIRES_MS } from "./conversation/typing";
import { appendEvents, deliverEvents, publishEphemeral, type StoredEvent } from "./events";
import { type MediaRow, messageAttachments, resolvePicture } from "./media/media";
import { tieWith } from "./ties";
import { toPublicProfile, viewerStanding } from "./user";

export type GroupRow = InferSelectModel<typeof schema.groups>;
export type MemberRow = InferSelectModel<typeof schema.groupMembers>;

export const noSuchGroup = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such group." });
const notAMember = () => new TRPCError({ code: "FORBIDDEN", message: "You are no longer a member of this group." });
const adminsOnly = (what: string) => new TRPCError({ code: "FORBIDDEN", message: `Only group admins can ${what}.` });

/** The last seq a member may see: up to where they left, or everything so far. */
export const visibleLastSeq = (group: Pick<GroupRow, "lastSeq">, member: Pick<MemberRow, "leftSeq">) =>
  member.leftSeq ?? group.lastSeq;

/**
 * The group as this member may see it: as it is, or for someone who left, as it was at their
 * left_seq (the snapshot markLeft took). Everything that shows a group to a viewer goes through
 * this, so a rename, a new picture or new members never reach a former member.
 */
export function groupSeenBy(group: GroupRow, member: MemberRow): GroupRow {
  if (member.leftSeq === null) return group;
  // The ?? fallbacks never apply: group_members_left_snapshot keeps these set once left_seq is.
  return {
    ...group,
    name: member.leftName ?? "",
    description: member.leftDescription,
    profilePictureUrl: member.leftProfilePictureUrl,
    pictureMediaId: member.leftPictureMediaId,
    lastSeq: member.leftSeq,
    deliveredSeq: member.leftDeliveredSeq ?? 0,
    readSeq: member.leftReadSeq ?? 0,
    lastMessageAt: member.leftAt,
    updatedAt: member.leftAt ?? group.createdAt,
  };
}

/** Unread is derived from the read watermark; see group_members.read_seq. */
export const unreadCount = (group: Pick<GroupRow, "lastSeq">, member: Pick<MemberRow, "leftSeq" | "readSeq">) =>
  Math.max(0, visibleLastSeq(group, member) - member.readSeq);

/** The group and the caller's membership (current or past); NOT_FOUND if they never belonged to it. */
export async function findMembership(
  db: Deps["db"] | Transaction,
  groupId: number,
  userId: number,
  options: { lock?: boolean } = {},
): Promise<{ group: GroupRow; member: MemberRow }> {
  const query = db
    .select({ group: schema.groups, member: schema.groupMembers })
    .from(schema.groups)
    .innerJoin(
      schema.groupMembers,
      and(eq(schema.groupMembers.groupId, schema.groups.id), eq(schema.groupMembers.userId, userId)),
    )
    .where(eq(schema.groups.id, groupId))
    .limit(1);
  // The group row is the lock every membership change and every send takes: while it is held, the
  // member list can't change under a fan-out, and seqs are allocated one at a time.
  const [row] = options.lock ? await query.for("no key update", { of: schema.groups }) : await query;
  if (!row) throw noSuchGroup();
  return row;
}

async function findActiveMembership(
  db: Deps["db"] | Transaction,
  groupId: number,
  userId: number,
  options: { lock?: boolean } = {},
) {
  const membership = await findMembership(db, groupId, userId, options);
  if (membership.member.leftSeq !== null) throw notAMember();
  return membership;
}

/** Someone else's current membership, for an admin acting on them. */
async function findCurrentMember(tx: Transaction, groupId: number, userId: number): Promise<MemberRow> {
  const [member] = await tx
    .select()
    .from(schema.groupMembers)
    .where(
      and(
        eq(schema.groupMembers.groupId, groupId),
        eq(schema.groupMembers.userId, userId),
        isNull(schema.groupMembers.leftSeq),
      ),
    );
  if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "This person is not a member of the group." });
  return member;
}

export async function activeMemberIds(tx: Deps["db"] | Transaction, groupId: number): Promise<number[]> {
  const rows = await tx
    .select({ userId: schema.groupMembers.userId })
    .from(schema.groupMembers)
    .where(and(eq(schema.groupMembers.groupId, groupId), isNull(schema.groupMembers.leftSeq)))
    .orderBy(asc(schema.groupMembers.userId));
  return rows.map((row) => row.userId);
}

export function messageStatusInGroup(group: Pick<GroupRow, "deliveredSeq" | "readSeq">, seq: number) {
  if (seq <= group.readSeq) return "read" as const;
  return seq <= group.deliveredSeq ? ("delivered" as const) : ("sent" as const);
}

export function toGroupMessageOutput(
  message: MessageRow,
  group: Pick<GroupRow, "deliveredSeq" | "readSeq">,
  reply: ReplyRow,
  media: MediaRow | null = null,
): GroupMessageOutput {
  const isDeleted = message.deletedAt !== null;
  return {
    id: message.id,
    group_id: message.groupId ?? 0,
    seq: message.seq,
    sender_id: message.senderId,
    client_msg_id: message.clientMsgId,
    content: isDeleted ? null : message.content,
    message_type: message.messageType,
    system: (message.system as SystemEvent | null) ?? null,
    status: messageStatusInGroup(group, message.seq),
    reply_to_message_id: message.replyToMessageId,
    reply_to: toReplyPreview(reply),
    ...messageAttachments(message, media),
    is_forwarded: message.isForwarded,
    edited_at: message.editedAt?.toISOString() ?? null,
    // Filled by withReactions where a page of messages is read.
    reactions: [],
    encrypted: encryptedPayload(message),
    is_deleted: isDeleted,
    created_at: message.createdAt.toISOString(),
  };
}

/**
 * What a group summary needs beyond the group and membership rows: how many are in it, and
 * the action of the system message that ended the viewer's membership ("left" or "removed").
 */
const summaryColumns = {
  // Counted for members only: a former member is shown group_members.left_member_count.
  memberCount: sql<number>`case when ${schema.groupMembers.leftSeq} is null then (select count(*)::int from ${schema.groupMembers} gm where gm.group_id = ${schema.groups.id} and gm.left_seq is null) else 0 end`,
  leftAction: sql<
    string | null
  >`(select m.system->>'action' from ${schema.messages} m where m.group_id = ${schema.groupMembers.groupId} and m.seq = ${schema.groupMembers.leftSeq})`,
};

const leftReason = (action: string | null | undefined): GroupSummary["left_reason"] =>
  action === "removed" ? "removed" : action === "left" ? "left" : null;

/** `memberCount` is how many are in the group now; a former member is shown how many there were. */
function toGroupSummary(
  group: GroupRow,
  member: MemberRow,
  memberCount: number,
  leftAction: string | null = null,
): GroupSummary {
  const isMember = member.leftSeq === null;
  const seen = groupSeenBy(group, member);
  return {
    id: group.id,
    name: seen.name,
    description: seen.description,
    profile_picture_url: seen.profilePictureUrl,
    picture_media_id: seen.pictureMediaId,
    created_by: group.createdBy,
    created_at: group.createdAt.toISOString(),
    member_count: isMember ? memberCount : (member.leftMemberCount ?? 0),
    is_member: isMember,
    my_role: isMember ? member.role : null,
    left_reason: isMember ? null : leftReason(leftAction),
    e2ee: group.e2ee,
  };
}

/** A system message ("Ana added Ben"): takes the next seq under the group lock the caller holds. */
async function insertSystemMessage(
  tx: Transaction,
  groupId: number,
  event: SystemEvent,
  content: string,
  now: Date,
): Promise<{ message: MessageRow; group: GroupRow }> {
  const [group] = await tx
    .update(schema.groups)
    .set({ lastSeq: sql`${schema.groups.lastSeq} + 1`, lastMessageAt: now, updatedAt: now })
    .where(eq(schema.groups.id, groupId))
    .returning();
  if (!group) throw noSuchGroup();
  const [message] = await tx
    .insert(schema.messages)
    .values({
      groupId,
      senderId: event.actor_id,
      seq: group.lastSeq,
      content,
      messageType: "system",
      system: event,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!message) throw new Error("system message insert returned nothing");
  await tx.update(schema.groups).set({ lastMessageId: message.id }).where(eq(schema.groups.id, groupId));
  // The actor has seen their own action.
  await tx
    .update(schema.groupMembers)
    .set({
      deliveredSeq: sql`greatest(${schema.groupMembers.deliveredSeq}, ${group.lastSeq})`,
      readSeq: sql`greatest(${schema.groupMembers.readSeq}, ${group.lastSeq})`,
    })
    .where(and(eq(schema.groupMembers.groupId, groupId), eq(schema.groupMembers.userId, event.actor_id)));
  return { message, group };
}

/** Names for system message text, as the actor's stored profile has them (clients re-render from `system`). */
async function displayNames(tx: Deps["db"] | Transaction, userIds: number[]): Promise<Map<number, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: schema.users.id, fullName: schema.users.fullName, phoneNumber: schema.users.phoneNumber })
    .from(schema.users)
    .where(inArray(schema.users.id, userIds));
  return new Map(rows.map((row) => [row.id, row.fullName ?? row.phoneNumber]));
}

const describe = (event: SystemEvent, names: Map<number, string>) =>
  systemEventText(event, (id) => names.get(id) ?? "someone");

/**
 * One group change inside the caller's transaction (group row locked): the system messages
 * that record it, fanned out to `recipients` (everyone who should see them), plus a
 * `group_updated` to the members after the change and `group_left` to whoever is out.
 */
async function recordChange(
  tx: Transaction,
  groupId: number,
  changes: SystemEvent[],
  audience: { recipients: number[]; left?: { userIds: number[]; reason: "left" | "removed" } },
  now: Date,
): Promise<{ stored: StoredEvent[]; group: GroupRow }> {
  const names = await displayNames(tx, [
    ...new Set(changes.flatMap((change) => [change.actor_id, ...change.user_ids])),
  ]);
  const events: { userId: number; event: DurableEvent }[] = [];
  let group: GroupRow | undefined;
  for (const change of changes) {
    const inserted = await insertSystemMessage(tx, groupId, change, describe(change, names), now);
    group = inserted.group;
    const message = toGroupMessageOutput(inserted.message, inserted.group, null);
    for (const userId of audience.recipients) events.push({ userId, event: { type: "new_group_message", message } });
  }
  if (!group) throw new Error("recordChange needs at least one change");
  return { group, stored: await appendGroupUpdates(tx, group, events, audience.left) };
}

export async function appendGroupUpdates(
  tx: Transaction,
  group: GroupRow,
  events: { userId: number; event: DurableEvent }[],
  left?: { userIds: number[]; reason: "left" | "removed" },
): Promise<StoredEvent[]> {
  const members = await tx
    .select()
    .from(schema.groupMembers)
    .where(and(eq(schema.groupMembers.groupId, group.id), isNull(schema.groupMembers.leftSeq)));
  for (const member of members) {
    events.push({
      userId: member.userId,
      event: { type: "group_updated", group: toGroupSummary(group, member, members.length) },
    });
  }
  for (const userId of left?.userIds ?? []) {
    events.push({ userId, event: { type: "group_left", group_id: group.id, reason: left?.reason ?? "left" } });
  }
  return appendEvents(tx, events);
}

/** Users who may be put in a group by `actorId`: they exist, `actorId` has a tie to them, and no block stands between them. */
async function assertCanAdd(tx: Deps["db"] | Transaction, actorId: number, userIds: number[]): Promise<void> {
  if (userIds.length === 0) return;
  const found = await tx
    .select({ id: schema.users.id })
    .from(schema.users)
    .where(and(inArray(schema.users.id, userIds), eq(schema.users.isActive, true), tieWith(actorId, schema.users.id)));
  const missing = userIds.filter((id) => !found.some((row) => row.id === id));
  if (missing.length > 0) {
    throw new TRPCError({ code: "NOT_FOUND", message: `There is no Parley user with id ${missing.join(", ")}.` });
  }
  const blocks = await tx
    .select({ blockerId: schema.blockedUsers.blockerId, blockedId: schema.blockedUsers.blockedId })
    .from(schema.blockedUsers)
    .where(
      or(
        and(eq(schema.blockedUsers.blockerId, actorId), inArray(schema.blockedUsers.blockedId, userIds)),
        and(eq(schema.blockedUsers.blockedId, actorId), inArray(schema.blockedUsers.blockerId, userIds)),
      ),
    );
  const youBlocked = blocks.filter((row) => row.blockerId === actorId).map((row) => row.blockedId);
  if (youBlocked.length > 0) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `Unblock user ${youBlocked.join(", ")} before adding them to a group.`,
    });
  }
  if (blocks.length > 0) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Some of these people can't be added to your groups." });
  }
}

function assertWithinLimit(deps: Deps, count: number) {
  const max = deps.config.messaging.groupMaxMembers;
  if (count > max) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `A group can have at most ${max} members (this would make ${count}).`,
    });
  }
}

export async function createGroup(deps: Deps, creatorId: number, input: CreateGroupInput): Promise<GroupOutput> {
  const memberIds = input.member_ids.filter((id) => id !== creatorId);
  assertWithinLimit(deps, memberIds.length + 1);
  await assertCanAdd(deps.db, creatorId, memberIds);
  const picture = input.picture_media_id
    ? await resolvePicture(deps, creatorId, input.picture_media_id, "group_picture")
    : null;
  const now = new Date();
  const { group, stored } = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(schema.groups)
      .values({
        name: input.name,
        description: input.description || null,
        profilePictureUrl: input.profile_picture_url ?? null,
        pictureMediaId: picture?.id ?? null,
        createdBy: creatorId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!created) throw new Error("group insert returned nothing");
    // Everyone joins at seq 1, the "created" message, and has seen nothing before it.
    await tx.insert(schema.groupMembers).values(
      [creatorId, ...memberIds].map((userId) => ({
        groupId: created.id,
        userId,
        role: userId === creatorId ? ("admin" as const) : ("member" as const),
        joinedSeq: 1,
        joinedAt: now,
      })),
    );
    return recordChange(
      tx,
      created.id,
      [{ action: "created", actor_id: creatorId, user_ids: memberIds, name: input.name }],
      { recipients: [creatorId, ...memberIds] },
      now,
    );
  });
  await deliverEvents(deps, stored);
  return getGroup(deps, creatorId, group.id);
}

export async function getGroup(deps: Deps, viewerId: number, groupId: number): Promise<GroupOutput> {
  const { group, member } = await findMembership(deps.db, groupId, viewerId);
  const [ending] =
    member.leftSeq === null
      ? []
      : await deps.db
          .select({ system: schema.messages.system })
          .from(schema.messages)
          .where(and(eq(schema.messages.groupId, groupId), eq(schema.messages.seq, member.leftSeq)));
  const isMember = member.leftSeq === null;
  // Someone who left sees the group as it was, and not who is in it now: the roster isn't even read.
  const rows = isMember
    ? await deps.db
        .select({
          member: schema.groupMembers,
          user: schema.users,
          ...viewerStanding(viewerId, schema.users.id),
        })
        .from(schema.groupMembers)
        .innerJoin(schema.users, eq(schema.users.id, schema.groupMembers.userId))
        .where(and(eq(schema.groupMembers.groupId, groupId), isNull(schema.groupMembers.leftSeq)))
        .orderBy(
          sql`${schema.groupMembers.role} = 'admin' desc`,
          asc(schema.groupMembers.joinedAt),
          asc(schema.groupMembers.userId),
        )
    : [];
  return {
    ...toGroupSummary(group, member, rows.length, (ending?.system as SystemEvent | null)?.action),
    updated_at: groupSeenBy(group, member).updatedAt.toISOString(),
    last_seq: visibleLastSeq(group, member),
    members: rows.map((row) => ({
      user_id: row.member.userId,
      role: row.member.role,
      joined_at: row.member.joinedAt.toISOString(),
      profile: toPublicProfile(row.user, row),
    })),
  };
}

export async function listGroups(deps: Deps, viewerId: number): Promise<{ groups: GroupSummary[] }> {
  const rows = await deps.db
    .select({
      group: schema.groups,
      member: schema.groupMembers,
      ...summaryColumns,
    })
    .from(schema.groupMembers)
    .innerJoin(schema.groups, eq(schema.groups.id, schema.groupMembers.groupId))
    .where(eq(schema.groupMembers.userId, viewerId))
    .orderBy(asc(sql`coalesce(${schema.groupMembers.leftName}, ${schema.groups.name})`), asc(schema.groups.id));
  return { groups: rows.map((row) => toGroupSummary(row.group, row.member, row.memberCount, row.leftAction)) };
}

export async function updateGroup(deps: Deps, actorId: number, input: UpdateGroupInput): Promise<GroupOutput> {
  const picture = input.picture_media_id
    ? await resolvePicture(deps, actorId, input.picture_media_id, "group_picture")
    : null;
  const pictureMediaId = input.picture_media_id === undefined ? undefined : (picture?.id ?? null);
  const now = new Date();
  const result = await deps.db.transaction(async (tx) => {
    const { group, member } = await findActiveMembership(tx, input.group_id, actorId, { lock: true });
    if (member.role !== "admin") throw adminsOnly("change the group's name, description or picture");
    const changes: SystemEvent[] = [];
    const base = { actor_id: actorId, user_ids: [], name: null };
    if (input.name !== undefined && input.name !== group.name)
      changes.push({ ...base, action: "renamed", name: input.name });
    const description = input.description === undefined ? undefined : input.description || null;
    if (description !== undefined && description !== group.description)
      changes.push({ ...base, action: "description_changed" });
    const urlChanged = input.profile_picture_url !== undefined && input.profile_picture_url !== group.profilePictureUrl;
    if (urlChanged || (pictureMediaId !== undefined && pictureMediaId !== group.pictureMediaId)) {
      changes.push({ ...base, action: "picture_changed" });
    }
    if (changes.length === 0) return null;
    await tx
      .update(schema.groups)
      .set({
        name: input.name,
        description,
        profilePictureUrl: input.profile_picture_url,
        pictureMediaId,
        updatedAt: now,
      })
      .where(eq(schema.groups.id, group.id));
    return recordChange(tx, group.id, changes, { recipients: await activeMemberIds(tx, group.id) }, now);
  });
  if (result) await deliverEvents(deps, result.stored);
  return getGroup(deps, actorId, input.group_id);
}

// What a member's row holds while they are in the group (see markLeft).
const noSnapshot = {
  leftName: null,
  leftDescription: null,
  leftProfilePictureUrl: null,
  leftPictureMediaId: null,
  leftMemberCount: null,
  leftDeliveredSeq: null,
  leftReadSeq: null,
} satisfies Partial<MemberRow>;

export async function addMembers(
  deps: Deps,
  actorId: number,
  input: { group_id: number; user_ids: number[] },
): Promise<GroupOutput> {
  const now = new Date();
  const { stored } = await deps.db.transaction(async (tx) => {
    const { member } = await findActiveMembership(tx, input.group_id, actorId, { lock: true });
    if (member.role !== "admin") throw adminsOnly("add members");
    const current = new Set(await activeMemberIds(tx, input.group_id));
    const newcomers = input.user_ids.filter((id) => !current.has(id));
    if (newcomers.length === 0) {
      throw new TRPCError({ code: "CONFLICT", message: "They are already members of this group." });
    }
    assertWithinLimit(deps, current.size + newcomers.length);
    await assertCanAdd(tx, actorId, newcomers);
    const change: SystemEvent = { action: "added", actor_id: actorId, user_ids: newcomers, name: null };
    const names = await displayNames(tx, [actorId, ...newcomers]);
    const { message, group } = await insertSystemMessage(tx, input.group_id, change, describe(change, names), now);
    // Someone re-added starts afresh at this message, like someone new: earlier history isn't theirs.
    const fresh = {
      role: "member" as const,
      joinedSeq: group.lastSeq,
      joinedAt: now,
      deliveredSeq: group.lastSeq - 1,
      readSeq: group.lastSeq - 1,
    };
    await tx
      .insert(schema.groupMembers)
      .values(newcomers.map((userId) => ({ groupId: input.group_id, userId, ...fresh })))
      .onConflictDoUpdate({
        target: [schema.groupMembers.groupId, schema.groupMembers.userId],
        set: { ...fresh, leftSeq: null, leftAt: null, ...noSnapshot },
      });
    const output = toGroupMessageOutput(message, group, null);
    const recipients = [...current, ...newcomers];
    return {
      stored: await appendGroupUpdates(
        tx,
        group,
        recipients.map((userId) => ({ userId, event: { type: "new_group_message", message: output } })),
      ),
    };
  });
  await deliverEvents(deps, stored);
  return getGroup(deps, actorId, input.group_id);
}

/**
 * Marks a member as gone at the seq of the message that says so (`group`, as that message left it,
 * under the group lock), keeping in the same statement the group as they knew it then: what every
 * later read shows them (see groupSeenBy). `memberCount` is how many remain.
 */
async function markLeft(tx: Transaction, group: GroupRow, userId: number, memberCount: number, now: Date) {
  await tx
    .update(schema.groupMembers)
    .set({
      leftSeq: group.lastSeq,
      leftAt: now,
      role: "member",
      leftName: group.name,
      leftDescription: group.description,
      leftProfilePictureUrl: group.profilePictureUrl,
      leftPictureMediaId: group.pictureMediaId,
      leftMemberCount: memberCount,
      leftDeliveredSeq: group.deliveredSeq,
      leftReadSeq: group.readSeq,
    })
    .where(and(eq(schema.groupMembers.groupId, group.id), eq(schema.groupMembers.userId, userId)));
}

export async function removeMember(deps: Deps, actorId: number, input: { group_id: number; user_id: number }) {
  if (input.user_id === actorId) return leaveGroup(deps, actorId, input.group_id);
  const now = new Date();
  const { stored } = await deps.db.transaction(async (tx) => {
    const { member } = await findActiveMembership(tx, input.group_id, actorId, { lock: true });
    if (member.role !== "admin") throw adminsOnly("remove members");
    await findCurrentMember(tx, input.group_id, input.user_id);
    const recipients = await activeMemberIds(tx, input.group_id);
    const change: SystemEvent = { action: "removed", actor_id: actorId, user_ids: [input.user_id], name: null };
    const names = await displayNames(tx, [actorId, input.user_id]);
    const { message, group } = await insertSystemMessage(tx, input.group_id, change, describe(change, names), now);
    // The removal message is the last one they see.
    await markLeft(tx, group, input.user_id, recipients.length - 1, now);
    const output = toGroupMessageOutput(message, group, null);
    return {
      stored: await appendGroupUpdates(
        tx,
        group,
        recipients.map((userId) => ({ userId, event: { type: "new_group_message", message: output } })),
        { userIds: [input.user_id], reason: "removed" },
      ),
    };
  });
  await deliverEvents(deps, stored);
  return { message: "Removed from the group" };
}

export async function leaveGroup(deps: Deps, userId: number, groupId: number) {
  const now = new Date();
  const { stored } = await deps.db.transaction(async (tx) => {
    const { member } = await findActiveMembership(tx, groupId, userId, { lock: true });
    const recipients = await activeMemberIds(tx, groupId);
    const leaving: SystemEvent = { action: "left", actor_id: userId, user_ids: [], name: null };
    const remaining = recipients.filter((id) => id !== userId);
    let successor: number | null = null;
    if (member.role === "admin" && remaining.length > 0) {
      const [otherAdmin] = await tx
        .select({ userId: schema.groupMembers.userId })
        .from(schema.groupMembers)
        .where(
          and(
            eq(schema.groupMembers.groupId, groupId),
            eq(schema.groupMembers.role, "admin"),
            ne(schema.groupMembers.userId, userId),
            isNull(schema.groupMembers.leftSeq),
          ),
        )
        .limit(1);
      if (!otherAdmin) {
        // As in WhatsApp: the longest-standing member takes over.
        const [oldest] = await tx
          .select({ userId: schema.groupMembers.userId })
          .from(schema.groupMembers)
          .where(
            and(
              eq(schema.groupMembers.groupId, groupId),
              ne(schema.groupMembers.userId, userId),
              isNull(schema.groupMembers.leftSeq),
            ),
          )
          .orderBy(asc(schema.groupMembers.joinedAt), asc(schema.groupMembers.id))
          .limit(1);
        successor = oldest?.userId ?? null;
      }
    }
    const names = await displayNames(tx, [userId, ...(successor === null ? [] : [successor])]);
    const left = await insertSystemMessage(tx, groupId, leaving, describe(leaving, names), now);
    await markLeft(tx, left.group, userId, remaining.length, now);
    const events: { userId: number; event: DurableEvent }[] = recipients.map((id) => ({
      userId: id,
      event: { type: "new_group_message", message: toGroupMessageOutput(left.message, left.group, null) },
    }));
    let group = left.group;
    if (successor !== null) {
      await tx
        .update(schema.groupMembers)
        .set({ role: "admin" })
        .where(and(eq(schema.groupMembers.groupId, groupId), eq(schema.groupMembers.userId, successor)));
      const promotion: SystemEvent = { action: "promoted", actor_id: userId, user_ids: [successor], name: null };
      const promoted = await insertSystemMessage(tx, groupId, promotion, describe(promotion, names), now);
      group = promoted.group;
      for (const id of remaining) {
        events.push({
          userId: id,
          event: { type: "new_group_message", message: toGroupMessageOutput(promoted.message, promoted.group, null) },
        });
      }
    }
    return { stored: await appendGroupUpdates(tx, group, events, { userIds: [userId], reason: "left" }) };
  });
  await deliverEvents(deps, stored);
  return { message: "You left the group" };
}

export async function setMemberRole(
  deps: Deps,
  actorId: number,
  input: { group_id: number; user_id: number; role: GroupRole },
) {
  const now = new Date();
  const result = await deps.db.transaction(async (tx) => {
    const { member } = await findActiveMembership(tx, input.group_id, actorId, { lock: true });
    if (member.role !== "admin") throw adminsOnly("change who is an admin");
    const target = await findCurrentMember(tx, input.group_id, input.user_id);
    if (target.role === input.role) return null;
    if (input.role === "member") {
      const [admins] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(schema.groupMembers)
        .where(
          and(
            eq(schema.groupMembers.groupId, input.group_id),
            eq(schema.groupMembers.role, "admin"),
            isNull(schema.groupMembers.leftSeq),
          ),
        );
      if ((admins?.count ?? 0) <= 1) {
        throw new TRPCError({
          code: "BAD_REQUEST",
          message: "A group needs at least one admin: make someone else an admin first.",
        });
      }
    }
    await tx
      .update(schema.groupMembers)
      .set({ role: input.role })
      .where(and(eq(schema.groupMembers.groupId, input.group_id), eq(schema.groupMembers.userId, input.user_id)));
    const action = input.role === "admin" ? "promoted" : "demoted";
    return recordChange(
      tx,
      input.group_id,
      [{ action, actor_id: actorId, user_ids: [input.user_id], name: null }],
      { recipients: await activeMemberIds(tx, input.group_id) },
      now,
    );
  });
  if (result) await deliverEvents(deps, result.stored);
  return getGroup(deps, actorId, input.group_id);
}

export async function deleteGroup(deps: Deps, actorId: number, groupId: number) {
  const stored = await deps.db.transaction(async (tx) => {
    const { member } = await findActiveMembership(tx, groupId, actorId, { lock: true });
    if (member.role !== "admin") throw adminsOnly("delete the group");
    const [members, pastMembers] = await Promise.all([
      activeMemberIds(tx, groupId),
      tx
        .select({ userId: schema.groupMembers.userId })
        .from(schema.groupMembers)
        .where(eq(schema.groupMembers.groupId, groupId)),
    ]);
    // Its messages go with it (ON DELETE CASCADE); everyone who still lists it is told.
    await tx.delete(schema.groups).where(eq(schema.groups.id, groupId));
    const everyone = new Set([...members, ...pastMembers.map((row) => row.userId)]);
    return appendEvents(
      tx,
      [...everyone].map((userId) => ({ userId, event: { type: "group_left", group_id: groupId, reason: "deleted" } })),
    );
  });
  await deliverEvents(deps, stored);
  return { message: "Group deleted" };
}

/** "Ana is typing…" to the other members, except anyone in a block with her. */
export async function sendGroupTyping(deps: Deps, userId: number, input: { group_id: number; is_typing: boolean }) {
  await findActiveMembership(deps.db, input.group_id, userId);
  const rows = await deps.db
    .select({ userId: schema.groupMembers.userId })
    .from(schema.groupMembers)
    .where(
      and(
        eq(schema.groupMembers.groupId, input.group_id),
        isNull(schema.groupMembers.leftSeq),
        ne(schema.groupMembers.userId, userId),
        sql`not exists (select 1 from ${schema.blockedUsers} b where (b.blocker_id = ${schema.groupMembers.userId} and b.blocked_id = ${userId}) or (b.blocker_id = ${userId} and b.blocked_id = ${schema.groupMembers.userId}))`,
      ),
    );
  await publishEphemeral(
    deps,
    rows.map((row) => row.userId),
    {
      type: "group_typing",
      group_id: input.group_id,
      user_id: userId,
      is_typing: input.is_typing,
      expires_in_ms: TYPING_EXPIRES_MS,
    },
  );
  return { ok: true as const };
}

const lastMessages = alias(schema.messages, "last_message");
const quoted = alias(schema.messages, "quoted");
const quotedMedia = alias(schema.media, "quoted_media");
const lastMedia = alias(schema.media, "last_media");

/**
 * The viewer's groups as chat-list rows, each with the key it sorts by: the last message's
 * time, or when they left for a group they are no longer in (it then shows what they had).
 */
export async function selectGroupChats(
  deps: Deps,
  userId: number,
  cursor: ChatCursor | null,
  limit: number,
): Promise<{ chat: GroupChatOutput; sortKey: Date }[]> {
  const sortKey = sql`coalesce(case when ${schema.groupMembers.leftSeq} is null then ${schema.groups.lastMessageAt} else ${schema.groupMembers.leftAt} end, ${schema.groups.createdAt})`;
  const rows = await deps.db
    .select({
      group: schema.groups,
      member: schema.groupMembers,
      ...summaryColumns,
      lastMessage: lastMessages,
      lastMedia,
      quoted: replyColumns(quoted, quotedMedia),
      sortKey: sortKey.mapWith(schema.groups.lastMessageAt),
    })
    .from(schema.groupMembers)
    .innerJoin(schema.groups, eq(schema.groups.id, schema.groupMembers.groupId))
    // The newest message in the viewer's window that they haven't deleted for themselves.
    .leftJoin(
      lastMessages,
      eq(
        lastMessages.id,
        sql`(select m.id from ${schema.messages} m where m.group_id = ${schema.groups.id}
              and m.seq >= ${schema.groupMembers.joinedSeq} and m.seq <= coalesce(${schema.groupMembers.leftSeq}, ${schema.groups.lastSeq})
              and not exists (select 1 from ${schema.hiddenMessages} h where h.user_id = ${userId} and h.message_id = m.id)
              order by m.seq desc limit 1)`,
      ),
    )
    .leftJoin(quoted, eq(quoted.id, lastMessages.replyToMessageId))
    .leftJoin(quotedMedia, eq(quotedMedia.id, quoted.mediaId))
    .leftJoin(lastMedia, eq(lastMedia.id, lastMessages.mediaId))
    .where(
      and(
        eq(schema.groupMembers.userId, userId),
        cursor ? afterCursor(cursor, "group", sortKey, schema.groups.id) : undefined,
      ),
    )
    .orderBy(desc(sortKey), desc(schema.groups.id))
    .limit(limit);
  return rows.map((row) => ({
    sortKey: row.sortKey ?? row.group.createdAt,
    chat: {
      type: "group",
      id: row.group.id,
      group: toGroupSummary(row.group, row.member, row.memberCount, row.leftAction),
      last_message: row.lastMessage
        ? toGroupMessageOutput(row.lastMessage, groupSeenBy(row.group, row.member), row.quoted, row.lastMedia)
        : null,
      last_message_at:
        (row.member.leftSeq === null ? row.group.lastMessageAt : row.member.leftAt)?.toISOString() ?? null,
      unread_count: unreadCount(row.group, row.member),
      last_seq: visibleLastSeq(row.group, row.member),
    },
  }));
}
