import { randomUUID } from "node:crypto";

import { tracked } from "@trpc/server";

import type { DurableEvent, ParleyEvent } from "@parley/validators";

import type { Deps } from "../runtime";
import { TRPCError } from "@trpc/server";

import { type BusPayload, currentEventSeq, readEventsAfter } from "./events";
import { ackDelivered } from "./messages";
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

class Overflow extends Error {}

const sessionEnded = () =>
  new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended (logged out or password changed). Sign in again." });

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
    push(raw: string) {
      if (items.length >= MAX_QUEUED_EVENTS) {
        overflowed = true;
      } else {
        items.push(JSON.parse(raw) as BusPayload);
      }
      notify();
    },
    revoke() {
      isRevoked = true;
      notify();
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
  const unsubscribe = deps.bus.subscribe(userId, (raw) => queue.push(raw));
  const connectionId = randomUUID();
  const beat = () => {
    void heartbeatPresence(deps, userId, connectionId).catch((error: unknown) => deps.log.warn({ err: error }, "heartbeat failed"));
    // Backstop for a revocation notice lost on the bus.
    void options.isSessionLive().then((isLive) => isLive || queue.revoke(), () => {});
  };
  // A random phase per connection: connections that arrive together (a restart, a reconnect
  // storm) would otherwise heartbeat in one burst every interval.
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const firstBeat = setTimeout(() => {
    beat();
    heartbeat = setInterval(beat, PRESENCE_HEARTBEAT_MS);
  }, Math.random() * PRESENCE_HEARTBEAT_MS);

  const emit = (seq: number, event: DurableEvent) => {
    if (connection && connection.bufferedAmount() > deps.config.messaging.maxBufferedBytes) {
      throw new Overflow("reader too slow");
    }
    return tracked(String(seq), event as ParleyEvent);
  };

  try {
    await connectPresence(deps, userId, connectionId);
    let cursor = options.lastEventId == null ? await currentEventSeq(deps, userId) : Number(options.lastEventId);
    if (options.lastEventId == null) await ackDelivered(deps, userId, "all-pending");

    // Replay, then fill gaps on demand, both through this.
    async function* catchUp(until: number | null) {
      for (;;) {
        const result = await readEventsAfter(deps, userId, cursor, REPLAY_BATCH);
        if ("expired" in result) {
          cursor = await currentEventSeq(deps, userId);
          yield { type: "resync", reason: "The stream position is older than the server keeps; reload your chats." } satisfies ParleyEvent;
          return;
        }
        for (const stored of result.events) {
          if (until !== null && stored.seq > until) return;
          cursor = stored.seq;
          yield emit(stored.seq, stored.event);
        }
        if (result.events.length < REPLAY_BATCH) return;
      }
    }

    yield* catchUp(null);
    for (;;) {
      const item = await queue.next();
      if (!item) return;
      if (item.seq === null) {
        if (item.event.type === "session_revoked") {
          if (item.event.session_ids.includes(sessionId)) throw sessionEnded();
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
    await disconnectPresence(deps, userId, connectionId).catch((error: unknown) =>
      deps.log.warn({ err: error }, "presence disconnect failed"),
    );
  }
}
