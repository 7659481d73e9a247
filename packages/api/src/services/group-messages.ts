import { TRPCError } from "@trpc/server";
import { and, asc, desc, eq, gt, gte, lt, lte, notExists, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import { executeRows, isUniqueViolation, schema } from "@parley/db";
import type {
  DurableEvent,
  GroupMessageOutput,
  ListGroupMessagesInput,
  MessageInfo,
  SendGroupMessageInput,
} from "@parley/validators";

import type { Deps } from "../runtime";
import { mayEnterEncrypted, plaintextRefused } from "./conversation/encryption";
import { composeMessage, type ForwardOptions, messageColumns, assertRetryOf } from "./conversation/compose";
import { assertDeletableForEveryone, blankedMessage, hideForUser } from "./conversation/deletion";
import { replyColumns, toReplyPreview } from "./conversation/reply";
import { appendEvents, deliverEvents, eventColumns, publishToGroup, type StoredEvent, takeEventSeqs } from "./events";
import {
  activeMemberIds,
  findMembership,
  groupSeenBy,
  type MemberRow,
  toGroupMessageOutput,
  unreadCount,
} from "./groups";
import { duplicateMediaSend } from "./media/media";
import { notifyOffline } from "./notifier";
import { withReactions } from "./reactions";
import { toPublicProfile, viewerStanding } from "./user";

const replies = alias(schema.messages, "reply");
const replyMedia = alias(schema.media, "reply_media");

/** The member's window on the group: messages from when they joined to when they left. */
const visibleTo = (member: Pick<MemberRow, "joinedSeq" | "leftSeq">) =>
  and(
    gte(schema.messages.seq, member.joinedSeq),
    member.leftSeq === null ? undefined : lte(schema.messages.seq, member.leftSeq),
  );

/** Group messages as one viewer may see them (minus those they deleted for themselves), with the quoted reply. */
function selectGroupMessages(deps: Deps, viewerId: number, where: SQL | undefined) {
  return deps.db
    .select({
      message: schema.messages,
      group: schema.groups,
      media: schema.media,
      reply: replyColumns(replies, replyMedia),
    })
    .from(schema.messages)
    .innerJoin(schema.groups, eq(schema.groups.id, schema.messages.groupId))
    .leftJoin(replies, eq(replies.id, schema.messages.replyToMessageId))
    .leftJoin(replyMedia, eq(replyMedia.id, replies.mediaId))
    .leftJoin(schema.media, eq(schema.media.id, schema.messages.mediaId))
    .where(
      and(
        where,
        notExists(
          deps.db
            .select({ one: sql`1` })
            .from(schema.hiddenMessages)
            .where(
              and(eq(schema.hiddenMessages.userId, viewerId), eq(schema.hiddenMessages.messageId, schema.messages.id)),
            ),
        ),
      ),
    );
}

export async function listGroupMessages(deps: Deps, userId: number, input: ListGroupMessagesInput) {
  const { group, member } = await findMembership(deps.db, input.group_id, userId);
  const isForward = input.after_seq !== undefined;
  const page = isForward
    ? gt(schema.messages.seq, input.after_seq ?? 0)
    : input.before_seq === undefined
      ? undefined
      : lt(schema.messages.seq, input.before_seq);
  const rows = await selectGroupMessages(
    deps,
    userId,
    and(eq(schema.messages.groupId, group.id), visibleTo(member), page),
  )
    .orderBy(isForward ? asc(schema.messages.seq) : desc(schema.messages.seq))
    .limit(input.limit);
  // Ticks as the group stood when a former member left, like everything else they see of it.
  const seen = groupSeenBy(group, member);
  const messages = await withReactions(
    deps.db,
    rows.map((row) => toGroupMessageOutput(row.message, seen, row.reply, row.media)),
  );
  const last = messages.at(-1);
  return { messages, next_cursor: messages.length === input.limit && last ? last.seq : null };
}

async function findReplyTarget(
  deps: Deps,
  groupId: number,
  member: MemberRow,
  messageId: number,
): Promise<GroupMessageOutput["reply_to"]> {
  const [quoted] = await deps.db
    .select(replyColumns(schema.messages, schema.media))
    .from(schema.messages)
    .leftJoin(schema.media, eq(schema.media.id, schema.messages.mediaId))
    .where(and(eq(schema.messages.id, messageId), eq(schema.messages.groupId, groupId), visibleTo(member)));
  const preview = quoted ? toReplyPreview(quoted) : null;
  if (!preview) throw new TRPCError({ code: "BAD_REQUEST", message: "You can only reply to a message in this group." });
  return preview;
}

/**
 * Sends to a group: under the group's row lock (taken first, so the membership the guard
 * reads after it is the one every membership change has committed), one statement takes
 * the next seq, stores the message and moves the sender's own watermarks. Only after commit
 * does the sender get its answer. The message is stored once, not copied into 256 members'
 * logs: it is published once on the group's topic, and a member who missed it fetches it by
 * seq (the stream's group_heads, or a gap in seqs). No status row or unread counter per
 * member either: receipts and unread are watermarks (see group_members).
 */
export async function sendGroupMessage(
  deps: Deps,
  senderId: number,
  input: SendGroupMessageInput,
  forward: ForwardOptions | null = null,
): Promise<GroupMessageOutput> {
  const { member } = await findMembership(deps.db, input.group_id, senderId);
  if (member.leftSeq !== null)
    throw new TRPCError({ code: "FORBIDDEN", message: "You can't send messages to a group you are no longer in." });
  const replyTo =
    input.reply_to_message_id === undefined
      ? null
      : await findReplyTarget(deps, input.group_id, member, input.reply_to_message_id);
  const { common, media, values, now } = await composeMessage(deps, senderId, input, replyTo, forward);
  const base = { ...common, group_id: input.group_id, system: null } satisfies Omit<GroupMessageOutput, "id" | "seq">;

  type Row = { id: string | number; seq: number; recipients: number[] | null };
  let row: Row | undefined;
  try {
    row = await deps.db.transaction(async (tx) => {
      const [locked] = await tx
        .select({ e2ee: schema.groups.e2ee })
        .from(schema.groups)
        .where(eq(schema.groups.id, input.group_id))
        .for("no key update");
      if (locked?.e2ee && !mayEnterEncrypted(input)) throw plaintextRefused();
      const [sent] = await executeRows<Row>(
        tx,
        sql`
          with guard as (
            select 1 from ${schema.groupMembers} where group_id = ${input.group_id} and user_id = ${senderId} and left_seq is null
          ),
          new_message as (select nextval(pg_get_serial_sequence('messages', 'id')) as id from guard),
          g as (
            update ${schema.groups} set last_seq = last_seq + 1, last_message_id = new_message.id,
              last_message_at = ${now}::timestamptz, updated_at = ${now}::timestamptz
            from new_message where ${schema.groups.id} = ${input.group_id}
            returning ${schema.groups.id} as id, last_seq
          ),
          message as (
            insert into ${schema.messages} (id, group_id, sender_id, seq, ${messageColumns})
            select new_message.id, g.id, ${senderId}, g.last_seq, ${values}
            from new_message, g
            returning id, seq
          ),
          sender as (
            -- Sending in a group means you have seen it up to here (as in WhatsApp).
            update ${schema.groupMembers} set delivered_seq = message.seq, read_seq = message.seq
            from message where group_id = ${input.group_id} and user_id = ${senderId}
          )
          select m.id, m.seq,
            (select json_agg(user_id) from ${schema.groupMembers} where group_id = ${input.group_id} and left_seq is null and user_id <> ${senderId}) as recipients
          from message m
        `,
      );
      return sent;
    });
  } catch (error) {
    // A retry (or two racing sends) with the same client_msg_id: the original wins, this one rolled back whole.
    if (isUniqueViolation(error)) {
      const original = await findByClientMsgId(deps, senderId, input);
      if (original) return original;
      if (media) throw duplicateMediaSend();
    }
    throw error;
  }
  // The guard stopped it: the sender was removed between the check above and the lock.
  if (!row)
    throw new TRPCError({ code: "FORBIDDEN", message: "You can't send messages to a group you are no longer in." });

  const sent: GroupMessageOutput = { ...base, id: Number(row.id), seq: row.seq };
  const event = { type: "new_group_message", message: sent } as const;
  await Promise.all([publishToGroup(deps, event), notifyOffline(deps, row.recipients ?? [], event)]);
  return sent;
}

async function findByClientMsgId(
  deps: Deps,
  senderId: number,
  input: SendGroupMessageInput,
): Promise<GroupMessageOutput | null> {
  const [row] = await selectGroupMessages(
    deps,
    senderId,
    and(eq(schema.messages.senderId, senderId), eq(schema.messages.clientMsgId, input.client_msg_id)),
  ).limit(1);
  if (!row) return null;
  const original = toGroupMessageOutput(row.message, row.group, row.reply, row.media);
  assertRetryOf(original, input, original.group_id === input.group_id);
  return original;
}

type Kind = "delivered" | "read";

/**
 * After a member's watermark moved: recompute the group's (the minimum over current members)
 * and, if it rose, tell the senders of the messages it now covers, in one statement. Always
 * recomputed rather than guessed from the old value, so concurrent receipts can't leave it stuck.
 */
async function advanceGroupWatermark(deps: Deps, groupId: number, kind: Kind): Promise<StoredEvent[]> {
  const column = sql.raw(kind === "delivered" ? "delivered_seq" : "read_seq");
  const now = new Date().toISOString();
  const status = (upToSeq: number): DurableEvent => ({
    type: "group_message_status",
    group_id: groupId,
    status: kind,
    up_to_seq: upToSeq,
    updated_at: now,
  });
  // How far the watermark rose, the statement finds out: it fills that in.
  const logged = eventColumns({ up_to_seq: sql`s.new_seq` }, ({ up_to_seq }) => status(up_to_seq));
  const rows = await executeRows<{ user_id: number; seq: string | number; up_to_seq: number }>(
    deps.db,
    sql`
      with floor as (
        select min(gm.${column}) as seq from ${schema.groupMembers} gm where gm.group_id = ${groupId} and gm.left_seq is null
      ),
      previous as (select ${column} as seq from ${schema.groups} where id = ${groupId}),
      moved as (
        update ${schema.groups} g set ${column} = floor.seq from floor, previous
        where g.id = ${groupId} and floor.seq is not null and g.${column} < floor.seq
        returning previous.seq as old_seq, g.${column} as new_seq
      ),
      senders as (
        select distinct m.sender_id as user_id, moved.new_seq
        from moved
        join ${schema.messages} m on m.group_id = ${groupId} and m.seq > moved.old_seq and m.seq <= moved.new_seq and m.message_type <> 'system'
        join ${schema.groupMembers} gm on gm.group_id = ${groupId} and gm.user_id = m.sender_id and gm.left_seq is null
      ),
      counters as (${takeEventSeqs(sql`senders`)}),
      events as (
        insert into ${schema.userEvents} (user_id, seq, type, payload)
        select c.user_id, c.last_seq, ${logged.type}, ${logged.payload}
        from counters c join senders s using (user_id)
      )
      select c.user_id, c.last_seq as seq, s.new_seq as up_to_seq from counters c join senders s using (user_id)
    `,
  );
  return rows.map((row) => ({ userId: row.user_id, seq: Number(row.seq), event: status(row.up_to_seq) }));
}

/** Which of a member's groups a receipt moves, and how far. */
export type WatermarkTarget = { messageIds: number[] } | { groups: { groupId: number; upToSeq: number }[] } | "all";

/**
 * Moves the caller's delivered (or read) watermark in each group to the given seq (capped at
 * what they may see), logging when. Returns the groups whose watermark moved.
 */
async function moveWatermarks(
  deps: Deps,
  userId: number,
  kind: Kind,
  target: WatermarkTarget,
): Promise<{ groupId: number; seq: number }[]> {
  const wanted =
    target === "all"
      ? sql`select gm.user_id, gm.group_id, coalesce(gm.left_seq, g.last_seq) as seq
            from ${schema.groupMembers} gm join ${schema.groups} g on g.id = gm.group_id where gm.user_id = ${userId}`
      : "messageIds" in target
        ? sql`select ${userId}::int as user_id, m.group_id, max(m.seq) as seq from ${schema.messages} m
              where m.id in (select (jsonb_array_elements_text(${JSON.stringify(target.messageIds)}::jsonb))::bigint) and m.group_id is not null
              group by m.group_id`
        : receiptRows(
            target.groups.map(({ groupId, upToSeq }) => ({ user_id: userId, group_id: groupId, seq: upToSeq })),
          );
  const rows = await writeWatermarks(deps, kind, wanted);
  return rows.map((row) => ({ groupId: row.group_id, seq: row.seq }));
}

type ReceiptRow = { user_id: number; group_id: number; seq: number };

/** Receipts as rows for writeWatermarks: the highest seq per member and group. */
const receiptRows = (rows: ReceiptRow[]) => sql`
  select user_id, group_id, max(seq) as seq
  from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(user_id int, group_id int, seq int)
  group by user_id, group_id`;

/**
 * Moves members' delivered (or read, which implies delivered) watermarks to the seqs of
 * `wanted` (rows of user_id, group_id, seq), capped at what each may see and never backwards,
 * and logs each move with its time: one statement for any number of members, their rows
 * locked in key order so concurrent statements can't deadlock.
 */
function writeWatermarks(deps: Deps, kind: Kind, wanted: SQL) {
  const column = sql.raw(kind === "delivered" ? "delivered_seq" : "read_seq");
  const now = new Date().toISOString();
  return executeRows<ReceiptRow>(
    deps.db,
    sql`
      with wanted as (${wanted}),
      locked as (
        select gm.group_id, gm.user_id, least(w.seq, coalesce(gm.left_seq, g.last_seq)) as seq
        from ${schema.groupMembers} gm
        join wanted w on w.group_id = gm.group_id and w.user_id = gm.user_id
        join ${schema.groups} g on g.id = gm.group_id
        where w.seq >= gm.joined_seq
        order by gm.group_id, gm.user_id
        for no key update of gm
      ),
      moved as (
        update ${schema.groupMembers} gm
        set ${column} = l.seq ${kind === "read" ? sql`, delivered_seq = greatest(gm.delivered_seq, l.seq)` : sql``}
        from locked l
        where gm.group_id = l.group_id and gm.user_id = l.user_id and gm.${column} < l.seq
        returning gm.group_id, gm.user_id, gm.${column} as seq
      ),
      logged as (
        insert into ${schema.groupReceipts} (group_id, user_id, kind, up_to_seq, at)
        select group_id, user_id, ${kind}, seq, ${now}::timestamptz from moved
        on conflict do nothing
      )
      select group_id, user_id, seq from moved
    `,
  );
}

// Per runtime: the group watermark recomputation running for each group, and whether another
// run is already queued behind it.
type Advancing = { current: Promise<void>; queued: Promise<void> | null };
const advancing = new WeakMap<Deps, Map<string, Advancing>>();

/**
 * Recomputes a group's watermark after member receipts, coalesced: while a run is going,
 * every receipt that arrives waits for one more run after it (which sees their update).
 * A burst of 255 members' receipts costs a few recomputations, not 255, and each caller
 * still returns only once a run that saw its receipt is done.
 */
function advanceSoon(deps: Deps, groupId: number, kind: Kind): Promise<void> {
  let perGroup = advancing.get(deps);
  if (!perGroup) advancing.set(deps, (perGroup = new Map<string, Advancing>()));
  const key = `${groupId}:${kind}`;
  const run = async () => {
    try {
      await deliverEvents(deps, await advanceGroupWatermark(deps, groupId, kind));
    } catch (error) {
      deps.log.warn({ err: error, groupId }, "group receipt watermark failed");
    }
  };
  const slot = perGroup.get(key);
  if (!slot) {
    const entry: Advancing = { current: run(), queued: null };
    const settle = (): Promise<void> =>
      entry.current.then(() => {
        if (entry.queued) {
          entry.current = entry.queued;
          entry.queued = null;
          return settle();
        }
        perGroup.delete(key);
      });
    perGroup.set(key, entry);
    void settle();
    return entry.current;
  }
  slot.queued ??= slot.current.then(run);
  return slot.queued;
}

/** The device has these group messages (or, for a fresh device, everything so far). */
export async function ackGroupDelivered(deps: Deps, userId: number, target: WatermarkTarget): Promise<number> {
  if (target !== "all" && "groups" in target) return batchDelivered(deps, userId, target.groups);
  const moved = await moveWatermarks(deps, userId, "delivered", target);
  await Promise.all(moved.map(({ groupId }) => advanceSoon(deps, groupId, "delivered")));
  return moved.length;
}

// Delivery receipts that arrive within this long of each other are written together.
const RECEIPT_BATCH_MS = 50;
type ReceiptBatch = { entries: ReceiptRow[]; written: Promise<Set<string>> };
const receiptBatches = new WeakMap<Deps, ReceiptBatch>();

/**
 * Group delivery receipts, written in batches: every member of a busy group acks about once
 * a second, and 255 one-row transactions a second (each a commit) would cost PostgreSQL more
 * than the messages. Receipts landing within RECEIPT_BATCH_MS share one statement; each caller
 * returns once theirs is written and the group watermarks are recomputed.
 */
async function batchDelivered(
  deps: Deps,
  userId: number,
  groups: { groupId: number; upToSeq: number }[],
): Promise<number> {
  let batch = receiptBatches.get(deps);
  if (!batch) {
    const entries: ReceiptBatch["entries"] = [];
    const written = new Promise<void>((resolve) => setTimeout(resolve, RECEIPT_BATCH_MS)).then(async () => {
      receiptBatches.delete(deps);
      const moved = await writeWatermarks(deps, "delivered", receiptRows(entries));
      await Promise.all(
        [...new Set(moved.map((row) => row.group_id))].map((groupId) => advanceSoon(deps, groupId, "delivered")),
      );
      return new Set(moved.map((row) => `${row.user_id}:${row.group_id}`));
    });
    batch = { entries, written };
    receiptBatches.set(deps, batch);
  }
  batch.entries.push(...groups.map(({ groupId, upToSeq }) => ({ user_id: userId, group_id: groupId, seq: upToSeq })));
  const moved = await batch.written;
  return groups.filter(({ groupId }) => moved.has(`${userId}:${groupId}`)).length;
}

/** Opening a group: everything up to `up_to_seq` (default: all) is read by the caller. */
export async function markGroupRead(deps: Deps, userId: number, input: { group_id: number; up_to_seq?: number }) {
  const { group, member } = await findMembership(deps.db, input.group_id, userId);
  const moved = await moveWatermarks(deps, userId, "read", {
    groups: [{ groupId: group.id, upToSeq: input.up_to_seq ?? 2 ** 31 - 1 }],
  });
  const upToSeq = moved[0]?.seq ?? member.readSeq;
  const [current] = await deps.db
    .select({ group: schema.groups, member: schema.groupMembers })
    .from(schema.groupMembers)
    .innerJoin(schema.groups, eq(schema.groups.id, schema.groupMembers.groupId))
    .where(and(eq(schema.groupMembers.groupId, group.id), eq(schema.groupMembers.userId, userId)));
  const unread = current ? unreadCount(current.group, current.member) : 0;
  if (moved.length > 0) {
    const [own] = await Promise.all([
      deps.db.transaction((tx) =>
        appendEvents(tx, [
          { userId, event: { type: "group_read", group_id: group.id, up_to_seq: upToSeq, unread_count: unread } },
        ]),
      ),
      advanceSoon(deps, group.id, "delivered"),
      advanceSoon(deps, group.id, "read"),
    ]);
    await deliverEvents(deps, own);
  }
  return { group_id: group.id, up_to_seq: upToSeq, unread_count: unread };
}

/** A group message the caller may see (in their window, not hidden by them), with its group and their membership. */
export async function findGroupMessageForMember(deps: Deps, userId: number, messageId: number) {
  const [row] = await deps.db
    .select({ message: schema.messages, group: schema.groups, member: schema.groupMembers })
    .from(schema.messages)
    .innerJoin(schema.groups, eq(schema.groups.id, schema.messages.groupId))
    .innerJoin(
      schema.groupMembers,
      and(eq(schema.groupMembers.groupId, schema.groups.id), eq(schema.groupMembers.userId, userId)),
    )
    .where(
      and(
        eq(schema.messages.id, messageId),
        sql`${schema.messages.seq} >= ${schema.groupMembers.joinedSeq}`,
        sql`(${schema.groupMembers.leftSeq} is null or ${schema.messages.seq} <= ${schema.groupMembers.leftSeq})`,
      ),
    )
    .limit(1);
  return row ?? null;
}

export type VisibleGroupMessage = NonNullable<Awaited<ReturnType<typeof findGroupMessageForMember>>>;

/** The spec's PUT /messages/{id}/status for a group message: moves the caller's watermark up to it. */
export async function updateGroupMessageStatus(
  deps: Deps,
  userId: number,
  found: VisibleGroupMessage,
  status: "delivered" | "read",
) {
  const { message, group } = found;
  if (message.senderId === userId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only recipients can mark a message delivered or read." });
  }
  if (status === "delivered") await ackGroupDelivered(deps, userId, { messageIds: [message.id] });
  else await markGroupRead(deps, userId, { group_id: group.id, up_to_seq: message.seq });
  const after = await findGroupMessageForMember(deps, userId, message.id);
  const readSeq = after?.member.readSeq ?? 0;
  return {
    message: "Status updated",
    status: readSeq >= message.seq ? ("read" as const) : ("delivered" as const),
  };
}

export async function deleteGroupMessage(deps: Deps, userId: number, found: VisibleGroupMessage, forEveryone: boolean) {
  const { message, group, member } = found;
  if (!forEveryone) {
    return hideForUser(deps, userId, message.id, {
      type: "group_message_deleted",
      group_id: group.id,
      message_id: message.id,
      for_everyone: false,
    });
  }
  if (message.senderId !== userId || message.messageType === "system") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Only the sender can delete a message for everyone." });
  }
  if (member.leftSeq !== null)
    throw new TRPCError({ code: "FORBIDDEN", message: "You are no longer a member of this group." });
  if (message.deletedAt) return { message: "Deleted for everyone" };
  assertDeletableForEveryone(deps, message.createdAt);
  const stored = await deps.db.transaction(async (tx) => {
    await tx
      .select({ id: schema.groups.id })
      .from(schema.groups)
      .where(eq(schema.groups.id, group.id))
      .for("no key update");
    await tx.update(schema.messages).set(blankedMessage()).where(eq(schema.messages.id, message.id));
    const event: DurableEvent = {
      type: "group_message_deleted",
      group_id: group.id,
      message_id: message.id,
      for_everyone: true,
    };
    return appendEvents(
      tx,
      (await activeMemberIds(tx, group.id)).map((memberId) => ({ userId: memberId, event })),
    );
  });
  await deliverEvents(deps, stored);
  return { message: "Deleted for everyone" };
}

/**
 * "Message info" for a group message you sent: each member who was in the group when it was
 * sent, with when it reached them and when they read it (their first receipt covering its seq).
 */
export async function groupMessageInfo(deps: Deps, userId: number, found: VisibleGroupMessage): Promise<MessageInfo> {
  const messageId = found.message.id;
  if (found.message.senderId !== userId || found.message.messageType === "system") {
    throw new TRPCError({ code: "FORBIDDEN", message: "Message info is only for messages you sent." });
  }
  const { seq } = found.message;
  // A sender who has since left knows of the receipts until then, not of who read it after.
  const until = found.member.leftAt ? sql`and r.at <= ${found.member.leftAt.toISOString()}::timestamptz` : sql``;
  const rows = await deps.db
    .select({
      user: schema.users,
      ...viewerStanding(userId, schema.users.id),
      deliveredAt: sql<
        string | null
      >`(select min(r.at)::text from ${schema.groupReceipts} r where r.group_id = ${found.group.id} and r.user_id = ${schema.users.id} and r.up_to_seq >= ${seq} ${until})`,
      readAt: sql<
        string | null
      >`(select min(r.at)::text from ${schema.groupReceipts} r where r.group_id = ${found.group.id} and r.user_id = ${schema.users.id} and r.kind = 'read' and r.up_to_seq >= ${seq} ${until})`,
    })
    .from(schema.groupMembers)
    .innerJoin(schema.users, eq(schema.users.id, schema.groupMembers.userId))
    .where(
      and(
        eq(schema.groupMembers.groupId, found.group.id),
        sql`${schema.groupMembers.userId} <> ${userId}`,
        lte(schema.groupMembers.joinedSeq, seq),
        sql`(${schema.groupMembers.leftSeq} is null or ${schema.groupMembers.leftSeq} >= ${seq})`,
      ),
    )
    .orderBy(asc(schema.users.id));
  const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());
  return {
    message_id: messageId,
    recipients: rows.map((row) => ({
      user_id: row.user.id,
      profile: toPublicProfile(row.user, row),
      delivered_at: iso(row.deliveredAt),
      read_at: iso(row.readAt),
    })),
  };
}
