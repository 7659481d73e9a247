import { Redis } from "ioredis";

export type InboxEntry = { seq: number; payload: string };

/**
 * Each user's recent durable events, by sequence number: the fast path for a
 * client that reconnects. Lossy by design (capped, expiring, gone if Redis
 * is flushed); callers check contiguity and fall back to Postgres.
 */
export type Inbox = {
  append(entries: { userId: number; seq: number; payload: string }[]): Promise<void>;
  /** Entries with seq > afterSeq, ascending, at most `limit`. */
  readAfter(userId: number, afterSeq: number, limit: number): Promise<InboxEntry[]>;
  close(): Promise<void>;
};

export const INBOX_MAX_ENTRIES = 1_000;
const INBOX_TTL_SECONDS = 7 * 24 * 60 * 60;
// Trimming and re-expiring on every append would triple the commands per event:
// do it once per this many seqs (an inbox holds at most max + this many entries).
const MAINTAIN_EVERY = 64;

export function createMemoryInbox(maxEntries = INBOX_MAX_ENTRIES, maintainEvery = 1): Inbox {
  const inboxes = new Map<number, InboxEntry[]>();
  return {
    append: async (entries) => {
      for (const { userId, seq, payload } of entries) {
        const list = inboxes.get(userId) ?? [];
        if (list.some((entry) => entry.seq === seq)) continue;
        list.push({ seq, payload });
        list.sort((a, b) => a.seq - b.seq);
        if (seq % maintainEvery === 0 && list.length > maxEntries) list.splice(0, list.length - maxEntries);
        inboxes.set(userId, list);
      }
    },
    readAfter: async (userId, afterSeq, limit) =>
      (inboxes.get(userId) ?? []).filter((entry) => entry.seq > afterSeq).slice(0, limit),
    close: async () => inboxes.clear(),
  };
}

export function createRedisInbox(options: { url: string; keyPrefix?: string; maxEntries?: number }): Inbox {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? "parley:",
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  redis.on("error", () => {});
  const maxEntries = options.maxEntries ?? INBOX_MAX_ENTRIES;
  const key = (userId: number) => `inbox:${userId}`;
  return {
    append: async (entries) => {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const { userId, seq, payload } of entries) {
        // The member embeds the seq, so appending the same event twice is a no-op.
        pipeline.zadd(key(userId), seq, `${seq}:${payload}`);
        // Seq 1 of every stretch sets the TTL, so every inbox key expires.
        if (seq % MAINTAIN_EVERY === 1) pipeline.expire(key(userId), INBOX_TTL_SECONDS);
        if (seq % MAINTAIN_EVERY === 0) pipeline.zremrangebyrank(key(userId), 0, -(maxEntries + 1));
      }
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
    readAfter: async (userId, afterSeq, limit) => {
      const members = await redis.zrangebyscore(key(userId), `(${afterSeq}`, "+inf", "LIMIT", 0, limit);
      return members.map((member) => {
        const separator = member.indexOf(":");
        return { seq: Number(member.slice(0, separator)), payload: member.slice(separator + 1) };
      });
    },
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
