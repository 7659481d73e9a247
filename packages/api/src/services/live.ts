import { randomUUID } from "node:crypto";

import { tracked } from "@trpc/server";

import { TRPCError } from "@trpc/server";
import { and, eq, inArray } from "drizzle-orm";

import { schema } from "@parley/db";
import { groupTopic, userTopic } from "@parley/realtime";
import type { DurableEvent, ParleyEvent } from "@parley/validators";

import type { Deps } from "../runtime";

import { type BusPayload, currentEventSeq, type GroupMessageEvent, readEventsAfter } from "./events";
import { ackDelivered } from "./delivery-acks";
import { connectPresence, disconnectPresence, heartbeatPresence, PRESENCE_HEARTBEAT_MS } from "./presence";

/** What the stream needs from the transport to protect the server from a slow reader. */
export type LiveConnection = {
  bufferedAmount(): number;
  /** Drops the connection; the client reconnects and resumes from its last id. */
  drop(reason: string): void;
};

// A reader further behind than config.messaging.maxBufferedBytes, or with more
// than this many events waiting, is dropped rather than buffered without bound:
// it resumes from its last event id, so dropping loses nothing.
export const MAX_QUEUED_EVENTS = 5_000;
const REPLAY_BATCH = 500;

// Group messages waiting on one stream go out as one event of at most this many, and a stream
// sends a group frame at most every GROUP_FRAME_INTERVAL_MS: a quiet group's message goes out at
// once, a busy group's wait up to that long and share a frame. Each frame costs the server far
// more (tRPC's per-item work, a socket write) than the message in it, so under load this is what
// lets 256 members' streams keep up; the added delay stays well under what anyone would notice.
const MAX_GROUP_BATCH = 100;
const GROUP_FRAME_INTERVAL_MS = 25;

class Overflow extends Error {}

type GroupMessagePayload = { seq: null; event: GroupMessageEvent };
const isGroupMessage = (item: BusPayload): item is GroupMessagePayload =>
  item.seq === null && item.event.type === "new_group_message";

const sessionEnded = () =>
  new TRPCError({
    code: "UNAUTHORIZED",
    message: "Your session has ended (logged out or password changed). Sign in again.",
  });

// A group message reaches every member's stream on this instance as the same string, one
// listener after another: parse it once, not 256 times. (Payloads are never mutated.)
let lastRaw: string | null = null;
let lastParsed: BusPayload | null = null;
function parsePayload(raw: string): BusPayload {
  if (raw !== lastRaw || lastParsed === null) {
    lastParsed = JSON.parse(raw) as BusPayload;
    lastRaw = raw;
  }
  return lastParsed;
}

/**
 * A bounded queue between the bus callback (push) and the generator (pull).
 */
function createQueue(signal: AbortSignal | undefined) {
  const items: BusPayload[] = [];
  let wake: (() => void) | null = null;
  let overflowed = false;
  let isRevoked = false;
  const notify = () => {
    wake?.();
    wake = null;
  };
  signal?.addEventListener("abort", notify, { once: true });
  return {
    push(raw: string | BusPayload) {
      if (items.length >= MAX_QUEUED_EVENTS) {
        overflowed = true;
      } else {
        items.push(typeof raw === "string" ? parsePayload(raw) : raw);
      }
      notify();
    },
    revoke() {
      isRevoked = true;
      notify();
    },
    /** Takes, without waiting, up to `max` items from the front for as long as they match. */
    takeWhile<T extends BusPayload>(matches: (item: BusPayload) => item is T, max: number): T[] {
      const taken: T[] = [];
      while (taken.length < max) {
        const item = items[0];
        if (!item || !matches(item)) break;
        items.shift();
        taken.push(item);
      }
      return taken;
    },
    async next(): Promise<BusPayload | null> {
      for (;;) {
        if (isRevoked) throw sessionEnded();
        if (overflowed) throw new Overflow("live queue overflowed");
        if (signal?.aborted) return null;
        const item = items.shift();
        if (item) return item;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/**
 * The caller's live events: listen first, then replay what came after
 * `lastEventId` (Redis inbox, else Postgres), then go live. Durable events
 * carry their per-user seq as a tracked id; a seq gap on the live path (a
 * lost pub/sub message, two publishers racing) is filled from Postgres, and
 * anything at or below the cursor is skipped, so each event arrives once and
 * in order.
 */
export async function* streamEvents(
  deps: Deps,
  options: {
    userId: number;
    sessionId: string;
    lastEventId: string | null | undefined;
    signal: AbortSignal | undefined;
    connection?: LiveConnection;
    /** Whether the caller's session is still valid (re-checked with each heartbeat). */
    isSessionLive: () => Promise<boolean>;
  },
) {
  const { userId, sessionId, signal, connection } = options;
  const queue = createQueue(signal);
  const unsubscribe = deps.bus.subscribe(userTopic(userId), (raw) => queue.push(raw));
  const offResubscribed = deps.bus.onResubscribed(() => queue.push({ seq: null, event: { type: "bus_resubscribed" } }));
  // The topics of the groups the user is in: joined as the stream learns of them (group_updated
  // reaches every current member after any change, including being added), left at group_left.
  const groupListeners = new Map<number, () => void>();
  // Groups whose heads the client should get next (joined since the last group_heads, or all of
  // them after a bus outage), for what was sent in between.
  const headsToAnnounce = new Set<number>();
  const joinGroup = (groupId: number) => {
    if (groupListeners.has(groupId)) return false;
    groupListeners.set(
      groupId,
      deps.bus.subscribe(groupTopic(groupId), (raw) => queue.push(raw)),
    );
    return true;
  };
  const leaveGroup = (groupId: number) => {
    groupListeners.get(groupId)?.();
    groupListeners.delete(groupId);
  };
  const connectionId = randomUUID();
  const beat = () => {
    void heartbeatPresence(deps, userId, connectionId).catch((error: unknown) =>
      deps.log.warn({ err: error }, "heartbeat failed"),
    );
    // Backstop for a revocation notice lost on the bus.
    void options.isSessionLive().then(
      (isLive) => isLive || queue.revoke(),
      () => {},
    );
  };
  // A random phase per connection: connections that arrive together (a restart, a reconnect
  // storm) would otherwise heartbeat in one burst every interval.
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const firstBeat = setTimeout(() => {
    beat();
    heartbeat = setInterval(beat, PRESENCE_HEARTBEAT_MS);
  }, Math.random() * PRESENCE_HEARTBEAT_MS);

  const checkBackpressure = () => {
    if (connection && connection.bufferedAmount() > deps.config.messaging.maxBufferedBytes) {
      throw new Overflow("reader too slow");
    }
  };
  const emit = (seq: number, event: DurableEvent) => {
    checkBackpressure();
    if (event.type === "group_updated" && event.group.is_member && joinGroup(event.group.id))
      headsToAnnounce.add(event.group.id);
    if (event.type === "group_left") leaveGroup(event.group_id);
    return tracked(String(seq), event as ParleyEvent);
  };

  try {
    await connectPresence(deps, userId, connectionId);
    // Listen to the groups first, then read their heads: anything sent after the read arrives
    // live, anything before it the client fetches by seq. (A group joined between the two reads
    // announces itself with group_updated, and gets its own heads then.)
    const readHeads = async (groupIds: number[] | null) => {
      const rows = await deps.db
        .select({
          groupId: schema.groupMembers.groupId,
          leftSeq: schema.groupMembers.leftSeq,
          lastSeq: schema.groups.lastSeq,
        })
        .from(schema.groupMembers)
        .innerJoin(schema.groups, eq(schema.groups.id, schema.groupMembers.groupId))
        .where(
          and(
            eq(schema.groupMembers.userId, userId),
            groupIds ? inArray(schema.groupMembers.groupId, groupIds) : undefined,
          ),
        );
      return rows.map((row) => ({
        group_id: row.groupId,
        last_seq: row.leftSeq ?? row.lastSeq,
        isMember: row.leftSeq === null,
      }));
    };
    for (const head of await readHeads(null)) if (head.isMember) joinGroup(head.group_id);
    // From here the user's and their groups' topics are live: whatever is committed after the
    // reads below arrives on them.
    await deps.bus.ready();
    let cursor = options.lastEventId == null ? await currentEventSeq(deps, userId) : Number(options.lastEventId);
    if (options.lastEventId == null) await ackDelivered(deps, userId, "all-pending");
    const heads = await readHeads(null);
    yield {
      type: "group_heads",
      groups: heads.map(({ group_id, last_seq }) => ({ group_id, last_seq })),
    } satisfies ParleyEvent;

    async function* announceHeads() {
      if (headsToAnnounce.size === 0) return;
      const groupIds = [...headsToAnnounce];
      headsToAnnounce.clear();
      await deps.bus.ready();
      const joined = await readHeads(groupIds);
      yield {
        type: "group_heads",
        groups: joined.map(({ group_id, last_seq }) => ({ group_id, last_seq })),
      } satisfies ParleyEvent;
    }

    // Replay, then fill gaps on demand, both through this.
    async function* catchUp(until: number | null) {
      for (;;) {
        const result = await readEventsAfter(deps, userId, cursor, REPLAY_BATCH);
        if ("expired" in result) {
          cursor = await currentEventSeq(deps, userId);
          yield {
            type: "resync",
            reason: "The stream position is older than the server keeps; reload your chats.",
          } satisfies ParleyEvent;
          return;
        }
        for (const stored of result.events) {
          if (until !== null && stored.seq > until) return;
          cursor = stored.seq;
          yield emit(stored.seq, stored.event);
          yield* announceHeads();
        }
        if (result.events.length < REPLAY_BATCH) return;
      }
    }

    yield* catchUp(null);
    let lastGroupFrameAt = Number.NEGATIVE_INFINITY;
    for (;;) {
      const item = await queue.next();
      if (!item) return;
      if (item.seq === null) {
        if (item.event.type === "session_revoked") {
          if (item.event.session_ids.includes(sessionId)) throw sessionEnded();
          continue;
        }
        if (item.event.type === "bus_resubscribed") {
          // Redis was away: replay the user's own events from the log, and re-announce every
          // group's head so the client fetches any group message published meanwhile.
          yield* catchUp(null);
          for (const groupId of groupListeners.keys()) headsToAnnounce.add(groupId);
          yield* announceHeads();
          continue;
        }
        if (isGroupMessage(item)) {
          checkBackpressure();
          const wait = lastGroupFrameAt + GROUP_FRAME_INTERVAL_MS - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          lastGroupFrameAt = performance.now();
          // Under load several are waiting: one frame for all of them instead of a frame each
          // (the per-frame cost, not the bytes, is what a busy instance runs out of).
          const waiting = [item, ...queue.takeWhile(isGroupMessage, MAX_GROUP_BATCH - 1)];
          // Anything queued before the stream learned it left a group is not theirs any more.
          const messages = waiting
            .map((entry) => entry.event.message)
            .filter((message) => groupListeners.has(message.group_id));
          const [only] = messages;
          if (messages.length > 1) yield { type: "new_group_messages", messages } satisfies ParleyEvent;
          else if (only) yield { type: "new_group_message", message: only } satisfies ParleyEvent;
          continue;
        }
        yield item.event;
        continue;
      }
      if (item.seq <= cursor) continue;
      if (item.seq > cursor + 1) yield* catchUp(item.seq - 1);
      if (item.seq !== cursor + 1) continue;
      cursor = item.seq;
      yield emit(item.seq, item.event);
      yield* announceHeads();
    }
  } catch (error) {
    if (error instanceof Overflow) {
      deps.log.warn({ userId, reason: error.message }, "live stream dropped");
      connection?.drop(error.message);
      return;
    }
    throw error;
  } finally {
    clearTimeout(firstBeat);
    clearInterval(heartbeat);
    unsubscribe();
    offResubscribed();
    for (const groupId of [...groupListeners.keys()]) leaveGroup(groupId);
    await disconnectPresence(deps, userId, connectionId).catch((error: unknown) =>
      deps.log.warn({ err: error }, "presence disconnect failed"),
    );
  }
}
