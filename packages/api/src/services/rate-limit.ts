import { TRPCError } from "@trpc/server";

import type { EphemeralStore } from "@parley/realtime";

import type { LimitsConfig } from "../config";
import type { Deps } from "../runtime";

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

/**
 * Counts `amount` uses against a fixed window, then refuses if that passed `max`. Counting comes
 * first and is one atomic step, so attempts that arrive together (a tRPC batch, parallel
 * requests) each see the others: at most `max` get through, however many race.
 */
export async function consumeLimit(store: EphemeralStore, limit: Limit, amount = 1): Promise<void> {
  const { count, ttlSeconds } = await store.increment(`limit:${limit.key}`, limit.windowSeconds, amount);
  if (count > limit.max) throw tooManyRequests(limit.message, Math.max(ttlSeconds, 1));
}

/**
 * For limits that guard capacity rather than secrets (requests, messages): the counters live in
 * Redis, which only speeds things up, so without it the call is served, not failed.
 */
export async function consumeCapacityLimit(deps: Pick<Deps, "store" | "log">, limit: Limit, amount = 1): Promise<void> {
  try {
    await consumeLimit(deps.store, limit, amount);
  } catch (error) {
    if (error instanceof TRPCError) throw error;
    deps.log.warn({ err: error, limit: limit.key }, "rate limit unavailable");
  }
}

/** The spec's messages per user per minute, on every door that sends: each copy of a forward counts. */
export function countMessages(deps: Pick<Deps, "store" | "log" | "config">, userId: number, amount = 1): Promise<void> {
  return consumeCapacityLimit(deps, limits.messagesByUser(deps.config.limits, userId), amount);
}

/** Gives one counted use back: an attempt that turned out not to be what the limit counts (a right password). */
export async function refundLimit(store: EphemeralStore, limit: Limit): Promise<void> {
  await store.decrement(`limit:${limit.key}`);
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** Every limit Parley keeps, by what it counts. */
export const limits = {
  requestsByIp: (config: LimitsConfig, ip: string): Limit => ({
    key: `requests:${ip}`,
    max: config.requestsPerMinute,
    windowSeconds: MINUTE,
    message: "Too many requests from your network.",
  }),
  messagesByUser: (config: LimitsConfig, userId: number): Limit => ({
    key: `messages:${userId}`,
    max: config.messagesPerMinute,
    windowSeconds: MINUTE,
    message: "You are sending messages too fast.",
  }),
  otpSendsByNumber: (phoneNumber: string): Limit => ({
    key: `otp-sends:${phoneNumber}`,
    // The spec's three codes an hour per number.
    max: 3,
    windowSeconds: HOUR,
    message: "Too many codes were requested for this number.",
  }),
  otpSendsByIp: (config: LimitsConfig, ip: string): Limit => ({
    key: `otp-sends-ip:${ip}`,
    max: config.otpPerHourPerIp,
    windowSeconds: HOUR,
    message: "Too many codes were requested from your network.",
  }),
  // SMS pumping walks a range of premium numbers: a block of 1,000 shares all but its last 3 digits.
  otpSendsByPrefix: (config: LimitsConfig, phoneNumber: string): Limit => ({
    key: `otp-sends-prefix:${phoneNumber.slice(0, -3)}`,
    max: config.otpPerHourPerPrefix,
    windowSeconds: HOUR,
    message: "Too many codes were requested for numbers like this one.",
  }),
  loginFailuresByNumber: (phoneNumber: string): Limit => ({
    key: `login-failures:${phoneNumber}`,
    max: 10,
    windowSeconds: 15 * MINUTE,
    message: "Too many wrong passwords for this number.",
  }),
  loginFailuresByIp: (config: LimitsConfig, ip: string): Limit => ({
    key: `login-failures-ip:${ip}`,
    max: config.loginFailuresPerIp,
    windowSeconds: 15 * MINUTE,
    message: "Too many wrong passwords from your network.",
  }),
  contactImportsPerHour: (userId: number): Limit => ({
    key: `contact-import:${userId}`,
    max: 10,
    windowSeconds: HOUR,
    message: "You can import contacts 10 times an hour.",
  }),
  contactImportsPerDay: (config: LimitsConfig, userId: number): Limit => ({
    key: `contact-import-day:${userId}`,
    max: config.contactImportsPerDay,
    windowSeconds: 24 * HOUR,
    message: `You can import contacts ${config.contactImportsPerDay} times a day.`,
  }),
};
