export type { EphemeralStore } from "./store";
export { createMemoryStore } from "./memory-store";
export { createRedisStore, type RedisStoreOptions } from "./redis-store";
export { createMemoryBus, createRedisBus, type EventBus, groupTopic, type Topic, userTopic } from "./bus";
export { createMemoryInbox, createRedisInbox, INBOX_MAX_ENTRIES, type Inbox, type InboxEntry } from "./inbox";
export { createMemoryPresence, createRedisPresence, type Presence } from "./presence";
