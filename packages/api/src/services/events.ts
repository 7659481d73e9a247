import { and, asc, eq, gt, lt, type SQL, sql } from "drizzle-orm";

import { executeRows, schema, type Transaction } from "@parley/db";
import { groupTopic, userTopic } from "@parley/realtime";
import type { DurableEvent, EphemeralEvent } from "@parley/validators";

import type { Deps } from "../runtime";

export type StoredEvent = { userId: number; seq: number; event: DurableEvent };

/** Bus-only control messages: seen by the live stream, never sent to clients. */
export type ControlEvent = { type: "session_revoked"; session_ids: string[] } | { type: "bus_resubscribed" };

/** A group's messages are published once on the group's topic, with their group seq inside. */
export type GroupMessageEvent = Extract<DurableEvent, { type: "new_group_message" }>;

/**
 * What travels on the bus: a user's durable events carry their per-user seq; ephemeral,
 * control and group-topic events don't (a group message's place is its group seq).
 */
export type BusPayload =
  { seq: number; event: DurableEvent } | { seq: null; event: EphemeralEvent | ControlEvent | GroupMessageEvent };

/**
 * Appends durable events to each recipient's log, inside the caller's
 * transaction, in one statement. Seqs come from user_event_counters under its
 * row lock, taken in user-id order (no deadlocks between concurrent appends),
 * so each user's seqs are gap-free and commit in order.
 */
export async function appendEvents(
  tx: Transaction,
  events: { userId: number; event: DurableEvent }[],
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const ordinal = new Map<number, number>();
  // Position of each event among its user's events in this call: seq = first seq + ord - 1.
  const prepared = events.map(({ userId, event }) => {
    const ord = (ordinal.get(userId) ?? 0) + 1;
    ordinal.set(userId, ord);
    return { userId, ord, event };
  });
  const input = prepared.map(({ userId, ord, event }) => ({ user_id: userId, ord, type: event.type, payload: event }));
  const counters = await executeRows<{ user_id: number; last_seq: string | number; n: number }>(
    tx,
    sql`
      with input as (
        select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as t(user_id int, ord int, type text, payload jsonb)
      ),
      counts as (
        select user_id, count(*)::int as n from input group by user_id
      ),
      counters as (
        insert into ${schema.userEventCounters} (user_id, last_seq)
        select user_id, n from counts order by user_id
        on conflict (user_id) do update set last_seq = ${schema.userEventCounters}.last_seq + excluded.last_seq
        returning user_id, last_seq
      ),
      inserted as (
        insert into ${schema.userEvents} (user_id, seq, type, payload)
        select i.user_id, c.last_seq - n.n + i.ord, i.type, i.payload
        from input i join counters c using (user_id) join counts n using (user_id)
      )
      select c.user_id, c.last_seq, n.n from counters c join counts n using (user_id)
    `,
  );
  const firstSeq = new Map(counters.map((row) => [Number(row.user_id), Number(row.last_seq) - row.n + 1]));
  return prepared.map(({ userId, ord, event }) => ({
    userId,
    seq: (firstSeq.get(userId) ?? Number.NaN) + ord - 1,
    event,
  }));
}

/**
 * SQL for a CTE: takes the next event seq of each user in `recipients` (a CTE with a
 * user_id column), locking the counter rows in user-id order like appendEvents; yields
 * (user_id, last_seq). For statements that append their events in the same round trip.
 */
export const takeEventSeqs = (recipients: SQL) => sql`
  insert into ${schema.userEventCounters} as k (user_id, last_seq)
  select user_id, 1 from ${recipients} order by user_id
  on conflict (user_id) do update set last_seq = k.last_seq + 1
  returning k.user_id, k.last_seq`;

/**
 * The `type` and `payload` columns of user_events for a statement that stores its events in the
 * same round trip as the change they report, when the statement itself assigns some of the
 * event's values (a new message's id and seq, the message ids a receipt covers). `build` is the
 * TypeScript that makes this event for the bus too: it gets a stand-in for each key of
 * `assigned`, and the statement only puts each SQL value where its stand-in landed. So the wire
 * shape has one source, and the statement stays one round trip.
 */
export function eventColumns<K extends string>(
  assigned: Record<K, SQL>,
  build: (values: Record<K, never>) => DurableEvent,
): { type: SQL; payload: SQL } {
  const standIns = new Map<object, SQL>();
  const values = {} as Record<K, never>;
  for (const key of Object.keys(assigned) as K[]) {
    const standIn = {};
    standIns.set(standIn, assigned[key]);
    values[key] = standIn as never;
  }
  const event = build(values);
  const fills: { path: string[]; value: SQL }[] = [];
  // The event with a JSON null where each stand-in is, noting its path.
  const template = (node: unknown, path: string[]): unknown => {
    if (typeof node !== "object" || node === null) return node;
    const value = standIns.get(node);
    if (value) {
      fills.push({ path, value });
      return null;
    }
    if (Array.isArray(node)) return node.map((item, index) => template(item, [...path, String(index)]));
    return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, template(item, [...path, key])]));
  };
  const json = JSON.stringify(template(event, []));
  if (fills.length !== standIns.size) throw new Error(`${event.type}: every assigned value must appear in the event`);
  const textArray = (path: string[]) => `{${path.map((key) => `"${key.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
  const payload = fills.reduce(
    // coalesce: jsonb_set gives SQL null for a null value, where the event means JSON null.
    (target, { path, value }) =>
      sql`jsonb_set(${target}, ${textArray(path)}::text[], coalesce(to_jsonb(${value}), 'null'::jsonb))`,
    sql`${json}::jsonb`,
  );
  return { type: sql`${event.type}`, payload };
}

/**
 * After commit: put events in the recipients' inboxes and on the bus. Never
 * throws: the events are committed, and a client that misses the live copy
 * finds the gap by seq and reads it from Postgres.
 */
export async function deliverEvents(deps: Deps, stored: StoredEvent[]): Promise<void> {
  if (stored.length === 0) return;
  const entries = stored.map(({ userId, seq, event }) => ({
    userId,
    seq,
    topic: userTopic(userId),
    payload: JSON.stringify({ seq, event } satisfies BusPayload),
  }));
  await Promise.all([
    deps.inbox.append(entries).catch((error: unknown) => deps.log.warn({ err: error }, "inbox append failed")),
    deps.bus.publish(entries).catch((error: unknown) => deps.log.warn({ err: error }, "event publish failed")),
  ]);
}

/** Presence and typing (and control messages): live only, never stored. */
export async function publishEphemeral(
  deps: Deps,
  userIds: number[],
  event: EphemeralEvent | ControlEvent,
): Promise<void> {
  if (userIds.length === 0) return;
  const payload = JSON.stringify({ seq: null, event } satisfies BusPayload);
  await deps.bus
    .publish(userIds.map((userId) => ({ topic: userTopic(userId), payload })))
    .catch((error: unknown) => deps.log.warn({ err: error }, "ephemeral publish failed"));
}

/** A group message to everyone in the group right now: one publish, fanned out by each instance. */
export async function publishToGroup(deps: Deps, event: GroupMessageEvent): Promise<void> {
  const payload = JSON.stringify({ seq: null, event } satisfies BusPayload);
  await deps.bus
    .publish([{ topic: groupTopic(event.message.group_id), payload }])
    .catch((error: unknown) => deps.log.warn({ err: error }, "group publish failed"));
}

export async function currentEventSeq(deps: Deps, userId: number): Promise<number> {
  const [row] = await deps.db
    .select({ lastSeq: schema.userEventCounters.lastSeq })
    .from(schema.userEventCounters)
    .where(eq(schema.userEventCounters.userId, userId));
  return row?.lastSeq ?? 0;
}

export type ReadResult = { events: StoredEvent[] } | { expired: true };

/**
 * Events after `afterSeq`, oldest first: from the Redis inbox when it holds
 * an unbroken run starting at afterSeq + 1, otherwise from Postgres. Answers
 * `expired` when the log no longer reaches back that far.
 */
export async function readEventsAfter(
  deps: Deps,
  userId: number,
  afterSeq: number,
  limit: number,
): Promise<ReadResult> {
  const cached = await deps.inbox.readAfter(userId, afterSeq, limit).catch(() => []);
  if (cached.length > 0 && cached.every((entry, index) => entry.seq === afterSeq + 1 + index)) {
    const events = cached.map(({ seq, payload }) => ({
      userId,
      seq,
      event: (JSON.parse(payload) as { event: DurableEvent }).event,
    }));
    if (events.length === limit) return { events };
    // The inbox may simply end early; Postgres has the rest (if any) up to now.
    const rest = await readFromLog(deps, userId, afterSeq + events.length, limit - events.length);
    return { events: [...events, ...rest] };
  }
  const events = await readFromLog(deps, userId, afterSeq, limit);
  const first = events[0];
  if (first && first.seq !== afterSeq + 1) return { expired: true };
  if (!first && afterSeq > (await currentEventSeq(deps, userId))) return { expired: true };
  return { events };
}

async function readFromLog(deps: Deps, userId: number, afterSeq: number, limit: number): Promise<StoredEvent[]> {
  if (limit <= 0) return [];
  const rows = await deps.db
    .select({ seq: schema.userEvents.seq, payload: schema.userEvents.payload })
    .from(schema.userEvents)
    .where(and(eq(schema.userEvents.userId, userId), gt(schema.userEvents.seq, afterSeq)))
    .orderBy(asc(schema.userEvents.seq))
    .limit(limit);
  return rows.map((row) => ({ userId, seq: row.seq, event: row.payload as DurableEvent }));
}

/** Drops events older than the retention window; clients further behind get a resync. */
export async function pruneEvents(deps: Deps): Promise<void> {
  const cutoff = new Date(Date.now() - deps.config.messaging.eventRetentionDays * 24 * 60 * 60 * 1000);
  await deps.db.delete(schema.userEvents).where(lt(schema.userEvents.createdAt, cutoff));
}
