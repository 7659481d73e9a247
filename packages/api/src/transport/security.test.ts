import { randomUUID } from "node:crypto";

import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";

import type { AppRouter } from "../root";
import { createTestRuntime, frameText, randomPhoneNumber, type TestRuntime, type TestShape } from "../test";
import { type Json, rest, restSignUp, startApi, wsClient } from "../test/api-server";

// Findings of the black-box probe, each as the attacker tried it, on every door it applies to.
// The runtime trusts one proxy hop, so each test speaks from client addresses of its own
// (documentation-range strings in X-Forwarded-For; nothing is sent anywhere but loopback).
const STRICT_LIMITS = {
  TRUST_PROXY_HOPS: "1",
  RATE_LIMIT_REQUESTS_PER_MINUTE: "40",
  RATE_LIMIT_MESSAGES_PER_MINUTE: "5",
  RATE_LIMIT_OTP_PER_HOUR_PER_IP: "3",
  RATE_LIMIT_OTP_PER_HOUR_PER_PREFIX: "4",
  RATE_LIMIT_LOGIN_FAILURES_PER_IP: "30",
  RATE_LIMIT_CONTACT_IMPORTS_PER_DAY: "2",
  WS_CALLS_PER_SECOND: "20",
  WS_SOCKETS_PER_SESSION: "3",
};

let addresses = 0;
/** A client address nobody else in this file speaks from. */
const freshIp = () => `2001:db8::${(++addresses).toString(16)}`;
const from = (ip: string) => ({ "x-forwarded-for": ip });

type ApiErrorShape = { error: { json: { message: string; data: { code: string; retryAfterSeconds: number | null } } } };

function trpcHttp(base: string, options: { token?: string; ip: string }) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/api/trpc`,
        maxItems: 500,
        headers: { ...from(options.ip), ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      }),
    ],
  });
}

const codeOf = (error: unknown) =>
  error instanceof TRPCClientError ? (error.data as { code?: string } | undefined)?.code : String(error);

/** A raw socket (no tRPC client): what an attacker's script would open. */
async function rawSocket(url: string, token: string | null, ip: string) {
  const socket = new WebSocket(`${url}?connectionParams=1`, { headers: from(ip) });
  const frames: Json[] = [];
  socket.on("message", (data) => {
    const text = frameText(data);
    if (text !== "PING" && text !== "PONG") frames.push(JSON.parse(text) as Json);
  });
  const closed = new Promise<number>((resolve) => socket.once("close", resolve));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ method: "connectionParams", data: token ? { token } : {} }));
  return { socket, frames, closed };
}

async function until(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.each<TestShape>(["scaled", "embedded"])("probe findings on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape, env: STRICT_LIMITS });
    api = await startApi(runtime);
  });
  afterAll(async () => {
    await api.close();
    await runtime.close();
  });

  /** A user signed up from an address of their own, with no tie to anybody. */
  const stranger = () => restSignUp(runtime, api.http, { stranger: true, headers: from(freshIp()) });

  describe("1. the password lockout counts every attempt before checking it", () => {
    it("a tRPC batch of 20 wrong passwords and then the right one gets 10 refusals, then 429s, and no token", async () => {
      const { phone_number } = await stranger();
      const ip = freshIp();
      const client = trpcHttp(api.http, { ip });
      const attempts = [...Array.from({ length: 20 }, () => "wrong-password"), "password123"].map((password) =>
        client.auth.login.mutate({ phone_number, password }).then(
          () => "TOKEN",
          (error: unknown) => codeOf(error),
        ),
      );
      const codes = await Promise.all(attempts);
      expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(10);
      expect(codes.filter((code) => code === "TOO_MANY_REQUESTS")).toHaveLength(11);
      expect(codes).not.toContain("TOKEN");
    });

    it("50 parallel REST logins from 50 addresses get exactly 10 answers and 40 × 429 with Retry-After", async () => {
      const { phone_number } = await stranger();
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          rest(api.http, "POST", "/api/auth/login", {
            body: { phone_number, password: "wrong-password" },
            headers: from(freshIp()),
          }),
        ),
      );
      expect(answers.filter((answer) => answer.status === 401)).toHaveLength(10);
      const limited = answers.filter((answer) => answer.status === 429);
      expect(limited).toHaveLength(40);
      expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThan(800);
      expect(limited[0]?.body).toMatchObject({
        code: "TOO_MANY_REQUESTS",
        retry_after_seconds: expect.any(Number) as number,
      });
    });

    it("over one WebSocket, 12 parallel wrong passwords get 10 refusals and 2 × TOO_MANY_REQUESTS", async () => {
      const { phone_number } = await stranger();
      const client = wsClient(api.ws, null, { headers: from(freshIp()) });
      try {
        const codes = await Promise.all(
          Array.from({ length: 12 }, () =>
            client.trpc.auth.login.mutate({ phone_number, password: "wrong-password" }).catch(codeOf),
          ),
        );
        expect(codes.filter((code) => code === "UNAUTHORIZED")).toHaveLength(10);
        expect(codes.filter((code) => code === "TOO_MANY_REQUESTS")).toHaveLength(2);
      } finally {
        await client.close();
      }
    });

    it("a right password gives its attempt back, and failures per address are limited too", async () => {
      const { phone_number } = await stranger();
      const ip = freshIp();
      for (let i = 0; i < 15; i++) {
        expect(
          (
            await rest(api.http, "POST", "/api/auth/login", {
              body: { phone_number, password: "password123" },
              headers: from(ip),
            })
          ).status,
        ).toBe(200);
      }
      const spray = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) {
        const other = randomPhoneNumber();
        statuses.push(
          (
            await rest(api.http, "POST", "/api/auth/login", {
              body: { phone_number: other, password: "wrong-password" },
              headers: from(spray),
            })
          ).status,
        );
      }
      expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
      expect(statuses[30]).toBe(429);
    });
  });

  describe("2. one WebSocket can't stall the server", () => {
    it("holds one live-event stream per connection", async () => {
      const { token } = await stranger();
      const { socket, frames } = await rawSocket(api.ws, token, freshIp());
      try {
        for (let id = 1; id <= 5; id++)
          socket.send(
            JSON.stringify({ id, method: "subscription", params: { path: "event.onEvent", input: undefined } }),
          );
        const errors = () => frames.filter((frame) => "error" in frame);
        await until(
          () =>
            errors().length >= 4 &&
            frames.some((frame) => frame.id === 1 && (frame.result as Json | undefined)?.type === "data"),
        );
        expect(errors()).toHaveLength(4);
        for (const error of errors()) expect(error).toMatchObject({ error: { data: { code: "CONFLICT" } } });
        // The first stream is the one that lives: it opened with the group heads.
        expect(
          frames.find((frame) => frame.id === 1 && (frame.result as Json | undefined)?.type === "data"),
        ).toBeDefined();
      } finally {
        socket.close();
      }
    });

    it("answers at most its budget of calls per second, and closes a socket that floods", async () => {
      const { token } = await stranger();
      const calm = await rawSocket(api.ws, token, freshIp());
      const batch = Array.from({ length: 100 }, (_, i) => ({
        id: i + 1,
        method: "query",
        params: { path: "user.me", input: undefined },
      }));
      calm.socket.send(JSON.stringify(batch));
      await until(() => calm.frames.length >= 100);
      const answered = calm.frames.filter((frame) => "result" in frame);
      const refused = calm.frames.filter(
        (frame) => (frame.error as ApiErrorShape["error"]["json"] | undefined)?.data.code === "TOO_MANY_REQUESTS",
      );
      expect(answered.length).toBeLessThanOrEqual(20);
      expect(answered.length + refused.length).toBe(100);
      calm.socket.close();

      const flood = await rawSocket(api.ws, token, freshIp());
      flood.socket.send(
        JSON.stringify(
          Array.from({ length: 250 }, (_, i) => ({
            id: i + 1,
            method: "query",
            params: { path: "user.me", input: undefined },
          })),
        ),
      );
      expect(await flood.closed).toBe(1008);
    });

    it("lets one session hold a few sockets, not more, and frees a slot when one closes", async () => {
      const { token } = await stranger();
      const ip = freshIp();
      // A socket holds its slot once its first call is answered: the server claims it while
      // authenticating, so opening the next one only then keeps the order the test counts on.
      const answered = async (open: Awaited<ReturnType<typeof rawSocket>>) => {
        open.socket.send(JSON.stringify({ id: 1, method: "query", params: { path: "user.me", input: undefined } }));
        const outcome = await Promise.race([
          until(() => open.frames.some((frame) => frame.id === 1 || frame.id === null), 20_000).then(() => "framed"),
          open.closed.then(() => "closed"),
        ]);
        return outcome === "framed" && open.frames.some((frame) => frame.id === 1 && "result" in frame);
      };
      const held = [];
      for (let i = 0; i < 3; i++) {
        const open = await rawSocket(api.ws, token, ip);
        expect(await answered(open)).toBe(true);
        held.push(open);
      }
      const extra = await rawSocket(api.ws, token, ip);
      expect(await extra.closed).toBeGreaterThan(0);
      expect(extra.frames[0]).toMatchObject({ id: null, error: { data: { code: "TOO_MANY_REQUESTS" } } });
      held[0]?.socket.close();
      await held[0]?.closed;
      // The server gives the slot back when it sees the close, which a busy machine may take a moment to do.
      let next = await rawSocket(api.ws, token, ip);
      for (let waitMs = 200; !(await answered(next)) && waitMs <= 6_400; waitMs *= 2) {
        next.socket.close();
        await until(() => false, waitMs);
        next = await rawSocket(api.ws, token, ip);
      }
      expect(next.frames.find((frame) => frame.id === 1)).toHaveProperty("result");
      for (const open of [...held.slice(1), next]) open.socket.close();
    }, 90_000);

    it("counts connection attempts against the client address", async () => {
      const ip = freshIp();
      const outcomes = await Promise.all(
        Array.from({ length: 45 }, () =>
          rawSocket(api.ws, null, ip).then(
            ({ socket }) => {
              socket.close();
              return "open";
            },
            (error: unknown) => String(error),
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === "open")).toHaveLength(40);
      expect(outcomes.filter((outcome) => outcome.includes("429"))).toHaveLength(5);
    });
  });

  describe("3. ids and seqs stay within what the columns hold", () => {
    it("refuses ids past int4 and message ids past 2^53 with a 400 that names the field, on REST and tRPC", async () => {
      const { token } = await stranger();
      const headers = from(freshIp());
      for (const path of [
        "/api/users/2147483648",
        "/api/chats/2147483648",
        "/api/groups/9007199254740991",
        "/api/messages/9007199254740992/info",
        "/api/chats/1/messages?after_seq=2147483648",
        "/api/users/-1",
        "/api/users/0",
        "/api/users/1e3",
      ]) {
        const answer = await rest(api.http, "GET", path, { token, headers });
        expect(answer.status, path).toBe(400);
        expect(answer.body.code).toBe("BAD_REQUEST");
        expect(JSON.stringify(answer.body)).not.toMatch(/select|password_hash|from "|\$\d/i);
      }
      // A message id beyond int4 is a valid bigint: it is simply nobody's message.
      expect((await rest(api.http, "GET", "/api/messages/2147483649/info", { token, headers })).status).toBe(404);
      const client = trpcHttp(api.http, { token, ip: freshIp() });
      for (const call of [
        () => client.user.get.query({ id: 2 ** 31 }),
        () => client.group.addMembers.mutate({ group_id: 1, user_ids: [2 ** 31] }),
        () => client.contact.block.mutate({ user_id: 2 ** 53 }),
        () => client.message.send.mutate({ receiver_id: 2 ** 31, content: "hi", client_msg_id: randomUUID() }),
        () => client.group.read.mutate({ group_id: 1, up_to_seq: 2 ** 31 }),
      ]) {
        expect(await call().catch(codeOf)).toBe("BAD_REQUEST");
      }
    });

    it("coerces nothing but decimal digits: true, null, 1e3 and [] are not numbers", async () => {
      const { token } = await stranger();
      const headers = from(freshIp());
      for (const body of [{ up_to_seq: true }, { up_to_seq: null }, { up_to_seq: "1e3" }, { up_to_seq: [] }]) {
        expect((await rest(api.http, "POST", "/api/groups/1/read", { token, headers, body })).status).toBe(400);
      }
      expect((await rest(api.http, "GET", "/api/chats?limit=true", { token, headers })).status).toBe(400);
    });
  });

  describe("4. text PostgreSQL can't store is a clear 400, never a 500", () => {
    it("refuses NUL and lone surrogates in every text field, naming it, on REST, tRPC and WebSocket", async () => {
      const { token } = await stranger();
      const headers = from(freshIp());
      const cases: { method: string; path: string; body: Json; field: string }[] = [
        { method: "PUT", path: "/api/users/me", body: { full_name: "Ali\u0000ce" }, field: "full_name" },
        { method: "PUT", path: "/api/users/me", body: { status_message: "hi \ud800" }, field: "status_message" },
        { method: "POST", path: "/api/groups", body: { name: "Fam\u0000ily" }, field: "name" },
        {
          method: "POST",
          path: "/api/contacts",
          body: { phone_number: "+14155550100", name: "\udc00Bo" },
          field: "name",
        },
        {
          method: "POST",
          path: "/api/messages/chat",
          body: {
            receiver_id: 1,
            message_type: "location",
            location: { latitude: 1, longitude: 2, name: "Caf\u0000e" },
            client_msg_id: randomUUID(),
          },
          field: "location.name",
        },
      ];
      for (const { method, path, body, field } of cases) {
        const answer = await rest(api.http, method, path, { token, headers, body });
        expect(answer.status, `${path} ${field}`).toBe(400);
        expect(answer.body.message).toContain(field);
      }
      const client = trpcHttp(api.http, { token, ip: freshIp() });
      const overHttp = await client.message.send
        .mutate({ receiver_id: 1, content: "\ud800", client_msg_id: randomUUID() })
        .catch((error: unknown) => error);
      expect(codeOf(overHttp)).toBe("BAD_REQUEST");
      expect((overHttp as Error).message).toContain("content");
      const socket = wsClient(api.ws, token, { headers: from(freshIp()) });
      try {
        const overWs = await socket.trpc.user.updateMe
          .mutate({ full_name: "x\u0000" })
          .catch((error: unknown) => error);
        expect(codeOf(overWs)).toBe("BAD_REQUEST");
        expect((overWs as Error).message).toContain("full_name");
      } finally {
        await socket.close();
      }
    });

    it("refuses names made only of invisible characters", async () => {
      const { token } = await stranger();
      const headers = from(freshIp());
      for (const name of ["\u200b\u200b", "\u2066\u2069", " \u200d "]) {
        expect(
          (await rest(api.http, "PUT", "/api/users/me", { token, headers, body: { full_name: name } })).status,
        ).toBe(400);
        expect((await rest(api.http, "POST", "/api/groups", { token, headers, body: { name } })).status).toBe(400);
      }
      expect(
        (await rest(api.http, "PUT", "/api/users/me", { token, headers, body: { full_name: "Zoë \u200d" } })).status,
      ).toBe(200);
    });
  });

  describe("5. query booleans mean what they say", () => {
    it("for_everyone=false deletes for the caller only; 0, 1 and yes are refused", async () => {
      const ana = await restSignUp(runtime, api.http, { headers: from(freshIp()) });
      const ben = await restSignUp(runtime, api.http, { headers: from(freshIp()) });
      const headers = from(freshIp());
      const sent = await rest(api.http, "POST", "/api/messages/chat", {
        token: ana.token,
        headers,
        body: { receiver_id: ben.user.id, content: "keep me for Ben", client_msg_id: randomUUID() },
      });
      expect(sent.status).toBe(200);
      for (const value of ["0", "1", "yes", "False"]) {
        expect(
          (
            await rest(api.http, "DELETE", `/api/messages/${String(sent.body.id)}?for_everyone=${value}`, {
              token: ana.token,
              headers,
            })
          ).status,
          value,
        ).toBe(400);
      }
      expect(
        (
          await rest(api.http, "DELETE", `/api/messages/${String(sent.body.id)}?for_everyone=false`, {
            token: ana.token,
            headers,
          })
        ).status,
      ).toBe(200);
      const bens = await rest(api.http, "GET", `/api/chats/${String(sent.body.chat_id)}/messages`, {
        token: ben.token,
        headers,
      });
      expect((bens.body.messages as Json[])[0]).toMatchObject({ content: "keep me for Ben", is_deleted: false });
      const anas = await rest(api.http, "GET", `/api/chats/${String(sent.body.chat_id)}/messages`, {
        token: ana.token,
        headers,
      });
      expect(anas.body.messages).toEqual([]);
    });
  });

  describe("6. people resolve only through a tie", () => {
    it("a stranger's id is nobody (profile, message, block, group), until a number search, a contact or a chat ties them", async () => {
      const ana = await stranger();
      const ben = await stranger();
      const headers = from(freshIp());
      const byId = () => rest(api.http, "GET", `/api/users/${String(ben.user.id)}`, { token: ana.token, headers });
      expect(await byId()).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
      expect(JSON.stringify((await byId()).body)).not.toContain(ben.phone_number);
      const message = { receiver_id: ben.user.id, content: "hello stranger", client_msg_id: randomUUID() };
      expect(
        (await rest(api.http, "POST", "/api/messages/chat", { token: ana.token, headers, body: message })).status,
      ).toBe(404);
      expect(
        (
          await rest(api.http, "POST", "/api/contacts/block", {
            token: ana.token,
            headers,
            body: { user_id: ben.user.id },
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await rest(api.http, "POST", "/api/groups", {
            token: ana.token,
            headers,
            body: { name: "Trap", member_ids: [ben.user.id] },
          })
        ).status,
      ).toBe(404);
      const client = trpcHttp(api.http, { token: ana.token, ip: freshIp() });
      expect(await client.user.get.query({ id: ben.user.id }).catch(codeOf)).toBe("NOT_FOUND");

      // Ben searches Ana's number: he may now see her and message her; she still can't see him by id…
      const found = await rest(
        api.http,
        "GET",
        `/api/users/search?phone_number=${encodeURIComponent(ana.phone_number)}`,
        { token: ben.token, headers },
      );
      expect(found.status).toBe(200);
      expect(
        (await rest(api.http, "GET", `/api/users/${String(ana.user.id)}`, { token: ben.token, headers })).status,
      ).toBe(200);
      expect(await client.user.get.query({ id: ben.user.id }).catch(codeOf)).toBe("NOT_FOUND");
      // …until his message makes a chat between them.
      const hello = { receiver_id: ana.user.id, content: "it's Ben", client_msg_id: randomUUID() };
      expect(
        (await rest(api.http, "POST", "/api/messages/chat", { token: ben.token, headers, body: hello })).status,
      ).toBe(200);
      expect((await client.user.get.query({ id: ben.user.id })).phone_number).toBe(ben.phone_number);

      // A contact is a tie too.
      const cara = await stranger();
      expect(
        (await rest(api.http, "GET", `/api/users/${String(cara.user.id)}`, { token: ana.token, headers })).status,
      ).toBe(404);
      await rest(api.http, "POST", "/api/contacts", {
        token: ana.token,
        headers,
        body: { phone_number: cara.phone_number, name: "Cara" },
      });
      expect(
        (await rest(api.http, "GET", `/api/users/${String(cara.user.id)}`, { token: ana.token, headers })).status,
      ).toBe(200);
    });

    it("walking ids finds nobody", async () => {
      const walker = await stranger();
      const headers = from(freshIp());
      const statuses = new Set<number>();
      for (let id = 1; id <= 30; id++) {
        if (id === walker.user.id) continue;
        statuses.add((await rest(api.http, "GET", `/api/users/${id}`, { token: walker.token, headers })).status);
      }
      expect([...statuses]).toEqual([404]);
    });

    it("limits contact imports by the day as well as by the hour", async () => {
      const { token } = await stranger();
      const headers = from(freshIp());
      const contacts = [{ phone_number: randomPhoneNumber(), name: "Someone" }];
      expect(
        (await rest(api.http, "POST", "/api/contacts/import", { token, headers, body: { contacts } })).status,
      ).toBe(200);
      expect(
        (await rest(api.http, "POST", "/api/contacts/import", { token, headers, body: { contacts } })).status,
      ).toBe(200);
      const third = await rest(api.http, "POST", "/api/contacts/import", { token, headers, body: { contacts } });
      expect(third.status).toBe(429);
      expect(third.body.message).toMatch(/a day/);
    });
  });

  describe("7. the spec's rate limits hold on every door", () => {
    it("100 requests a minute per address (40 here): REST, and each call of a tRPC batch", async () => {
      const { token } = await stranger();
      const ip = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 41; i++)
        statuses.push((await rest(api.http, "GET", "/api/users/me", { token, headers: from(ip) })).status);
      expect(statuses.slice(0, 40).every((status) => status === 200)).toBe(true);
      expect(statuses[40]).toBe(429);

      const batch = trpcHttp(api.http, { token, ip: freshIp() });
      const codes = await Promise.all(Array.from({ length: 45 }, () => batch.user.me.query().then(() => "OK", codeOf)));
      expect(codes.filter((code) => code === "OK")).toHaveLength(40);
      expect(codes.filter((code) => code === "TOO_MANY_REQUESTS")).toHaveLength(5);
    });

    it("doesn't count the web process's own calls (proved by its key) against an address, nor believe a wrong key", async () => {
      const internalKey = randomUUID() + randomUUID();
      const web = await startApi(runtime, { internalKey });
      try {
        const { token } = await stranger();
        const ip = freshIp();
        for (let i = 0; i < 45; i++) {
          const answer = await rest(web.http, "GET", "/api/users/me", {
            token,
            headers: { ...from(ip), "x-parley-internal": internalKey },
          });
          expect(answer.status).toBe(200);
        }
        const statuses: number[] = [];
        for (let i = 0; i < 41; i++) {
          statuses.push(
            (
              await rest(web.http, "GET", "/api/users/me", {
                token,
                headers: { ...from(ip), "x-parley-internal": `${internalKey.slice(1)}x` },
              })
            ).status,
          );
        }
        expect(statuses.at(-1)).toBe(429);
      } finally {
        await web.close();
      }
    });

    it("messages per user a minute (5 here), counted across REST, tRPC and WebSocket, forwards by the copy", async () => {
      const ana = await restSignUp(runtime, api.http, { headers: from(freshIp()) });
      const ben = await restSignUp(runtime, api.http, { headers: from(freshIp()) });
      const body = () => ({ receiver_id: ben.user.id, content: "hi", client_msg_id: randomUUID() });
      const headers = from(freshIp());
      expect(
        (await rest(api.http, "POST", "/api/messages/chat", { token: ana.token, headers, body: body() })).status,
      ).toBe(200);
      expect(
        (await rest(api.http, "POST", "/api/messages/chat", { token: ana.token, headers, body: body() })).status,
      ).toBe(200);
      const http = trpcHttp(api.http, { token: ana.token, ip: freshIp() });
      const third = await http.message.send.mutate(body());
      const socket = wsClient(api.ws, ana.token, { headers: from(freshIp()) });
      try {
        const fourth = await socket.trpc.message.send.mutate(body());
        // One message is left in the minute; forwarding two is two copies, so it is refused whole…
        const forward = {
          message_ids: [third.id, fourth.id],
          user_ids: [ben.user.id],
          group_ids: [],
          client_batch_id: randomUUID(),
        };
        const refused = await socket.trpc.message.forward.mutate(forward).catch((error: unknown) => error);
        expect(codeOf(refused)).toBe("TOO_MANY_REQUESTS");
        expect(
          ((refused as TRPCClientError<AppRouter>).data as { retryAfterSeconds?: number }).retryAfterSeconds,
        ).toBeGreaterThan(0);
        // …and, the attempt counted, so is the next send.
        expect(await socket.trpc.message.send.mutate(body()).catch(codeOf)).toBe("TOO_MANY_REQUESTS");
      } finally {
        await socket.close();
      }
      const overRest = await rest(api.http, "POST", "/api/messages/chat", { token: ana.token, headers, body: body() });
      expect(overRest.status).toBe(429);
      expect(Number(overRest.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("codes by SMS: per number, per address and per block of numbers, the same for numbers with and without an account", async () => {
      const ip = freshIp();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (
            await rest(api.http, "POST", "/api/auth/register", {
              body: { phone_number: randomPhoneNumber(), full_name: "Pump" },
              headers: from(ip),
            })
          ).status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429]);

      // A block of 1,000 numbers (all but the last 3 digits) from many addresses.
      const block = randomPhoneNumber().slice(0, -3);
      const fromBlock: number[] = [];
      for (let i = 0; i < 5; i++) {
        const number = `${block}${String(100 + i)}`;
        fromBlock.push(
          (
            await rest(api.http, "POST", "/api/auth/forgot-password", {
              body: { phone_number: number },
              headers: from(freshIp()),
            })
          ).status,
        );
      }
      expect(fromBlock).toEqual([200, 200, 200, 200, 429]);

      // Three a number an hour, whether or not it has an account: the answer tells nothing.
      const known = await stranger();
      const unknown = randomPhoneNumber();
      for (const phone_number of [known.phone_number, unknown]) {
        const answers: number[] = [];
        for (let i = 0; i < 4; i++) {
          answers.push(
            (
              await rest(api.http, "POST", "/api/auth/forgot-password", {
                body: { phone_number },
                headers: from(freshIp()),
              })
            ).status,
          );
        }
        // The sign-up already sent the known number one code.
        expect(answers).toEqual(phone_number === unknown ? [200, 200, 200, 429] : [200, 200, 429, 429]);
      }
    });
  });

  describe("8. deep JSON and bad paths answer 4xx", () => {
    it("refuses JSON nested deeper than 32 on REST, tRPC over HTTP and WebSocket", async () => {
      const { token } = await stranger();
      const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
      for (const depth of [100_000, 1_000, 40]) {
        const body = `{"full_name":${deep(depth)}}`;
        const overRest = await rest(api.http, "PUT", "/api/users/me", { token, headers: from(freshIp()), raw: body });
        expect(overRest.status, `REST ${depth}`).toBe(400);
        expect(overRest.body.message).toMatch(/nested/);
        const overTrpc = await fetch(`${api.http}/api/trpc/user.updateMe`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...from(freshIp()) },
          body,
        });
        expect(overTrpc.status, `tRPC ${depth}`).toBe(400);
      }
      const { socket, frames } = await rawSocket(api.ws, token, freshIp());
      socket.send(
        `{"id":1,"method":"mutation","params":{"path":"user.updateMe","input":{"full_name":${deep(1_000)}}}}`,
      );
      await until(() => frames.some((frame) => frame.id === 1));
      expect(frames.find((frame) => frame.id === 1)).toMatchObject({ error: { data: { code: "BAD_REQUEST" } } });
      socket.close();
    });

    it("answers a badly percent-encoded path with a 400 JSON body", async () => {
      const { token } = await stranger();
      for (const path of ["/api/users/%ZZ", "/api/contacts/%E0%A4%A", "/api/media/blob/%ZZ"]) {
        const answer = await rest(api.http, "GET", path, { token, headers: from(freshIp()) });
        expect(answer.status, path).toBeGreaterThanOrEqual(400);
        expect(answer.status, path).toBeLessThan(500);
        expect(answer.body, path).toHaveProperty("message");
      }
    });
  });

  describe("errors never leak", () => {
    it("answers an unexpected failure with a generic 500 and a request id; the details stay in the log", async () => {
      const { token, user } = await stranger();
      // Break the database under the API: every query that reads users now fails inside PostgreSQL.
      await runtime.db.execute(sql`alter table users rename to users_gone`);
      try {
        const answer = await rest(api.http, "GET", `/api/users/${String(user.id)}`, {
          token,
          headers: from(freshIp()),
        });
        expect(answer.status).toBe(500);
        expect(answer.body).toEqual({
          code: "INTERNAL_SERVER_ERROR",
          message: expect.stringContaining(String(answer.body.request_id)) as string,
          request_id: expect.any(String) as string,
        });
        expect(answer.headers.get("x-request-id")).toBe(answer.body.request_id);
        const client = trpcHttp(api.http, { token, ip: freshIp() });
        const overTrpc = (await client.user.get
          .query({ id: user.id })
          .catch((error: unknown) => error)) as TRPCClientError<AppRouter>;
        expect(overTrpc.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR" });
        for (const text of [JSON.stringify(answer.body), overTrpc.message, JSON.stringify(overTrpc.data)]) {
          expect(text).not.toMatch(/select|users_gone|relation|password|phone_number|stack|\bat \w+ \(/i);
        }
      } finally {
        await runtime.db.execute(sql`alter table users_gone rename to users`);
      }
    });
  });
});
