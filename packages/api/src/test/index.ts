import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { TRPCError } from "@trpc/server";
import type { RawData } from "ws";

import { type DatabaseHandle, openDatabase, schema } from "@parley/db";
import { createTestDatabase } from "@parley/db/test";
import type { EphemeralStore } from "@parley/realtime";

import { buildServerConfig } from "../config";
import { readServerEnv } from "../env";
import { createLogger } from "../logger";
import { closeRealtime, createRealtime, type Runtime } from "../runtime";
import * as auth from "../services/auth";
import { readEventsAfter } from "../services/events";
import { createLocalStorage } from "../services/media/local-storage";
import type { MediaStorage } from "../services/media/storage";
import type { Notifier } from "../services/notifier";
import type { SmsSender } from "../services/sms";

export type RecordingSmsSender = SmsSender & {
  sent: { to: string; body: string }[];
  /** The last 6-digit code texted to a number. */
  lastCodeFor(to: string): string;
};

export function createRecordingSmsSender(): RecordingSmsSender {
  const sent: { to: string; body: string }[] = [];
  return {
    sent,
    send: async (to, body) => {
      sent.push({ to, body });
    },
    lastCodeFor: (to) => {
      const message = sent.findLast((entry) => entry.to === to);
      const code = message ? /\b(\d{6})\b/.exec(message.body)?.[1] : undefined;
      if (!code) throw new Error(`no code was texted to ${to}`);
      return code;
    },
  };
}

export function createRecordingNotifier(): RecordingNotifier {
  const notified: { userId: number; type: string }[] = [];
  return { notified, notifyOffline: async (userId, event) => void notified.push({ userId, type: event.type }) };
}

/** A fresh, valid E.164 number (San Francisco, +1 415), unique enough per test. */
export function randomPhoneNumber(prefix = "+1415"): string {
  const digits = 11 - (prefix.length - 1);
  let rest = String(randomInt(2, 10));
  while (rest.length < digits) rest += String(randomInt(0, 10));
  return `${prefix}${rest}`;
}

/** A `ws` message as text: one Buffer by default, an ArrayBuffer or fragments if the socket's binaryType asks. */
export function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString();
}

export type TestShape = "scaled" | "embedded";
export type RecordingNotifier = Notifier & { notified: { userId: number; type: string }[] };
export type TestRuntime = Runtime & { sms: RecordingSmsSender; notifier: RecordingNotifier };

/** Limits a whole suite (one client address, many users and calls a minute) stays under. */
export const GENEROUS_LIMITS: Record<string, string> = {
  MEDIA_UPLOADS_PER_HOUR: "1000",
  RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "100000",
  RATE_LIMIT_OTP_PER_HOUR_PER_IP: "100000",
  RATE_LIMIT_OTP_PER_HOUR_PER_PREFIX: "100000",
  RATE_LIMIT_LOGIN_FAILURES_PER_IP: "100000",
  WS_CALLS_PER_SECOND: "10000",
};

const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A runtime on real services: its own PostgreSQL database and Redis key
 * prefix (scaled), or in-memory PGlite and store (embedded).
 */
export async function createTestRuntime(
  options: {
    shape?: TestShape;
    otpTestNumbers?: string;
    store?: EphemeralStore;
    /** Media storage; a local one in a fresh temp dir by default. */
    media?: MediaStorage;
    /** More server settings (e.g. MEDIA_UPLOADS_PER_HOUR). */
    env?: Record<string, string>;
  } = {},
): Promise<TestRuntime> {
  const shape = options.shape ?? "scaled";
  let database: DatabaseHandle;
  let dropDatabase: () => Promise<void>;
  if (shape === "scaled") {
    const testDatabase = await createTestDatabase();
    database = testDatabase;
    dropDatabase = () => testDatabase.drop();
  } else {
    database = await openDatabase({ kind: "pglite", dataDir: null });
    await database.migrate();
    dropDatabase = () => database.close();
  }
  const realtime = createRealtime(
    shape === "scaled" ? { url: testRedisUrl, keyPrefix: `parley-test:${randomBytes(6).toString("hex")}:` } : null,
  );
  if (options.store) {
    await realtime.store.close();
    realtime.store = options.store;
  }
  const env = readServerEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    JWT_SECRET: randomBytes(32).toString("hex"),
    OTP_TEST_NUMBERS: options.otpTestNumbers,
    // Suites make many uploads and users, all from one address; each limit has its own test.
    ...GENEROUS_LIMITS,
    ...options.env,
  });
  const config = buildServerConfig(env);
  const mediaDir = options.media ? null : mkdtempSync(join(tmpdir(), "parley-media-"));
  const media = options.media ?? createLocalStorage({ dir: mediaDir ?? "", secret: config.auth.jwtSecret });
  return {
    config,
    db: database.db,
    database,
    ...realtime,
    media,
    notifier: createRecordingNotifier(),
    sms: createRecordingSmsSender(),
    log: createLogger({ name: "test", level: "silent" }),
    close: async () => {
      await closeRealtime(realtime);
      await media.close();
      if (mediaDir) rmSync(mediaDir, { recursive: true, force: true });
      await dropDatabase();
    },
  };
}

/** The TRPCError a promise rejects with (fails the test if it resolves or throws anything else). */
export async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("expected a TRPCError");
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

const acquaintances = new WeakMap<Runtime, number[]>();

/**
 * Gives a new user a tie to everyone made before them on this runtime, both ways, as if they had
 * looked each other's numbers up: without a tie nobody can message or see anybody (services/ties.ts),
 * and suites about messaging are not about finding people. `stranger` skips it.
 */
export async function acquaint(runtime: Runtime, userId: number): Promise<void> {
  const known = acquaintances.get(runtime) ?? [];
  if (known.length > 0) {
    await runtime.db
      .insert(schema.userLookups)
      .values(
        known.flatMap((other) => [
          { userId, foundUserId: other },
          { userId: other, foundUserId: userId },
        ]),
      )
      .onConflictDoNothing();
  }
  acquaintances.set(runtime, [...known, userId]);
}

/** Signs a user up through the real OTP flow; returns their id. */
export async function makeUser(
  runtime: TestRuntime,
  name: string,
  options: { stranger?: boolean } = {},
): Promise<number> {
  const phone_number = randomPhoneNumber();
  await auth.register(runtime, { phone_number, full_name: name }, { ipAddress: null, userAgent: null });
  const otp = runtime.sms.lastCodeFor(phone_number);
  const { user } = await auth.verifyOtp(
    runtime,
    { phone_number, otp, password: "password1" },
    { ipAddress: null, userAgent: null },
  );
  if (!options.stranger) await acquaint(runtime, user.id);
  return user.id;
}

/** A user's durable events after a seq, straight from the log. */
export async function eventsOf(runtime: TestRuntime, userId: number, afterSeq = 0) {
  const result = await readEventsAfter(runtime, userId, afterSeq, 1_000);
  if ("expired" in result) throw new Error("expired");
  return result.events;
}
