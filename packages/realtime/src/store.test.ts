import { randomBytes } from "node:crypto";

import { afterAll, describe, expect, it } from "vitest";

import { createMemoryStore } from "./memory-store";
import { createRedisStore } from "./redis-store";
import type { EphemeralStore } from "./store";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function describeStore(name: string, make: () => EphemeralStore) {
  describe(`${name} store`, () => {
    const store = make();
    afterAll(() => store.close());

    it("sets, gets and consumes a value exactly once", async () => {
      await store.set("k", "v", 60);
      expect(await store.get("k")).toBe("v");
      const consumers = await Promise.all([store.del("k"), store.del("k"), store.del("k")]);
      expect(consumers.filter(Boolean)).toHaveLength(1);
      expect(await store.get("k")).toBeNull();
    });

    it("counts within a window that starts at the first increment", async () => {
      const results = await Promise.all(Array.from({ length: 5 }, () => store.increment("counter", 120)));
      expect(results.map((r) => r.count).sort()).toEqual([1, 2, 3, 4, 5]);
      for (const result of results) {
        expect(result.ttlSeconds).toBeGreaterThan(100);
        expect(result.ttlSeconds).toBeLessThanOrEqual(120);
      }
      expect(await store.ttl("counter")).toBeGreaterThan(100);
      expect(await store.ttl("missing")).toBeNull();
    });

    it("counts by more than one, and takes one back without going below zero or reviving", async () => {
      expect((await store.increment("by", 60, 5)).count).toBe(5);
      expect((await store.increment("by", 60, 3)).count).toBe(8);
      expect(await store.ttl("by")).toBeGreaterThan(50);
      await store.decrement("by");
      expect((await store.increment("by", 60, 0)).count).toBe(7);
      await store.decrement("never-counted");
      expect(await store.get("never-counted")).toBeNull();
      await store.increment("one", 60);
      await Promise.all([store.decrement("one"), store.decrement("one")]);
      expect(Number(await store.get("one"))).toBe(0);
    });

    it("hands out at most max slots at once, renews a holder's own, and frees released or lapsed ones", async () => {
      const claims = await Promise.all(["a", "b", "c", "d"].map((member) => store.claimSlot("slots", member, 2, 60)));
      expect(claims.filter(Boolean)).toHaveLength(2);
      const holder = ["a", "b", "c", "d"][claims.indexOf(true)] ?? "";
      expect(await store.claimSlot("slots", holder, 2, 60)).toBe(true);
      expect(await store.claimSlot("slots", "e", 2, 60)).toBe(false);
      await store.releaseSlot("slots", holder);
      expect(await store.claimSlot("slots", "e", 2, 60)).toBe(true);

      expect(await store.claimSlot("lapsing", "x", 1, 1)).toBe(true);
      expect(await store.claimSlot("lapsing", "y", 1, 1)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await store.claimSlot("lapsing", "y", 1, 1)).toBe(true);
    });

    it("expires values", async () => {
      await store.set("short", "v", 1);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect(await store.get("short")).toBeNull();
    });
  });
}

describeStore("in-memory", () => createMemoryStore());
describeStore("Redis", () => createRedisStore({ url: redisUrl, keyPrefix: `test:${randomBytes(6).toString("hex")}:` }));
