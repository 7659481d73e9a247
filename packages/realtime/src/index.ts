export type { EphemeralStore } from "./store";
export { createMemoryStore } from "./memory-store";
export { createRedisStore, type RedisStoreOptions } from "./redis-store";
