import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";

import { frameText } from "@parley/api/test";
import { createTestDatabase, type TestDatabase } from "@parley/db/test";
import { createParleyClient, TRPCClientError } from "@parley/sdk/node";

import { startWsServer, type WsServer } from "./server";
import { deploymentEnv, signUp, startInstances } from "./test/harness";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

describe("the standalone WebSocket server (scaled shape)", () => {
  let database: TestDatabase;
  let first: WsServer;
  let second: WsServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Two instances on one database and one Redis, as behind a load balancer.
    [first, second] = (await startInstances(deploymentEnv(database.url, redisUrl), 2)) as [WsServer, WsServer];
  });

  afterAll(async () => {
    await Promise.all([first.shutdown(), second.shutdown()]);
    await database.drop();
  });

  it("signs up and reads the profile through the SDK over WebSocket", async () => {
    const ana = await signUp(first.url, "Ana Lima");
    const client = createParleyClient({ url: first.url, token: ana.token });
    try {
      expect(await client.user.me.query()).toMatchObject({ id: ana.id, full_name: "Ana Lima" });
    } finally {
      await client.close();
    }
  });

  it("accepts a token on every instance and a logout on one ends it on all", async () => {
    const { token } = await signUp(first.url, "Ana");
    const onFirst = createParleyClient({ url: first.url, token });
    const onSecond = createParleyClient({ url: second.url, token });
    try {
      await onSecond.user.me.query(); // caches the session check
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
      connections: expect.any(Number) as number,
    });
  });

  it("tells connected clients to reconnect before shutting down", async () => {
    const [leaving] = (await startInstances(
      { ...deploymentEnv(database.url, redisUrl), WS_SHUTDOWN_GRACE_MS: "100" },
      1,
    )) as [WsServer];
    const socket = new WebSocket(leaving.url);
    const frames: unknown[] = [];
    socket.on("message", (data) => frames.push(JSON.parse(frameText(data))));
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
