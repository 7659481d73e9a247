import { Redis } from "ioredis";

/**
 * Who is online: a user is online while at least one of their connections
 * has a live heartbeat. Connections of a crashed instance expire by TTL and
 * `sweepExpired` reports the users that went offline that way.
 */
export type Presence = {
  /** Registers a connection; `cameOnline` when it is the user's first. */
  connect(userId: number, connectionId: string, ttlSeconds: number): Promise<{ cameOnline: boolean }>;
  heartbeat(userId: number, connectionId: string, ttlSeconds: number): Promise<void>;
  /** Removes a connection; `wentOffline` when it was the user's last. */
  disconnect(userId: number, connectionId: string): Promise<{ wentOffline: boolean }>;
  onlineUsers(userIds: number[]): Promise<Set<number>>;
  /** Users whose every connection expired without a disconnect; each reported once. */
  sweepExpired(): Promise<number[]>;
  close(): Promise<void>;
};

export function createMemoryPresence(now: () => number = Date.now): Presence {
  const connections = new Map<number, Map<string, number>>();
  const live = (userId: number) => {
    const map = connections.get(userId);
    if (!map) return 0;
    let count = 0;
    for (const expiresAt of map.values()) if (expiresAt > now()) count += 1;
    return count;
  };
  return {
    connect: async (userId, connectionId, ttlSeconds) => {
      const cameOnline = live(userId) === 0;
      const map = connections.get(userId) ?? new Map<string, number>();
      map.set(connectionId, now() + ttlSeconds * 1000);
      connections.set(userId, map);
      return { cameOnline };
    },
    heartbeat: async (userId, connectionId, ttlSeconds) => {
      connections.get(userId)?.set(connectionId, now() + ttlSeconds * 1000);
    },
    disconnect: async (userId, connectionId) => {
      const map = connections.get(userId);
      if (!map?.delete(connectionId)) return { wentOffline: false };
      if (live(userId) > 0) return { wentOffline: false };
      connections.delete(userId);
      return { wentOffline: true };
    },
    onlineUsers: async (userIds) => new Set(userIds.filter((userId) => live(userId) > 0)),
    sweepExpired: async () => {
      const gone: number[] = [];
      for (const [userId, map] of connections) {
        if (live(userId) === 0) {
          connections.delete(userId);
          if (map.size > 0) gone.push(userId);
        }
      }
      return gone;
    },
    close: async () => connections.clear(),
  };
}

// KEYS[1] user's connections (zset conn → expiry ms), KEYS[2] all users (zset user → latest expiry).
const CONNECT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[4])
return before
`;
const DISCONNECT = `
local removed = redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local left = redis.call('ZCARD', KEYS[1])
if removed == 1 and left == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[3])
  return 1
end
return 0
`;
// Claims users whose latest connection expiry has passed; ZREM makes each claim happen once across instances.
const SWEEP = `
local users = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 500)
local gone = {}
for _, user in ipairs(users) do
  if redis.call('ZREM', KEYS[1], user) == 1 then table.insert(gone, user) end
end
return gone
`;

export function createRedisPresence(options: { url: string; keyPrefix?: string }): Presence {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix ?? "parley:",
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
  });
  redis.on("error", () => {});
  const userKey = (userId: number) => `presence:${userId}`;
  const allKey = "presence:users";
  redis.defineCommand("presenceConnect", { numberOfKeys: 2, lua: CONNECT });
  redis.defineCommand("presenceDisconnect", { numberOfKeys: 2, lua: DISCONNECT });
  redis.defineCommand("presenceSweep", { numberOfKeys: 1, lua: SWEEP });
  const commands = redis as unknown as {
    presenceConnect(k1: string, k2: string, now: number, expiry: number, conn: string, user: number): Promise<number>;
    presenceDisconnect(k1: string, k2: string, now: number, conn: string, user: number): Promise<number>;
    presenceSweep(k1: string, now: number): Promise<string[]>;
  };

  const connect = async (userId: number, connectionId: string, ttlSeconds: number) => {
    const now = Date.now();
    const before = await commands.presenceConnect(
      userKey(userId),
      allKey,
      now,
      now + ttlSeconds * 1000,
      connectionId,
      userId,
    );
    return { cameOnline: before === 0 };
  };

  return {
    connect,
    heartbeat: async (userId, connectionId, ttlSeconds) => {
      await connect(userId, connectionId, ttlSeconds);
    },
    disconnect: async (userId, connectionId) => ({
      wentOffline: (await commands.presenceDisconnect(userKey(userId), allKey, Date.now(), connectionId, userId)) === 1,
    }),
    // One command for any number of users (a 256-member group asks per message): each user's
    // latest connection expiry in the all-users set, online while it is in the future.
    onlineUsers: async (userIds) => {
      if (userIds.length === 0) return new Set();
      const now = Date.now();
      const expiries = await redis.zmscore(allKey, ...userIds.map(String));
      return new Set(userIds.filter((_, index) => Number(expiries[index] ?? 0) > now));
    },
    sweepExpired: async () => (await commands.presenceSweep(allKey, Date.now())).map(Number),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
