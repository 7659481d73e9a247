import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";

import { createTestDatabase, type TestDatabase } from "@parley/db/test";
import { createParleyClient } from "@parley/sdk/node";

import type { WsServer } from "./server";
import {
  connect,
  deploymentEnv,
  loginAgain,
  send,
  signUp,
  startInstances,
  startPrivateRedis,
  testRedisUrl,
  type TestUser,
  useTwoInstances,
  waitFor,
} from "./test/harness";

function contents(device: { messages(): string[] }) {
  return device.messages();
}

describe("live 1:1 messaging across WebSocket instances", () => {
  const deployment = useTwoInstances();

  it("delivers at once to the recipient on another instance, and ticks flow back to the sender", async () => {
    const ana = await signUp(deployment.first.url, "Ana");
    const ben = await signUp(deployment.second.url, "Ben", { knows: [ana] });
    const anaPhone = connect(ana, deployment.first.url);
    const benPhone = connect(ben, deployment.second.url);
    try {
      await new Promise((r) => setTimeout(r, 200)); // both streams live
      const sent = await send(anaPhone, ben, "Hello Ben");
      expect(sent.status).toBe("sent");
      await waitFor(() => contents(benPhone).includes("Hello Ben"), "Ben receives");
      // Ben's SDK acknowledged delivery: Ana is told.
      await waitFor(
        () =>
          anaPhone.events.some(
            ({ event }) =>
              event.type === "message_status_update" &&
              event.status === "delivered" &&
              event.message_ids.includes(sent.id),
          ),
        "delivered tick",
      );
      await benPhone.client.chat.read.mutate({ chat_id: sent.chat_id });
      await waitFor(
        () =>
          anaPhone.events.some(
            ({ event }) =>
              event.type === "message_status_update" && event.status === "read" && (event.up_to_seq ?? 0) >= sent.seq,
          ),
        "read tick",
      );
      const [chat] = (await anaPhone.client.chat.list.query({ limit: 10 })).chats;
      expect(chat?.last_message?.status).toBe("read");
    } finally {
      await Promise.all([anaPhone.close(), benPhone.close()]);
    }
  });

  it("reaches every device of a user, wherever each is connected", async () => {
    const ana = await signUp(deployment.first.url, "Ana");
    const ben = await signUp(deployment.first.url, "Ben", { knows: [ana] });
    const anaLaptop = connect(ana, deployment.second.url);
    const anaPhone = connect(ana, deployment.first.url);
    const benPhone = connect(ben, deployment.first.url);
    const benLaptop = connect(ben, deployment.second.url);
    try {
      await new Promise((r) => setTimeout(r, 200));
      await send(anaPhone, ben, "to all your devices");
      for (const device of [benPhone, benLaptop, anaLaptop, anaPhone]) {
        await waitFor(() => contents(device).includes("to all your devices"), "every device");
      }
      // Exactly once each, even on the sending device.
      expect(contents(anaPhone).filter((m) => m === "to all your devices")).toHaveLength(1);
    } finally {
      await Promise.all([anaLaptop, anaPhone, benPhone, benLaptop].map((d) => d.close()));
    }
  });

  it("keeps messages for an offline recipient and delivers them in order, once, on return", async () => {
    const ana = await signUp(deployment.first.url, "Ana");
    const ben = await signUp(deployment.second.url, "Ben", { knows: [ana] });
    const anaPhone = connect(ana, deployment.first.url);
    const benBefore = connect(ben, deployment.second.url);
    try {
      await new Promise((r) => setTimeout(r, 200));
      await send(anaPhone, ben, "before");
      await waitFor(() => contents(benBefore).includes("before"), "first message");
      const resumeFrom = benBefore.lastEventId();
      await benBefore.close();

      const expected = Array.from({ length: 25 }, (_, i) => `while away ${i}`);
      for (const content of expected) await send(anaPhone, ben, content);

      const benAgain = connect(ben, deployment.first.url, { lastEventId: resumeFrom });
      try {
        await waitFor(() => contents(benAgain).length >= expected.length, "catch-up");
        await new Promise((r) => setTimeout(r, 300)); // anything extra would show up now
        expect(contents(benAgain)).toEqual(expected);
        const ids = benAgain.events.map((e) => Number(e.id)).filter((id) => id > 0);
        expect(new Set(ids).size).toBe(ids.length);
        // Ben's device acknowledged them: Ana sees two ticks for the last one.
        await waitFor(
          () =>
            anaPhone.events.some(
              ({ event }) =>
                event.type === "message_status_update" && event.status === "delivered" && event.message_ids.length > 0,
            ),
          "delivered on return",
        );
      } finally {
        await benAgain.close();
      }
    } finally {
      await anaPhone.close();
    }
  });

  it("counts messages as delivered when a new device of the recipient comes online", async () => {
    const ana = await signUp(deployment.first.url, "Ana");
    const ben = await signUp(deployment.second.url, "Ben", { knows: [ana] });
    const anaPhone = connect(ana, deployment.first.url);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const sent = await send(anaPhone, ben, "for your new phone");
      // Ben's new device has no stream position: it will load chats and history itself.
      const benNewPhone = connect(ben, deployment.second.url);
      try {
        await waitFor(
          () =>
            anaPhone.events.some(
              ({ event }) =>
                event.type === "message_status_update" &&
                event.status === "delivered" &&
                event.message_ids.includes(sent.id),
            ),
          "delivered to the new device",
        );
      } finally {
        await benNewPhone.close();
      }
    } finally {
      await anaPhone.close();
    }
  });

  it("ends a live stream at once when its session is revoked elsewhere", async () => {
    const ben = await signUp(deployment.first.url, "Ben");
    const errors: unknown[] = [];
    const client = createParleyClient({ url: deployment.second.url, token: ben.token });
    const live = client.subscribeEvents({
      selfUserId: ben.id,
      onEvent: () => {},
      onError: (error) => errors.push(error),
    });
    const other = createParleyClient({
      url: deployment.first.url,
      token: (await loginAgain(deployment.first.url, ben)).token,
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      await other.auth.logout.mutate({ all_devices: true });
      await waitFor(() => errors.length > 0, "the stream to end");
      expect(errors[0]).toMatchObject({ data: { code: "UNAUTHORIZED" } });
    } finally {
      live.unsubscribe();
      await Promise.all([client.close(), other.close()]);
    }
  });

  it("shows who is online and who is typing, and last seen when they leave", async () => {
    const ana = await signUp(deployment.first.url, "Ana");
    const ben = await signUp(deployment.second.url, "Ben", { knows: [ana] });
    const benPhone = connect(ben, deployment.second.url);
    const anaSetup = connect(ana, deployment.first.url);
    await new Promise((r) => setTimeout(r, 200));
    await send(anaSetup, ben, "let's chat"); // now they are chat peers
    await anaSetup.close();
    await waitFor(
      () =>
        benPhone.events.some(
          ({ event }) => event.type === "presence_update" && event.user_id === ana.id && !event.is_online,
        ),
      "Ana offline",
    );

    const anaPhone = connect(ana, deployment.first.url);
    try {
      await waitFor(
        () =>
          benPhone.events.some(
            ({ event }) => event.type === "presence_update" && event.user_id === ana.id && event.is_online,
          ),
        "Ana online",
      );
      const chatId = (await anaPhone.client.chat.list.query({ limit: 1 })).chats[0]?.id ?? 0;
      await anaPhone.client.chat.typing.mutate({ chat_id: chatId, is_typing: true });
      await waitFor(
        () =>
          benPhone.events.some(({ event }) => event.type === "typing" && event.user_id === ana.id && event.is_typing),
        "typing",
      );
      const profile = await benPhone.client.user.get.query({ id: ana.id });
      expect(profile.is_online).toBe(true);
    } finally {
      await anaPhone.close();
    }
    await waitFor(
      () =>
        benPhone.events.filter(
          ({ event }) => event.type === "presence_update" && event.user_id === ana.id && !event.is_online,
        ).length >= 2,
      "Ana offline again",
    );
    const gone = benPhone.events.findLast(({ event }) => event.type === "presence_update" && !event.is_online)?.event;
    expect(gone).toMatchObject({ last_seen: expect.any(String) as string });
    await benPhone.close();
  });
});

describe("faults: nothing acknowledged is lost or repeated", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it.each(["shuts down", "crashes"] as const)(
    "survives an instance that %s: the client moves to another one and resumes",
    async (how) => {
      const [a, b] = (await startInstances(deploymentEnv(database.url, testRedisUrl), 2)) as [WsServer, WsServer];
      const ana = await signUp(a.url, "Ana");
      const ben = await signUp(a.url, "Ben", { knows: [ana] });
      const anaPhone = connect(ana, a.url);
      const benPhone = connect(ben, [b.url, a.url]);
      try {
        await new Promise((r) => setTimeout(r, 200));
        const expected: string[] = [];
        for (let i = 0; i < 10; i++) {
          expected.push(`m${i}`);
          await send(anaPhone, ben, `m${i}`);
        }
        await waitFor(() => contents(benPhone).length === 10, "first half");
        const killed = how === "crashes" ? b.crash() : b.shutdown(); // Ben's instance goes away mid-conversation
        for (let i = 10; i < 30; i++) {
          expected.push(`m${i}`);
          await send(anaPhone, ben, `m${i}`);
        }
        await killed;
        await waitFor(() => contents(benPhone).length >= 30, "resumed on the other instance", 20_000);
        await new Promise((r) => setTimeout(r, 300));
        expect(contents(benPhone)).toEqual(expected);
      } finally {
        await Promise.all([anaPhone.close(), benPhone.close()]);
        await a.shutdown();
      }
    },
  );

  it("survives Redis restarting and being flushed: Postgres fills what Redis lost", async () => {
    const redis = await startPrivateRedis();
    const instances = (await startInstances(deploymentEnv(database.url, redis.url), 2)) as [WsServer, WsServer];
    const [a, b] = instances;
    const ana = await signUp(a.url, "Ana");
    const ben = await signUp(b.url, "Ben", { knows: [ana] });
    const anaPhone = connect(ana, a.url);
    const benPhone = connect(ben, b.url);
    try {
      await new Promise((r) => setTimeout(r, 200));
      const expected: string[] = [];
      const sendNext = async () => {
        const content = `r${expected.length}`;
        expected.push(content);
        await send(anaPhone, ben, content);
      };
      for (let i = 0; i < 5; i++) await sendNext();
      await waitFor(() => contents(benPhone).length === 5, "before restart");

      await redis.restart();
      // Sends commit to Postgres even while pub/sub reconnects; the next live event reveals the gap.
      for (let i = 0; i < 10; i++) await sendNext();
      await waitFor(() => contents(benPhone).length >= 15, "after restart", 20_000);

      const resumeFrom = benPhone.lastEventId();
      await benPhone.close();
      await redis.flush();
      for (let i = 0; i < 5; i++) await sendNext();
      const benAgain = connect(ben, a.url, { lastEventId: resumeFrom });
      try {
        await waitFor(() => contents(benAgain).length >= 5, "after flush", 20_000);
        await new Promise((r) => setTimeout(r, 300));
        expect([...contents(benPhone), ...contents(benAgain)]).toEqual(expected);
      } finally {
        await benAgain.close();
      }
    } finally {
      await anaPhone.close();
      await Promise.all(instances.map((instance) => instance.shutdown()));
      await redis.stop();
    }
  });
});

describe("slow readers", () => {
  let database: TestDatabase;
  let server: WsServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    [server] = (await startInstances(
      { ...deploymentEnv(database.url, testRedisUrl), WS_MAX_BUFFERED_BYTES: "262144" },
      1,
    )) as [WsServer];
  });
  afterAll(async () => {
    await server.shutdown();
    await database.drop();
  });

  /** A live subscription over a raw socket, so the test can stop reading it. */
  async function rawSubscriber(user: TestUser) {
    const socket = new WebSocket(`${server.url}?connectionParams=1`);
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ method: "connectionParams", data: { token: user.token } }));
    socket.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "event.onEvent", input: {} } }));
    const closed = new Promise<number>((resolve) => socket.once("close", resolve));
    return { socket, closed };
  }

  it("drops a reader that stops reading instead of buffering without bound; it resumes with nothing lost", async () => {
    const ana = await signUp(server.url, "Ana");
    const ben = await signUp(server.url, "Ben", { knows: [ana] });
    const anaPhone = connect(ana, server.url);
    const stalled = await rawSubscriber(ben);
    try {
      await new Promise((r) => setTimeout(r, 300));
      // Ben's device stops reading: the server's queue for that socket can only grow.
      (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const content = "x".repeat(4_000);
      const total = 1_500;
      for (let i = 0; i < total; i += 25) {
        await Promise.all(
          Array.from({ length: Math.min(25, total - i) }, (_, j) =>
            anaPhone.client.message.send.mutate({
              receiver_id: ben.id,
              content: `${i + j} ${content}`,
              client_msg_id: randomUUID(),
            }),
          ),
        );
      }
      (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      // 1013: try again later. The server let go of everything it held for this socket.
      expect(await stalled.closed).toBe(1013);

      // Ben comes back from the start of his stream: every message, once, in order.
      const benAgain = connect(ben, server.url, { lastEventId: "0" });
      try {
        await waitFor(() => benAgain.messages().length >= total, "all messages after the drop", 60_000);
        const numbers = benAgain.messages().map((m) => Number(m.split(" ")[0]));
        expect(new Set(numbers).size).toBe(total);
        expect(numbers).toHaveLength(total);
        const seqs = benAgain.events.flatMap(({ event }) => (event.type === "new_message" ? [event.message.seq] : []));
        expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      } finally {
        await benAgain.close();
      }
    } finally {
      stalled.socket.terminate();
      await anaPhone.close();
    }
  }, 120_000);
});
