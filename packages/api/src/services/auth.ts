import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";

import { isUniqueViolation, schema } from "@parley/db";
import type { AuthOutput, LoginInput, RegisterInput, VerifyOtpInput } from "@parley/validators";

import type { Deps } from "../runtime";
import { consumeOtp, issueOtp } from "./otp";
import { hashPassword, verifyAgainstDummy, verifyPassword } from "./password";
import { consumeLimit, limits, refundLimit } from "./rate-limit";
import {
  type ClientInfo,
  createSession,
  forgetCachedSessions,
  revokeSession,
  revokeUserSessions,
  type SessionAuth,
} from "./session";
import { toUserSummary } from "./user";

const accountExists = () =>
  new TRPCError({
    code: "CONFLICT",
    message: "This phone number already has a Parley account. Log in, or reset your password.",
  });

async function findUserByPhone(deps: Deps, phoneNumber: string) {
  const [user] = await deps.db.select().from(schema.users).where(eq(schema.users.phoneNumber, phoneNumber)).limit(1);
  return user;
}

/**
 * Every request for a code counts, per number, per client IP and per block of numbers, before
 * anything else happens: whether the number has an account changes neither the count nor the answer.
 */
async function countCodeRequest(deps: Deps, phoneNumber: string, client: ClientInfo): Promise<void> {
  const ip = client.ipAddress ?? "unknown";
  await consumeLimit(deps.store, limits.otpSendsByNumber(phoneNumber));
  await consumeLimit(deps.store, limits.otpSendsByIp(deps.config.limits, ip));
  await consumeLimit(deps.store, limits.otpSendsByPrefix(deps.config.limits, phoneNumber));
}

/** Step one of sign-up: the number must be new; a code goes to it by SMS. */
export async function register(deps: Deps, input: RegisterInput, client: ClientInfo) {
  await countCodeRequest(deps, input.phone_number, client);
  if (await findUserByPhone(deps, input.phone_number)) throw accountExists();
  const { expiresInSeconds } = await issueOtp(deps, {
    phoneNumber: input.phone_number,
    purpose: "register",
    fullName: input.full_name,
  });
  return { message: "OTP sent to phone number", otp_expires_in: expiresInSeconds };
}

/** Step two: a right code creates the account and its first session, atomically. */
export async function verifyOtp(deps: Deps, input: VerifyOtpInput, client: ClientInfo): Promise<AuthOutput> {
  if (await findUserByPhone(deps, input.phone_number)) throw accountExists();
  const { fullName } = await consumeOtp(deps, {
    phoneNumber: input.phone_number,
    purpose: "register",
    code: input.otp,
  });
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(schema.users)
        .values({ phoneNumber: input.phone_number, fullName: fullName ?? null, passwordHash })
        .returning();
      if (!user) throw new Error("user insert returned nothing");
      const { token } = await createSession(deps, tx, user.id, client);
      return { user: toUserSummary(user), token };
    });
  } catch (error) {
    // Two verifications of the same number raced: the loser's transaction rolled back whole.
    if (isUniqueViolation(error)) throw accountExists();
    throw error;
  }
}

const wrongCredentials = () => new TRPCError({ code: "UNAUTHORIZED", message: "Wrong phone number or password." });

/**
 * Each attempt is counted as a failure before the password is checked, and given back if it was
 * right: attempts that race (a batch of 200, 50 parallel requests) can't all pass a check made
 * before any of them was counted.
 */
export async function login(deps: Deps, input: LoginInput, client: ClientInfo): Promise<AuthOutput> {
  const byNumber = limits.loginFailuresByNumber(input.phone_number);
  const byIp = limits.loginFailuresByIp(deps.config.limits, client.ipAddress ?? "unknown");
  await consumeLimit(deps.store, byNumber);
  try {
    await consumeLimit(deps.store, byIp);
  } catch (error) {
    await refundLimit(deps.store, byNumber);
    throw error;
  }
  const user = await findUserByPhone(deps, input.phone_number);
  const isValid =
    user?.isActive === true
      ? await verifyPassword(user.passwordHash, input.password)
      : await verifyAgainstDummy(input.password);
  if (!user || !isValid) throw wrongCredentials();
  await Promise.all([refundLimit(deps.store, byNumber), refundLimit(deps.store, byIp)]);
  const { token } = await deps.db.transaction((tx) => createSession(deps, tx, user.id, client));
  return { user: toUserSummary(user), token };
}

export async function logout(deps: Deps, session: SessionAuth, options: { allDevices?: boolean } = {}) {
  if (options.allDevices) {
    await forgetCachedSessions(deps, {
      userId: session.userId,
      sessionIds: await revokeUserSessions(deps.db, session.userId),
    });
    return { message: "Logged out on all devices" };
  }
  await revokeSession(deps, session.sessionId);
  return { message: "Logged out" };
}

/** Forgotten password, step one. Answers the same whether or not the number has an account. */
export async function requestPasswordReset(deps: Deps, input: { phone_number: string }, client: ClientInfo) {
  await countCodeRequest(deps, input.phone_number, client);
  const user = await findUserByPhone(deps, input.phone_number);
  if (user?.isActive) {
    const { expiresInSeconds } = await issueOtp(deps, { phoneNumber: input.phone_number, purpose: "reset" });
    return { message: "If this number has an account, a code was sent to it", otp_expires_in: expiresInSeconds };
  }
  return { message: "If this number has an account, a code was sent to it", otp_expires_in: 300 };
}

/** Step two: the code proves the number; the new password ends every other session. */
export async function resetPassword(deps: Deps, input: VerifyOtpInput, client: ClientInfo): Promise<AuthOutput> {
  await consumeOtp(deps, { phoneNumber: input.phone_number, purpose: "reset", code: input.otp });
  const user = await findUserByPhone(deps, input.phone_number);
  if (!user?.isActive) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "This code has expired or was already used. Request a new code.",
    });
  }
  const passwordHash = await hashPassword(input.password);
  const { token, revoked } = await deps.db.transaction(async (tx) => {
    await tx.update(schema.users).set({ passwordHash }).where(eq(schema.users.id, user.id));
    const revokedIds = await revokeUserSessions(tx, user.id);
    const session = await createSession(deps, tx, user.id, client);
    return { token: session.token, revoked: revokedIds };
  });
  await forgetCachedSessions(deps, { userId: user.id, sessionIds: revoked });
  return { user: toUserSummary(user), token };
}
