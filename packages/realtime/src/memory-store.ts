import type { EphemeralStore } from "./store";

type Entry = { value: string; expiresAt: number };

export function createMemoryStore(now: () => number = Date.now): EphemeralStore {
  const entries = new Map<string, Entry>();

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
    increment: async (key, ttlSeconds) => {
      const entry = live(key);
      const next: Entry = entry
        ? { value: String(Number(entry.value) + 1), expiresAt: entry.expiresAt }
        : { value: "1", expiresAt: now() + ttlSeconds * 1000 };
      entries.set(key, next);
      return { count: Number(next.value), ttlSeconds: Math.ceil((next.expiresAt - now()) / 1000) };
    },
    ttl: async (key) => {
      const entry = live(key);
      return entry ? Math.ceil((entry.expiresAt - now()) / 1000) : null;
    },
    ping: async () => {},
    close: async () => {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
