/**
 * Short-lived state that may be lost without losing data: OTP codes, rate
 * limit counters, cached session checks. Redis in the scaled shape (shared by
 * every instance), a Map in the embedded one (a single process).
 */
export type EphemeralStore = {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Deletes the key; true if it existed. Lets exactly one caller consume a value. */
  del(key: string): Promise<boolean>;
  /** Increments a counter; the first increment starts its TTL window. */
  increment(key: string, ttlSeconds: number): Promise<{ count: number; ttlSeconds: number }>;
  /** Seconds until the key expires, or null if it does not exist. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
};
