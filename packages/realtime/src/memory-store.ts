import type { EphemeralStore } from "./store";

type Entry = { value: string; expiresAt: number };

export function createMemoryStore(now: () => number = Date.now): EphemeralStore {
  const entries = new Map<string, Entry>();
  const slots = new Map<string, Map<string, number>>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  // Expired keys are dropped when read; this sweep bounds memory for keys never read again.
  const sweep = setInterval(() => {
    const at = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    for (const [key, holders] of slots) {
      for (const [member, expiresAt] of holders) if (expiresAt <= at) holders.delete(member);
      if (holders.size === 0) slots.delete(key);
    }
  }, 60_000);
  sweep.unref();

  return {
    get: async (key) => live(key)?.value ?? null,
    set: async (key, value, ttlSeconds) => {
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    del: async (key) => {
      const existed = live(key) !== undefined;
      entries.delete(key);
      return existed;
    },
    increment: async (key, ttlSeconds, by = 1) => {
      const entry = live(key);
      const next: Entry = entry
        ? { value: String(Number(entry.value) + by), expiresAt: entry.expiresAt }
        : { value: String(by), expiresAt: now() + ttlSeconds * 1000 };
      entries.set(key, next);
      return { count: Number(next.value), ttlSeconds: Math.ceil((next.expiresAt - now()) / 1000) };
    },
    decrement: async (key) => {
      const entry = live(key);
      if (entry && Number(entry.value) > 0) entry.value = String(Number(entry.value) - 1);
    },
    claimSlot: async (key, member, max, ttlSeconds) => {
      const at = now();
      const holders = slots.get(key) ?? new Map<string, number>();
      for (const [holder, expiresAt] of holders) if (expiresAt <= at) holders.delete(holder);
      if (!holders.has(member) && holders.size >= max) return false;
      holders.set(member, at + ttlSeconds * 1000);
      slots.set(key, holders);
      return true;
    },
    releaseSlot: async (key, member) => {
      const holders = slots.get(key);
      holders?.delete(member);
      if (holders?.size === 0) slots.delete(key);
    },
    ttl: async (key) => {
      const entry = live(key);
      return entry ? Math.ceil((entry.expiresAt - now()) / 1000) : null;
    },
    ping: async () => {},
    close: async () => {
      clearInterval(sweep);
      entries.clear();
      slots.clear();
    },
  };
}
