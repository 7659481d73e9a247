import { EventEmitter } from "node:events";

import { Redis } from "ioredis";

/**
 * Where a payload goes: one user's streams (their durable events, presence, typing), or
 * everyone currently in a group (its messages: published once, fanned out by each instance
 * to the streams it holds for the group's members).
 */
export type Topic = `user:${number}` | `group:${number}`;

export const userTopic = (userId: number): Topic => `user:${userId}`;
export const groupTopic = (groupId: number): Topic => `group:${groupId}`;

/**
 * Fan-out of live events to whichever instances hold a listener of a topic.
 * Payloads are opaque JSON strings; delivery is at most once (a missed
 * payload is recovered from Postgres by sequence number).
 */
export type EventBus = {
  publish(messages: { topic: Topic; payload: string }[]): Promise<void>;
  /** Listens for a topic's payloads on this instance; returns the unsubscribe function. */
  subscribe(topic: Topic, listener: (payload: string) => void): () => void;
  /** Resolves once every subscription made so far is active (payloads published after it arrive). */
  ready(): Promise<void>;
  /**
   * Calls `listener` whenever this instance's subscriptions were lost and are back (Redis
   * restarted): whatever was published in between never arrived, so listeners catch up.
   */
  onResubscribed(listener: () => void): () => void;
  close(): Promise<void>;
};

export function createMemoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: async (messages) => {
      for (const { topic, payload } of messages) emitter.emit(topic, payload);
    },
    subscribe: (topic, listener) => {
      emitter.on(topic, listener);
      return () => emitter.off(topic, listener);
    },
    ready: async () => {},
    // In-process: nothing is ever lost in between.
    onResubscribed: () => () => {},
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Redis pub/sub, one channel per topic, subscribed only while this instance
 * holds a listener of it (reference-counted). ioredis re-subscribes after a
 * reconnect; what was published meanwhile is filled from Postgres.
 */
export function createRedisBus(options: { url: string; channelPrefix?: string }): EventBus {
  const prefix = options.channelPrefix ?? "parley:";
  const publisher = new Redis(options.url, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let subscribed: Promise<unknown> = Promise.resolve();

  subscriber.on("message", (channel: string, payload: string) => {
    for (const listener of listeners.get(channel.slice(prefix.length)) ?? []) listener(payload);
  });
  // Errors surface as failed publishes and reconnects; without a listener ioredis would log to stderr.
  publisher.on("error", () => {});
  subscriber.on("error", () => {});
  const resubscribed = new Set<() => void>();
  let hasBeenReady = false;
  subscriber.on("ready", () => {
    if (!hasBeenReady) {
      hasBeenReady = true;
      return;
    }
    // ioredis re-sends our SUBSCRIBEs on reconnect; a PING answered after them means they're active.
    void subscriber.ping().then(
      () => {
        for (const listener of resubscribed) listener();
      },
      () => {},
    );
  });

  return {
    publish: async (messages) => {
      if (messages.length === 0) return;
      const pipeline = publisher.pipeline();
      for (const { topic, payload } of messages) pipeline.publish(`${prefix}${topic}`, payload);
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    },
    subscribe: (topic, listener) => {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
        // A failed SUBSCRIBE (Redis down) is retried by ioredis on reconnect; ready() doesn't wait for that.
        subscribed = Promise.all([subscribed, subscriber.subscribe(`${prefix}${topic}`).catch(() => {})]);
      }
      set.add(listener);
      return () => {
        const current = listeners.get(topic);
        if (!current?.delete(listener) || current.size > 0) return;
        listeners.delete(topic);
        void subscriber.unsubscribe(`${prefix}${topic}`).catch(() => {});
      };
    },
    onResubscribed: (listener) => {
      resubscribed.add(listener);
      return () => resubscribed.delete(listener);
    },
    // Bounded: with Redis down a SUBSCRIBE waits for the reconnect, and a stream must not.
    ready: () =>
      Promise.race([subscribed.then(() => {}), new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]),
    close: async () => {
      listeners.clear();
      subscriber.disconnect();
      await publisher.quit().catch(() => publisher.disconnect());
    },
  };
}
