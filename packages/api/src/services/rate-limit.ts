import { TRPCError } from "@trpc/server";

import type { EphemeralStore } from "@parley/realtime";

/** Carried as the cause of a TOO_MANY_REQUESTS error so transports can say when to retry. */
export class RetryAfter extends Error {
  override name = "RetryAfter";
  constructor(readonly seconds: number) {
    super(`Retry after ${seconds} seconds`);
  }
}

export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

export function tooManyRequests(message: string, retryAfterSeconds: number): TRPCError {
  return new TRPCError({
    code: "TOO_MANY_REQUESTS",
    message: `${message} Try again in ${describeWait(retryAfterSeconds)}.`,
    cause: new RetryAfter(retryAfterSeconds),
  });
}

export type Limit = { key: string; max: number; windowSeconds: number; message: string };

/** Counts one use against a fixed window and refuses once `max` is passed. */
export async function consumeLimit(store: EphemeralStore, limit: Limit): Promise<void> {
  const { count, ttlSeconds } = await store.increment(`limit:${limit.key}`, limit.windowSeconds);
  if (count > limit.max) throw tooManyRequests(limit.message, Math.max(ttlSeconds, 1));
}

/** Refuses if the window is already full, without counting this attempt. */
export async function checkLimit(store: EphemeralStore, limit: Limit): Promise<void> {
  const current = Number((await store.get(`limit:${limit.key}`)) ?? 0);
  if (current >= limit.max) {
    const ttlSeconds = (await store.ttl(`limit:${limit.key}`)) ?? limit.windowSeconds;
    throw tooManyRequests(limit.message, Math.max(ttlSeconds, 1));
  }
}

export async function countFailure(store: EphemeralStore, limit: Limit): Promise<void> {
  await store.increment(`limit:${limit.key}`, limit.windowSeconds);
}
