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
  /** Adds `by` (1 unless given) to a counter; the first increment starts its TTL window. */
  increment(key: string, ttlSeconds: number, by?: number): Promise<{ count: number; ttlSeconds: number }>;
  /** Takes one back from a live counter (never below zero, never reviving an expired one). */
  decrement(key: string): Promise<void>;
  /**
   * Holds one of at most `max` slots under `key` for `member`, for `ttlSeconds` (claiming again
   * renews it). False when all slots are held by others. Slots of a crashed holder lapse.
   */
  claimSlot(key: string, member: string, max: number, ttlSeconds: number): Promise<boolean>;
  releaseSlot(key: string, member: string): Promise<void>;
  /** Seconds until the key expires, or null if it does not exist. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
};
