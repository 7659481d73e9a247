import { randomBytes } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

import { createMemoryBus, createRedisBus, type EventBus } from "./bus";
import { createMemoryInbox, createRedisInbox, type Inbox } from "./inbox";
import { createMemoryPresence, createRedisPresence, type Presence } from "./presence";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = () => `parley-test:${randomBytes(6).toString("hex")}:`;
const until = async (check: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
};

describe.each<[string, () => EventBus]>([
  ["in-process", () => createMemoryBus()],
  ["Redis", () => createRedisBus({ url: redisUrl, channelPrefix: prefix() })],
])("%s event bus", (_name, make) => {
  const bus = make();
  const other = make();
  afterAll(() => Promise.all([bus.close(), other.close()]));

  it("delivers a topic's payloads to every listener of that topic, and only those", async () => {
    const a1: string[] = [];
    const a2: string[] = [];
    const b: string[] = [];
    const offA1 = bus.subscribe("user:1", (p) => a1.push(p));
    const offA2 = bus.subscribe("user:1", (p) => a2.push(p));
    const offB = bus.subscribe("group:1", (p) => b.push(p));
    await new Promise((r) => setTimeout(r, 50)); // let SUBSCRIBE reach Redis
    await bus.publish([
      { topic: "user:1", payload: "one" },
      { topic: "group:1", payload: "two" },
      { topic: "user:1", payload: "three" },
    ]);
    await until(() => a1.length === 2 && a2.length === 2 && b.length === 1);
    expect([a1, a2, b]).toEqual([["one", "three"], ["one", "three"], ["two"]]);

    offA1();
    await bus.publish([{ topic: "user:1", payload: "four" }]);
    await until(() => a2.length === 3);
    expect(a1).toEqual(["one", "three"]);
    expect(a2).toEqual(["one", "three", "four"]);
    offA2();
    offB();
  });
});

it("Redis bus fans out across instances", async () => {
  const channelPrefix = prefix();
  const one = createRedisBus({ url: redisUrl, channelPrefix });
  const two = createRedisBus({ url: redisUrl, channelPrefix });
  try {
    const received: string[] = [];
    const off = two.subscribe("group:7", (p) => received.push(p));
    await new Promise((r) => setTimeout(r, 50));
    await one.publish([{ topic: "group:7", payload: "across" }]);
    await until(() => received.length === 1);
    expect(received).toEqual(["across"]);
    off();
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

describe.each<[string, () => Inbox]>([
  ["in-memory", () => createMemoryInbox(5, 64)],
  ["Redis", () => createRedisInbox({ url: redisUrl, keyPrefix: prefix(), maxEntries: 5 })],
])("%s inbox", (_name, make) => {
  const inbox = make();
  afterAll(() => inbox.close());

  it("returns entries after a seq in order, ignores repeats and keeps the newest few", async () => {
    await inbox.append([
      { userId: 1, seq: 2, payload: '{"b":2}' },
      { userId: 1, seq: 1, payload: '{"a":1}' },
      { userId: 2, seq: 1, payload: "other user" },
    ]);
    await inbox.append([{ userId: 1, seq: 2, payload: '{"b":2}' }]);
    expect(await inbox.readAfter(1, 0, 10)).toEqual([
      { seq: 1, payload: '{"a":1}' },
      { seq: 2, payload: '{"b":2}' },
    ]);
    expect(await inbox.readAfter(1, 1, 10)).toEqual([{ seq: 2, payload: '{"b":2}' }]);

    await inbox.append(Array.from({ length: 70 }, (_, i) => ({ userId: 1, seq: i + 3, payload: `p${i + 3}` })));
    // Trimmed to the newest 5 at seq 64; later entries accumulate until the next trim.
    expect((await inbox.readAfter(1, 0, 100)).map((e) => e.seq)).toEqual([
      60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72,
    ]);
    expect((await inbox.readAfter(1, 0, 2)).map((e) => e.seq)).toEqual([60, 61]);
  });
});

describe.each<[string, () => Presence]>([
  ["in-memory", () => createMemoryPresence()],
  ["Redis", () => createRedisPresence({ url: redisUrl, keyPrefix: prefix() })],
])("%s presence", (_name, make) => {
  const presence = make();
  afterAll(() => presence.close());

  it("is online while any connection lives", async () => {
    expect(await presence.connect(10, "a", 60)).toEqual({ cameOnline: true });
    expect(await presence.connect(10, "b", 60)).toEqual({ cameOnline: false });
    expect(await presence.onlineUsers([10, 11])).toEqual(new Set([10]));
    expect(await presence.disconnect(10, "a")).toEqual({ wentOffline: false });
    expect(await presence.disconnect(10, "a")).toEqual({ wentOffline: false });
    expect(await presence.disconnect(10, "b")).toEqual({ wentOffline: true });
    expect(await presence.onlineUsers([10])).toEqual(new Set());
  });

  it("lets a connection without heartbeats expire and reports the user once", async () => {
    await presence.connect(20, "crashed", 1);
    await presence.connect(21, "alive", 60);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await presence.onlineUsers([20, 21])).toEqual(new Set([21]));
    expect(await presence.sweepExpired()).toEqual([20]);
    expect(await presence.sweepExpired()).toEqual([]);
  });
});
