import { randomBytes, randomInt } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";

import { createTestDatabase, type TestDatabase } from "@parley/db/test";
import { createParleyClient, TRPCClientError } from "@parley/sdk/node";

import { startWsServer, type WsServer } from "./server";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const TEST_CODE = "123456";

function testNumber() {
  return `+1415201${String(randomInt(0, 10_000)).padStart(4, "0")}`;
}

describe("the standalone WebSocket server (scaled shape)", () => {
  let database: TestDatabase;
  let first: WsServer;
  let second: WsServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `parley-test:${randomBytes(6).toString("hex")}:`,
      JWT_SECRET: randomBytes(32).toString("hex"),
      OTP_TEST_NUMBERS: `+1415201*:${TEST_CODE}`,
      WS_PORT: "0",
      WS_SHUTDOWN_GRACE_MS: "50",
    };
    // Two instances on one database and one Redis, as behind a load balancer.
    [first, second] = await Promise.all([startWsServer(env), startWsServer(env)]);
  });

  afterAll(async () => {
    await Promise.all([first.shutdown(), second.shutdown()]);
    await database.drop();
  });

  async function signUp(server: WsServer) {
    const anonymous = createParleyClient({ url: server.url });
    try {
      const phone_number = testNumber();
      await anonymous.auth.register.mutate({ phone_number, full_name: "Ana Lima" });
      return await anonymous.auth.verifyOtp.mutate({ phone_number, otp: TEST_CODE, password: "password123" });
    } finally {
      await anonymous.close();
    }
  }

  it("signs up and reads the profile through the SDK over WebSocket", async () => {
    const { user, token } = await signUp(first);
    const client = createParleyClient({ url: first.url, token });
    try {
      const me = await client.user.me.query();
      expect(me).toMatchObject({ id: user.id, phone_number: user.phone_number, full_name: "Ana Lima" });
    } finally {
      await client.close();
    }
  });

  it("accepts a token on every instance and a logout on one ends it on all", async () => {
    const { token } = await signUp(first);
    const onFirst = createParleyClient({ url: first.url, token });
    const onSecond = createParleyClient({ url: second.url, token });
    try {
      await onSecond.user.me.query(); // caches the session check on the second instance's side
      await onFirst.auth.logout.mutate();
      const error = await onSecond.user.me.query().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<never>).data).toMatchObject({ code: "UNAUTHORIZED" });
    } finally {
      await Promise.all([onFirst.close(), onSecond.close()]);
    }
  });

  it("answers /healthz with the database, Redis and connection count", async () => {
    const response = await fetch(first.url.replace("ws://", "http://").replace(/\/ws$/, "/healthz"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      shape: "scaled",
      checks: { database: "ok", store: "ok" },
      connections: expect.any(Number),
    });
  });

  it("tells connected clients to reconnect before shutting down", async () => {
    const env = {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      JWT_SECRET: randomBytes(32).toString("hex"),
      WS_PORT: "0",
      WS_SHUTDOWN_GRACE_MS: "100",
    };
    const leaving = await startWsServer(env);
    const socket = new WebSocket(leaving.url);
    const frames: unknown[] = [];
    socket.on("message", (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", resolve));
    await leaving.shutdown();
    expect(await closed).toBe(1012);
    expect(frames).toContainEqual({ id: null, method: "reconnect" });
  });

  it("refuses to start without the scaled shape's services", async () => {
    await expect(startWsServer({ NODE_ENV: "test", WS_PORT: "0" })).rejects.toThrow(/needs DATABASE_URL and REDIS_URL/);
  });
});
