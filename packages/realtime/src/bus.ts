import { EventEmitter } from "node:events";

import { Redis } from "ioredis";

/**
 * Fan-out of live events to whichever instance holds a user's connections.
 * Payloads are opaque JSON strings; delivery is at most once (a missed
 * payload is recovered from the durable event log by sequence number).
 */
export type EventBus = {
  publish(messages: { userId: number; payload: string }[]): Promise<void>;
  /** Listens for one user's payloads on this instance; returns the unsubscribe function. */
  subscribe(userId: number, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
};

export function createMemoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: async (messages) => {
      for (const { userId, payload } of messages) emitter.emit(String(userId), payload);
    },
    subscribe: (userId, listener) => {
      emitter.on(String(userId), listener);
      return () => emitter.off(String(userId), listener);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Redis pub/sub, one channel per user, subscribed only while this instance
 * holds a connection of that user (reference-counted). ioredis re-subscribes
 * after a reconnect; what was published meanwhile is filled from Postgres.
 */
export function createRedisBus(options: { url: string; channelPrefix?: string }): EventBus {
  const prefix = `${options.channelPrefix ?? "parley:"}user:`;
  const publisher = new Redis(options.url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
  const listeners = new Map<number, Set<(payload: string) => void>>();

  subscriber.on("message", (channel: string, payload: string) => {
    const userId = Number(channel.slice(prefix.length));
    for (const listener of listeners.get(userId) ?? []) listener(payload);
  });
  // Errors surface as failed publishes and reconnects; without a listener ioredis would log to stderr.
  publisher.on("error", () => {});
  subscriber.on("error", () => {});

  return {
    publish: async (messages) => {
      if (messages.length === 0) return;
      const pipeline = publisher.pipeline();
      for (const { userId, payload } of messages) pipeline.publish(`${prefix}${userId}`, payload);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
    subscribe: (userId, listener) => {
      let set = listeners.get(userId);
      if (!set) {
        set = new Set();
        listeners.set(userId, set);
        void subscriber.subscribe(`${prefix}${userId}`).catch(() => {});
      }
      set.add(listener);
      return () => {
        const current = listeners.get(userId);
        if (!current?.delete(listener) || current.size > 0) return;
        listeners.delete(userId);
        void subscriber.unsubscribe(`${prefix}${userId}`).catch(() => {});
      };
    },
    close: async () => {
      listeners.clear();
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
