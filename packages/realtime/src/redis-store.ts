import { Redis } from "ioredis";

import type { EphemeralStore } from "./store";

// INCR and the first EXPIRE in one step, so a crash between them can't leave a counter without a TTL.
const INCREMENT_WITH_TTL = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

const DECREMENT_LIVE = `
if (tonumber(redis.call('GET', KEYS[1]) or '0') or 0) > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

// Lapsed holders leave first, so a crashed instance's slots free themselves.
const CLAIM_SLOT = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0
`;

export type RedisStoreOptions = {
  url: string;
  /** Namespaces every key, so several deployments or test runs can share one Redis. */
  keyPrefix?: string;
};

export function createRedisStore({ url, keyPrefix = "parley:" }: RedisStoreOptions): EphemeralStore {
  const redis = new Redis(url, { keyPrefix, maxRetriesPerRequest: 2, enableAutoPipelining: true });
  // Failures surface on the commands themselves; without a listener ioredis also prints them.
  redis.on("error", () => {});
  redis.defineCommand("incrementWithTtl", { numberOfKeys: 1, lua: INCREMENT_WITH_TTL });
  redis.defineCommand("decrementLive", { numberOfKeys: 1, lua: DECREMENT_LIVE });
  redis.defineCommand("claimSlot", { numberOfKeys: 1, lua: CLAIM_SLOT });
  const scripts = redis as unknown as {
    incrementWithTtl(key: string, ttl: number, by: number): Promise<[number, number]>;
    decrementLive(key: string): Promise<number>;
    claimSlot(key: string, nowMs: number, member: string, max: number, ttlMs: number): Promise<number>;
  };

  return {
    get: (key) => redis.get(key),
    set: async (key, value, ttlSeconds) => {
      await redis.set(key, value, "EX", ttlSeconds);
    },
    del: async (key) => (await redis.del(key)) > 0,
    increment: async (key, ttlSeconds, by = 1) => {
      const [count, ttl] = await scripts.incrementWithTtl(key, ttlSeconds, by);
      return { count, ttlSeconds: ttl };
    },
    decrement: async (key) => {
      await scripts.decrementLive(key);
    },
    claimSlot: async (key, member, max, ttlSeconds) =>
      (await scripts.claimSlot(key, Date.now(), member, max, ttlSeconds * 1000)) === 1,
    releaseSlot: async (key, member) => {
      await redis.zrem(key, member);
    },
    ttl: async (key) => {
      const seconds = await redis.ttl(key);
      return seconds >= 0 ? seconds : null;
    },
    ping: async () => {
      await redis.ping();
    },
    close: async () => {
      await redis.quit();
    },
  };
}
