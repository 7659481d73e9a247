import { Redis } from "ioredis";

import type { EphemeralStore } from "./store";

// INCR and the first EXPIRE in one step, so a crash between them can't leave a counter without a TTL.
const INCREMENT_WITH_TTL = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}
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
  const incrementWithTtl = (key: string, ttl: number) =>
    (redis as unknown as { incrementWithTtl(k: string, t: number): Promise<[number, number]> }).incrementWithTtl(
      key,
      ttl,
    );

  return {
    get: (key) => redis.get(key),
    set: async (key, value, ttlSeconds) => {
      await redis.set(key, value, "EX", ttlSeconds);
    },
    del: async (key) => (await redis.del(key)) > 0,
    increment: async (key, ttlSeconds) => {
      const [count, ttl] = await incrementWithTtl(key, ttlSeconds);
      return { count, ttlSeconds: ttl };
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
