import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomInt, randomUUID } from "node:crypto";

import { Redis } from "ioredis";

import { beforeAll, afterAll } from "vitest";

import { freePort, GENEROUS_LIMITS } from "@parley/api/test";
import { createTestDatabase, type TestDatabase } from "@parley/db/test";
import { createParleyClient, type ParleyClient, type ParleyEvent } from "@parley/sdk/node";

import { startWsServer, type WsServer } from "../server";

export const TEST_CODE = "123456";

/** The Redis the suites share (the fault tests start private ones). */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function testNumber(): string {
  return `+1415201${String(randomInt(0, 10_000)).padStart(4, "0")}`;
}

/** Environment for instances of one deployment: same database, Redis and secret. */
export function deploymentEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `parley-test:${randomBytes(6).toString("hex")}:`,
    JWT_SECRET: randomBytes(32).toString("hex"),
    OTP_TEST_NUMBERS: `+1415201*:${TEST_CODE}`,
    WS_PORT: "0",
    WS_SHUTDOWN_GRACE_MS: "50",
    // Every test speaks from 127.0.0.1; the limits have their own tests in @parley/api.
    ...GENEROUS_LIMITS,
  };
}

/**
 * Two instances of one deployment on a fresh database and the shared test Redis, started
 * before the enclosing describe's tests and stopped after them. Read the instances from the
 * returned object inside tests (they exist once beforeAll has run).
 */
export function useTwoInstances(): { first: WsServer; second: WsServer } {
  const deployment = {} as { first: WsServer; second: WsServer };
  let database: TestDatabase | undefined;
  let instances: WsServer[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    instances = await startInstances(deploymentEnv(database.url, testRedisUrl), 2);
    [deployment.first, deployment.second] = instances as [WsServer, WsServer];
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.shutdown()));
    await database?.drop();
  });
  return deployment;
}

export async function startInstances(env: Record<string, string>, count: number): Promise<WsServer[]> {
  return Promise.all(Array.from({ length: count }, () => startWsServer(env)));
}

export type TestUser = { id: number; token: string; name: string; phone_number: string };

/**
 * Signs a user up; with `knows`, they and each of those find each other by number, the tie that
 * lets people message and see each other (nobody reaches a stranger by id).
 */
export async function signUp(url: string, name: string, options: { knows?: TestUser[] } = {}): Promise<TestUser> {
  const anonymous = createParleyClient({ url });
  let created: TestUser;
  try {
    const phone_number = testNumber();
    await anonymous.auth.register.mutate({ phone_number, full_name: name });
    const { user, token } = await anonymous.auth.verifyOtp.mutate({
      phone_number,
      otp: TEST_CODE,
      password: "password123",
    });
    created = { id: user.id, token, name, phone_number };
  } finally {
    await anonymous.close();
  }
  for (const other of options.knows ?? []) {
    await findEachOther(url, created, other);
  }
  return created;
}

async function findEachOther(url: string, a: TestUser, b: TestUser): Promise<void> {
  for (const [seeker, sought] of [
    [a, b],
    [b, a],
  ] as const) {
    const client = createParleyClient({ url, token: seeker.token });
    try {
      await client.user.search.query({ phone_number: sought.phone_number });
    } finally {
      await client.close();
    }
  }
}

/** A second session (another device) of an existing user. */
export async function loginAgain(url: string, user: TestUser): Promise<TestUser> {
  const anonymous = createParleyClient({ url });
  try {
    const { token } = await anonymous.auth.login.mutate({ phone_number: user.phone_number, password: "password123" });
    return { ...user, token };
  } finally {
    await anonymous.close();
  }
}

export type Device = {
  client: ParleyClient;
  events: { event: ParleyEvent; id: string | null }[];
  lastEventId(): string | null;
  messages(): string[];
  /** Group messages received, as "group:seq:content" (system messages included). */
  groupMessages(groupId: number): { seq: number; content: string }[];
  close(): Promise<void>;
};

/** A connected device: an SDK client with its live stream recorded. */
export function connect(
  user: TestUser,
  url: string | string[],
  options: { lastEventId?: string | null; groupSeqs?: [groupId: number, seq: number][] } = {},
): Device {
  const client = createParleyClient({ url, token: user.token });
  const events: { event: ParleyEvent; id: string | null }[] = [];
  const subscription = client.subscribeEvents({
    selfUserId: user.id,
    lastEventId: options.lastEventId,
    groupSeqs: options.groupSeqs,
    onEvent: (event, id) => events.push({ event, id }),
  });
  return {
    client,
    events,
    lastEventId: () => subscription.lastEventId,
    messages: () => events.flatMap(({ event }) => (event.type === "new_message" ? [event.message.content ?? ""] : [])),
    groupMessages: (groupId) =>
      events.flatMap(({ event }) =>
        event.type === "new_group_message" && event.message.group_id === groupId
          ? [{ seq: event.message.seq, content: event.message.content ?? "" }]
          : [],
      ),
    close: async () => {
      subscription.unsubscribe();
      await client.close();
    },
  };
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function send(device: Device, to: TestUser, content: string) {
  return device.client.message.send.mutate({ receiver_id: to.id, content, client_msg_id: randomUUID() });
}

export function sendToGroup(device: Device, groupId: number, content: string) {
  return device.client.message.sendGroup.mutate({ group_id: groupId, content, client_msg_id: randomUUID() });
}

/** A Redis server of the test's own, so it can be restarted and flushed without touching anything else. */
export async function startPrivateRedis(): Promise<{
  url: string;
  restart(): Promise<void>;
  flush(): Promise<void>;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  let child: ChildProcess;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    const probe = new Redis(port, "127.0.0.1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on("error", () => {}); // refused until the server is up: expected while polling
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error("private redis did not start");
        probe.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await stop();
      await start();
    },
    flush: async () => {
      const admin = new Redis(port, "127.0.0.1");
      await admin.flushall();
      admin.disconnect();
    },
    stop,
  };
}
