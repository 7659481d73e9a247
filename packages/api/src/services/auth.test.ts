import type { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schema } from "@parley/db";
import { createMemoryStore } from "@parley/realtime";

import { createTestRuntime, randomPhoneNumber, type TestRuntime, type TestShape, trpcError } from "../test";
import * as auth from "./auth";
import { authenticateToken } from "./session";
import { getMe } from "./user";

const client = { ipAddress: "127.0.0.1", userAgent: "vitest" };

async function signUp(runtime: TestRuntime, password = "correct horse") {
  const phone_number = randomPhoneNumber();
  await auth.register(runtime, { phone_number, full_name: "Ana Lima" }, client);
  const otp = runtime.sms.lastCodeFor(phone_number);
  const result = await auth.verifyOtp(runtime, { phone_number, otp, password }, client);
  return { ...result, phone_number, password };
}

describe.each<TestShape>(["scaled", "embedded"])("auth on the %s shape", (shape) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
  });
  afterAll(() => runtime.close());

  it("signs up with a texted code and returns a working token", async () => {
    const phone_number = randomPhoneNumber();
    const started = await auth.register(runtime, { phone_number, full_name: "  Ana Lima " }, client);
    expect(started).toEqual({ message: "OTP sent to phone number", otp_expires_in: 300 });
    const otp = runtime.sms.lastCodeFor(phone_number);
    expect(otp).toMatch(/^\d{6}$/);

    const { user, token } = await auth.verifyOtp(runtime, { phone_number, otp, password: "correct horse" }, client);
    expect(user).toEqual({ id: expect.any(Number) as number, phone_number, full_name: "  Ana Lima " });
    const session = await authenticateToken(runtime, token);
    expect(session?.userId).toBe(user.id);
    expect((await getMe(runtime, user.id)).phone_number).toBe(phone_number);

    const [row] = await runtime.db.select().from(schema.users).where(eq(schema.users.id, user.id));
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("refuses a number that already has an account, at both steps", async () => {
    const existing = await signUp(runtime);
    expect(
      (await trpcError(auth.register(runtime, { phone_number: existing.phone_number, full_name: "X" }, client))).code,
    ).toBe("CONFLICT");
  });

  it("refuses a wrong code with tries left, voids it after five, and never reuses a code", async () => {
    const phone_number = randomPhoneNumber();
    await auth.register(runtime, { phone_number, full_name: "B" }, client);
    const right = runtime.sms.lastCodeFor(phone_number);
    const wrong = right === "000000" ? "111111" : "000000";
    const first = await trpcError(auth.verifyOtp(runtime, { phone_number, otp: wrong, password: "password1" }, client));
    expect(first.code).toBe("BAD_REQUEST");
    expect(first.message).toBe("That code is wrong. 4 tries left.");
    for (let i = 0; i < 3; i++)
      await trpcError(auth.verifyOtp(runtime, { phone_number, otp: wrong, password: "password1" }, client));
    const fifth = await trpcError(auth.verifyOtp(runtime, { phone_number, otp: wrong, password: "password1" }, client));
    expect(fifth.message).toMatch(/too many times/);
    const afterVoid = await trpcError(
      auth.verifyOtp(runtime, { phone_number, otp: right, password: "password1" }, client),
    );
    expect(afterVoid.message).toMatch(/expired or was already used/);
    expect(await runtime.db.select().from(schema.users).where(eq(schema.users.phoneNumber, phone_number))).toHaveLength(
      0,
    );

    // A fresh code works once, then never again.
    const again = await signUp(runtime);
    const reused = await trpcError(
      auth.resetPassword(runtime, { phone_number: again.phone_number, otp: "123456", password: "password2" }, client),
    );
    expect(reused.code).toBe("BAD_REQUEST");
  });

  it("lets exactly one of several concurrent verifications with the right code create the account", async () => {
    const phone_number = randomPhoneNumber();
    await auth.register(runtime, { phone_number, full_name: "Race" }, client);
    const otp = runtime.sms.lastCodeFor(phone_number);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => auth.verifyOtp(runtime, { phone_number, otp, password: "password1" }, client)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") expect((result.reason as TRPCError).code).toMatch(/BAD_REQUEST|CONFLICT/);
    }
    const users = await runtime.db.select().from(schema.users).where(eq(schema.users.phoneNumber, phone_number));
    expect(users).toHaveLength(1);
    expect(
      await runtime.db
        .select()
        .from(schema.sessions)
        .where(eq(schema.sessions.userId, users[0]?.id ?? 0)),
    ).toHaveLength(1);
  });

  it("sends at most three codes per number per hour and says when to retry", async () => {
    const phone_number = randomPhoneNumber();
    for (let i = 0; i < 3; i++) await auth.register(runtime, { phone_number, full_name: "C" }, client);
    const error = await trpcError(auth.register(runtime, { phone_number, full_name: "C" }, client));
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/Try again in (59|60) minutes\./);
    expect(runtime.sms.sent.filter((m) => m.to === phone_number)).toHaveLength(3);
  });

  it("logs in with the password, and refuses wrong passwords and unknown numbers alike", async () => {
    const account = await signUp(runtime);
    const { user, token } = await auth.login(
      runtime,
      { phone_number: account.phone_number, password: account.password },
      client,
    );
    expect(user.id).toBe(account.user.id);
    expect(token).not.toBe(account.token);

    const wrong = await trpcError(
      auth.login(runtime, { phone_number: account.phone_number, password: "nope-nope" }, client),
    );
    const unknown = await trpcError(
      auth.login(runtime, { phone_number: randomPhoneNumber(), password: "nope-nope" }, client),
    );
    expect([wrong.code, wrong.message]).toEqual(["UNAUTHORIZED", "Wrong phone number or password."]);
    expect([unknown.code, unknown.message]).toEqual(["UNAUTHORIZED", "Wrong phone number or password."]);
  });

  it("locks a number's password login after ten failures", async () => {
    const account = await signUp(runtime);
    for (let i = 0; i < 10; i++) {
      await trpcError(auth.login(runtime, { phone_number: account.phone_number, password: `wrong-${i}` }, client));
    }
    const locked = await trpcError(
      auth.login(runtime, { phone_number: account.phone_number, password: account.password }, client),
    );
    expect(locked.code).toBe("TOO_MANY_REQUESTS");
  });

  it("logout revokes that session only; all_devices revokes every one", async () => {
    const account = await signUp(runtime);
    const second = await auth.login(
      runtime,
      { phone_number: account.phone_number, password: account.password },
      client,
    );
    const third = await auth.login(runtime, { phone_number: account.phone_number, password: account.password }, client);
    const session = await authenticateToken(runtime, account.token);
    if (!session) throw new Error("expected a session");

    await auth.logout(runtime, session);
    expect(await authenticateToken(runtime, account.token)).toBeNull();
    const secondSession = await authenticateToken(runtime, second.token);
    expect(secondSession).not.toBeNull();

    if (!secondSession) throw new Error("expected a session");
    await auth.logout(runtime, secondSession, { allDevices: true });
    expect(await authenticateToken(runtime, second.token)).toBeNull();
    expect(await authenticateToken(runtime, third.token)).toBeNull();
  });

  it("refuses forged, expired and malformed tokens", async () => {
    const account = await signUp(runtime);
    const session = await authenticateToken(runtime, account.token);
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(account.user.id))
      .setJti(session?.sessionId ?? "")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode("not-the-server-secret-not-the-server-secret"));
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(account.user.id))
      .setJti(session?.sessionId ?? "")
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(runtime.config.auth.jwtSecret);
    const otherUser = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(String(account.user.id + 1))
      .setJti(session?.sessionId ?? "")
      .setExpirationTime("1h")
      .sign(runtime.config.auth.jwtSecret);
    for (const token of [forged, expired, otherUser, "garbage", "a.b.c", ""]) {
      expect(await authenticateToken(runtime, token)).toBeNull();
    }
  });

  it("resets a forgotten password with a code, ending the old sessions", async () => {
    const account = await signUp(runtime);
    const reply = await auth.requestPasswordReset(runtime, { phone_number: account.phone_number }, client);
    expect(reply.otp_expires_in).toBe(300);
    const otp = runtime.sms.lastCodeFor(account.phone_number);
    const { token } = await auth.resetPassword(
      runtime,
      { phone_number: account.phone_number, otp, password: "brand new pw" },
      client,
    );

    expect(await authenticateToken(runtime, account.token)).toBeNull();
    expect(await authenticateToken(runtime, token)).not.toBeNull();
    await auth.login(runtime, { phone_number: account.phone_number, password: "brand new pw" }, client);
    expect(
      (await trpcError(auth.login(runtime, { phone_number: account.phone_number, password: account.password }, client)))
        .code,
    ).toBe("UNAUTHORIZED");

    // Unknown numbers get the same answer and no SMS.
    const stranger = randomPhoneNumber();
    expect((await auth.requestPasswordReset(runtime, { phone_number: stranger }, client)).message).toBe(reply.message);
    expect(runtime.sms.sent.some((m) => m.to === stranger)).toBe(false);
  });
});

describe("OTP expiry and test numbers", () => {
  let runtime: TestRuntime;
  let clock = Date.now();
  beforeAll(async () => {
    runtime = await createTestRuntime({
      shape: "embedded",
      otpTestNumbers: "+14155550100:424242,+1415201*:654321",
      store: createMemoryStore(() => clock),
    });
  });
  afterAll(() => runtime.close());

  it("refuses a right code after five minutes", async () => {
    const phone_number = randomPhoneNumber();
    await auth.register(runtime, { phone_number, full_name: "Late" }, client);
    const otp = runtime.sms.lastCodeFor(phone_number);
    clock += 301_000;
    const error = await trpcError(auth.verifyOtp(runtime, { phone_number, otp, password: "password1" }, client));
    expect(error.message).toMatch(/expired/);
  });

  it("gives listed test numbers their fixed code without sending an SMS", async () => {
    const sentBefore = runtime.sms.sent.length;
    await auth.register(runtime, { phone_number: "+14155550100", full_name: "Exact" }, client);
    await auth.verifyOtp(runtime, { phone_number: "+14155550100", otp: "424242", password: "password1" }, client);
    const wildcard = randomPhoneNumber("+1415201");
    await auth.register(runtime, { phone_number: wildcard, full_name: "Prefix" }, client);
    await auth.verifyOtp(runtime, { phone_number: wildcard, otp: "654321", password: "password1" }, client);
    expect(runtime.sms.sent.length).toBe(sentBefore);
  });
});
