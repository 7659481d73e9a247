import { randomInt } from "node:crypto";

import { createParleyClient } from "@parley/sdk/node";

import { TEST_CODE } from "./servers";

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN);
export const ms = (value: number) => (Number.isNaN(value) ? "—" : `${value.toFixed(1)} ms`);

export async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** Fresh users on the server's test numbers (+1415201xxxx), signed up over the socket. */
export type BenchUser = { id: number; token: string; phone_number: string };

export async function signUpUsers(wsUrl: string, count: number): Promise<BenchUser[]> {
  const anonymous = createParleyClient({ url: wsUrl });
  const base = randomInt(0, 10_000 - count);
  try {
    return await pool(count, 16, async (index) => {
      const phone_number = `+1415201${String(base + index).padStart(4, "0")}`;
      await anonymous.auth.register.mutate({ phone_number, full_name: `Bench ${index}` });
      const { user, token } = await anonymous.auth.verifyOtp.mutate({
        phone_number,
        otp: TEST_CODE,
        password: "bench-password",
      });
      return { id: user.id, token, phone_number };
    });
  } finally {
    await anonymous.close();
  }
}

/**
 * Gives each user a tie to the people they will write to, as a person finds a number before
 * messaging it: `seeker` looks each of `sought` up (nobody reaches a stranger by id).
 */
export async function findByNumber(wsUrl: string, pairs: [seeker: BenchUser, sought: BenchUser][]): Promise<void> {
  await pool(pairs.length, 16, async (index) => {
    const [seeker, sought] = pairs[index] as [BenchUser, BenchUser];
    const client = createParleyClient({ url: wsUrl, token: seeker.token });
    try {
      await client.user.search.query({ phone_number: sought.phone_number });
    } finally {
      await client.close();
    }
  });
}

/** Calls `fire` `rate` times a second, in 10 ms ticks, for `seconds`; resolves when the time is up. */
export function atRate(rate: number, seconds: number, fire: () => void): Promise<void> {
  const started = performance.now();
  let credit = 0;
  return new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      if ((performance.now() - started) / 1000 >= seconds) {
        clearInterval(tick);
        resolve();
        return;
      }
      credit += rate / 100;
      while (credit >= 1) {
        credit -= 1;
        fire();
      }
    }, 10);
  });
}

/**
 * After a step: waits until `isDone()`, for as long as `progress()` keeps changing (at most
 * `idleMs` without a change, 180 s after `started` in all), so that "lost" counts what never
 * arrived, not what is still queued behind a backlog.
 */
export async function drain(
  started: number,
  idleMs: number,
  isDone: () => boolean,
  progress: () => number,
): Promise<void> {
  let lastProgress = performance.now();
  let seen = progress();
  while (performance.now() - lastProgress < idleMs && performance.now() - started < 180_000) {
    if (isDone()) return;
    const now = progress();
    if (now !== seen) {
      seen = now;
      lastProgress = performance.now();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
