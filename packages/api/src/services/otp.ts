import { createHmac, randomInt, timingSafeEqual } from "node:crypto";

import { TRPCError } from "@trpc/server";

import type { Deps } from "../runtime";

export const OTP_TTL_SECONDS = 5 * 60;
export const OTP_MAX_WRONG_ATTEMPTS = 5;

export type OtpPurpose = "register" | "reset";

type StoredOtp = { hash: string; fullName?: string };

const codeKey = (purpose: OtpPurpose, phone: string) => `otp:${purpose}:${phone}`;
const attemptsKey = (purpose: OtpPurpose, phone: string) => `otp-attempts:${purpose}:${phone}`;

/** Keyed hash: a dump of the store does not reveal live codes, and 10⁶ guesses offline need the key. */
function hashCode(deps: Deps, purpose: OtpPurpose, phone: string, code: string): string {
  return createHmac("sha256", deps.config.auth.jwtSecret).update(`${purpose}:${phone}:${code}`).digest("hex");
}

function testCodeFor(deps: Deps, phone: string): string | undefined {
  return deps.config.auth.otpTestNumbers.find((entry) =>
    entry.exact ? entry.prefix === phone : phone.startsWith(entry.prefix),
  )?.code;
}

/**
 * Makes a fresh code for the number (replacing any earlier one), stores its
 * hash for five minutes and sends it by SMS. The caller has counted the
 * request (auth's countCodeRequest: three an hour per number, and more).
 */
export async function issueOtp(
  deps: Deps,
  input: { phoneNumber: string; purpose: OtpPurpose; fullName?: string },
): Promise<{ expiresInSeconds: number }> {
  const { phoneNumber, purpose } = input;
  const testCode = testCodeFor(deps, phoneNumber);
  const code = testCode ?? randomInt(0, 1_000_000).toString().padStart(6, "0");
  const stored: StoredOtp = { hash: hashCode(deps, purpose, phoneNumber, code), fullName: input.fullName };
  await deps.store.del(attemptsKey(purpose, phoneNumber));
  await deps.store.set(codeKey(purpose, phoneNumber), JSON.stringify(stored), OTP_TTL_SECONDS);

  if (testCode) {
    deps.log.debug({ phoneNumber }, "test number: fixed code, no SMS sent");
  } else {
    try {
      await deps.sms.send(phoneNumber, `Your Parley code is ${code}. It expires in 5 minutes. Don't share it.`);
    } catch (error) {
      await deps.store.del(codeKey(purpose, phoneNumber));
      deps.log.error({ err: error, phoneNumber }, "SMS delivery failed");
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: "We couldn't send the SMS right now. Please try again in a minute.",
      });
    }
  }
  return { expiresInSeconds: OTP_TTL_SECONDS };
}

const expired = () =>
  new TRPCError({
    code: "BAD_REQUEST",
    message: "This code has expired or was already used. Request a new code.",
  });

/**
 * Checks a code and consumes it. A code survives at most five wrong tries;
 * the fifth voids it. Exactly one caller can consume a right code.
 */
export async function consumeOtp(
  deps: Deps,
  input: { phoneNumber: string; purpose: OtpPurpose; code: string },
): Promise<{ fullName?: string }> {
  const { phoneNumber, purpose, code } = input;
  const raw = await deps.store.get(codeKey(purpose, phoneNumber));
  if (!raw) throw expired();
  const stored = JSON.parse(raw) as StoredOtp;

  const expected = Buffer.from(stored.hash, "hex");
  const actual = Buffer.from(hashCode(deps, purpose, phoneNumber, code), "hex");
  if (!timingSafeEqual(expected, actual)) {
    const { count } = await deps.store.increment(attemptsKey(purpose, phoneNumber), OTP_TTL_SECONDS);
    if (count >= OTP_MAX_WRONG_ATTEMPTS) {
      await deps.store.del(codeKey(purpose, phoneNumber));
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "Wrong code too many times: this code no longer works. Request a new code.",
      });
    }
    const left = OTP_MAX_WRONG_ATTEMPTS - count;
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `That code is wrong. ${left} ${left === 1 ? "try" : "tries"} left.`,
    });
  }
  // Counted wrong tries that raced with this right one still void it.
  const attempts = Number((await deps.store.get(attemptsKey(purpose, phoneNumber))) ?? 0);
  if (attempts >= OTP_MAX_WRONG_ATTEMPTS) throw expired();
  // Single use: of concurrent right answers only the one that deletes the code goes on.
  if (!(await deps.store.del(codeKey(purpose, phoneNumber)))) throw expired();
  await deps.store.del(attemptsKey(purpose, phoneNumber));
  return { fullName: stored.fullName };
}
