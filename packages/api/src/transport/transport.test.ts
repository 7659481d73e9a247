import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { Validator } from "@seriousme/openapi-schema-validator";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";

import type { AppRouter } from "../root";
import { createTestRuntime, frameText, randomPhoneNumber, type TestRuntime, type TestShape } from "../test";
import { type Json, rest, restSignUp, startApi, wsClient } from "../test/api-server";

describe.each<TestShape>(["scaled", "embedded"])("transports on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    api = await startApi(runtime);
  });
  afterAll(async () => {
    await api.close();
    await runtime.close();
  });

  describe("REST", () => {
    it("signs up with the spec's request and response JSON", async () => {
      const phone_number = randomPhoneNumber();
      const registered = await rest(api.http, "POST", "/api/auth/register", {
        body: { phone_number, full_name: "John Doe" },
      });
      expect(registered).toMatchObject({
        status: 200,
        body: { message: "OTP sent to phone number", otp_expires_in: 300 },
      });

      const otp = runtime.sms.lastCodeFor(phone_number);
      const verified = await rest(api.http, "POST", "/api/auth/verify-otp", {
        body: { phone_number, otp, password: "password123" },
      });
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({
        user: { id: expect.any(Number) as number, phone_number, full_name: "John Doe" },
        token: expect.stringMatching(/^eyJ/) as string,
      });

      const login = await rest(api.http, "POST", "/api/auth/login", {
        body: { phone_number, password: "password123" },
      });
      expect(login.status).toBe(200);
      expect(Object.keys(login.body).sort()).toEqual(["token", "user"]);
    });

    it("reads and updates the caller's profile, and never leaks secrets", async () => {
      const { token, phone_number } = await restSignUp(runtime, api.http);
      const me = await rest(api.http, "GET", "/api/users/me", { token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ phone_number, full_name: "Ana Lima", is_online: false, status_message: null });
      expect(JSON.stringify(me.body)).not.toMatch(/password|argon2|hash/i);

      const updated = await rest(api.http, "PUT", "/api/users/me", {
        token,
        body: { full_name: "Ana L.", status_message: "Hey there! I am using Parley." },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ full_name: "Ana L.", status_message: "Hey there! I am using Parley." });
      expect((await rest(api.http, "PUT", "/api/users/me", { token, body: {} })).status).toBe(400);
      expect(
        (await rest(api.http, "PUT", "/api/users/me", { token, body: { profile_picture_url: "javascript:alert(1)" } }))
          .status,
      ).toBe(400);
    });

    it("logout revokes the token for every later request", async () => {
      const { token } = await restSignUp(runtime, api.http);
      // No body and no content type: what most HTTP clients send for a bare POST.
      const response = await fetch(`${api.http}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ message: "Logged out" });
      // Labelled JSON but empty, as some HTTP clients send it.
      const second = await restSignUp(runtime, api.http);
      const labelled = await fetch(`${api.http}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${second.token}`, "content-type": "application/json" },
      });
      expect(labelled.status).toBe(200);
      const after = await rest(api.http, "GET", "/api/users/me", { token });
      expect(after.status).toBe(401);
      expect(after.body.message).toMatch(/session has ended/);
    });

    it.each([
      ["a malformed phone number", "/api/auth/register", { phone_number: "12345", full_name: "X" }, 400, "BAD_REQUEST"],
      ["a missing name", "/api/auth/register", { phone_number: "+14155550123" }, 400, "BAD_REQUEST"],
      [
        "a code that was never sent",
        "/api/auth/verify-otp",
        { phone_number: "+14155550124", otp: "123456", password: "password123" },
        400,
        "BAD_REQUEST",
      ],
      [
        "a non-numeric code",
        "/api/auth/verify-otp",
        { phone_number: "+14155550124", otp: "12ab56", password: "password123" },
        400,
        "BAD_REQUEST",
      ],
      [
        "a short password",
        "/api/auth/verify-otp",
        { phone_number: "+14155550124", otp: "123456", password: "short" },
        400,
        "BAD_REQUEST",
      ],
      [
        "an unknown number",
        "/api/auth/login",
        { phone_number: "+14155550125", password: "password123" },
        401,
        "UNAUTHORIZED",
      ],
    ])("answers %s with a clear 4xx", async (_name, path, body, status, code) => {
      const response = await rest(api.http, "POST", path, { body });
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({ code, message: expect.any(String) as string });
    });

    it("answers bad bodies, missing tokens and unknown paths with JSON 4xx", async () => {
      expect(await rest(api.http, "POST", "/api/auth/login", { raw: "{not json" })).toMatchObject({
        status: 400,
        body: { code: "PARSE_ERROR" },
      });
      expect(
        await rest(api.http, "POST", "/api/auth/login", { raw: "phone=1", contentType: "text/plain" }),
      ).toMatchObject({
        status: 415,
      });
      const huge = JSON.stringify({ phone_number: "+14155550123", full_name: "x".repeat(2 * 1024 * 1024) });
      expect(await rest(api.http, "POST", "/api/auth/register", { raw: huge })).toMatchObject({
        status: 413,
        body: { code: "PAYLOAD_TOO_LARGE" },
      });
      expect(await rest(api.http, "GET", "/api/users/me")).toMatchObject({
        status: 401,
        body: { code: "UNAUTHORIZED" },
      });
      expect(await rest(api.http, "GET", "/api/users/me", { token: "forged.token.value" })).toMatchObject({
        status: 401,
      });
      expect(await rest(api.http, "GET", "/api/no/such/thing")).toMatchObject({
        status: 404,
        body: { code: "NOT_FOUND" },
      });
    });

    it("says when to retry with Retry-After", async () => {
      const phone_number = randomPhoneNumber();
      for (let i = 0; i < 3; i++)
        await rest(api.http, "POST", "/api/auth/register", { body: { phone_number, full_name: "R" } });
      const limited = await rest(api.http, "POST", "/api/auth/register", { body: { phone_number, full_name: "R" } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3000);
      expect(limited.body.retry_after_seconds).toBeGreaterThan(3000);
    });

    it("publishes a valid OpenAPI 3.1 document with the spec's paths", async () => {
      const { status, body } = await rest(api.http, "GET", "/api/openapi.json");
      expect(status).toBe(200);
      expect(body.openapi).toMatch(/^3\.1\./);
      const result = await new Validator().validate(body);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      const paths = body.paths as Record<string, Json>;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining(["/auth/register", "/auth/verify-otp", "/auth/login", "/auth/logout", "/users/me"]),
      );
      expect(Object.keys(paths["/users/me"] ?? {})).toEqual(expect.arrayContaining(["get", "put"]));
    });
  });

  describe("REST messaging", () => {
    it("serves the spec's chat, message and user endpoints with snake_case JSON", async () => {
      const ana = await restSignUp(runtime, api.http);
      const ben = await restSignUp(runtime, api.http);
      const benId = ben.user.id;

      const sent = await rest(api.http, "POST", "/api/messages/chat", {
        token: ana.token,
        body: { receiver_id: benId, content: "Hello!", message_type: "text", client_msg_id: crypto.randomUUID() },
      });
      expect(sent.status).toBe(200);
      expect(sent.body).toMatchObject({
        chat_id: expect.any(Number) as number,
        sender_id: ana.user.id,
        receiver_id: benId,
        content: "Hello!",
        message_type: "text",
        status: "sent",
        created_at: expect.any(String) as string,
      });
      const chatId = sent.body.chat_id as number;
      const messageId = sent.body.id as number;

      const chats = await rest(api.http, "GET", "/api/chats?limit=5", { token: ben.token });
      expect(chats.body).toMatchObject({
        chats: [{ id: chatId, unread_count: 1, peer: { id: ana.user.id } }],
        next_cursor: null,
      });
      const history = await rest(api.http, "GET", `/api/chats/${chatId}/messages?limit=10`, { token: ben.token });
      expect((history.body.messages as Json[]).map((m) => m.id)).toEqual([messageId]);

      const delivered = await rest(api.http, "PUT", `/api/messages/${messageId}/status`, {
        token: ben.token,
        body: { status: "delivered" },
      });
      expect(delivered.body).toEqual({ message: "Status updated", status: "delivered" });
      const read = await rest(api.http, "POST", `/api/chats/${chatId}/read`, { token: ben.token, body: {} });
      expect(read.body).toEqual({ chat_id: chatId, up_to_seq: 1, unread_count: 0 });

      const notYours = await rest(api.http, "DELETE", `/api/messages/${messageId}?for_everyone=true`, {
        token: ben.token,
      });
      expect(notYours.status).toBe(403);
      expect(
        (await rest(api.http, "DELETE", `/api/messages/${messageId}?for_everyone=true`, { token: ana.token })).body,
      ).toEqual({
        message: "Deleted for everyone",
      });

      expect((await rest(api.http, "GET", `/api/users/${benId}`, { token: ana.token })).body).toMatchObject({
        id: benId,
        full_name: "Ana Lima",
      });
      const search = await rest(
        api.http,
        "GET",
        `/api/users/search?phone_number=${encodeURIComponent(ben.phone_number)}`,
        { token: ana.token },
      );
      expect(search.body).toMatchObject({ id: benId });
      expect((await rest(api.http, "GET", "/api/users/me", { token: ana.token })).body).toMatchObject({
        id: ana.user.id,
      });
      expect(
        (await rest(api.http, "PUT", "/api/users/me/online", { token: ana.token, body: { is_online: true } })).body,
      ).toEqual({ is_online: true });
      expect((await rest(api.http, "PUT", "/api/users/me/last-seen", { token: ana.token })).body).toEqual({
        last_seen: expect.any(String) as string,
      });

      expect(
        (await rest(api.http, "POST", "/api/contacts/block", { token: ana.token, body: { user_id: benId } })).status,
      ).toBe(200);
      expect((await rest(api.http, "GET", "/api/contacts/blocked", { token: ana.token })).body).toMatchObject({
        blocked: [{ id: benId }],
      });
      const refused = await rest(api.http, "POST", "/api/messages/chat", {
        token: ana.token,
        body: { receiver_id: benId, content: "x", client_msg_id: crypto.randomUUID() },
      });
      expect(refused).toMatchObject({ status: 403, body: { code: "FORBIDDEN" } });
    });

    it("answers bad messaging input with 4xx, never 500", async () => {
      const ana = await restSignUp(runtime, api.http);
      const cases: [string, string, unknown, number][] = [
        [
          "POST",
          "/api/messages/chat",
          { receiver_id: 1, content: "x".repeat(4097), client_msg_id: crypto.randomUUID() },
          400,
        ],
        ["POST", "/api/messages/chat", { receiver_id: 1, content: "   ", client_msg_id: crypto.randomUUID() }, 400],
        ["POST", "/api/messages/chat", { receiver_id: 1, content: "x", client_msg_id: "not-a-uuid" }, 400],
        ["POST", "/api/messages/chat", { receiver_id: "abc", content: "x", client_msg_id: crypto.randomUUID() }, 400],
        [
          "POST",
          "/api/messages/chat",
          { receiver_id: 2_000_000_000, content: "x", client_msg_id: crypto.randomUUID() },
          404,
        ],
        ["GET", "/api/chats/999999/messages", undefined, 404],
        ["GET", "/api/chats/abc/messages", undefined, 400],
        ["GET", "/api/chats/1/messages?before_seq=5&after_seq=1", undefined, 400],
        ["PUT", "/api/messages/999999/status", { status: "read" }, 404],
        ["PUT", "/api/messages/1/status", { status: "sent" }, 400],
        ["GET", "/api/users/999999", undefined, 404],
        ["GET", "/api/users/search?phone_number=123", undefined, 400],
      ];
      for (const [method, path, body, status] of cases) {
        const response = await rest(api.http, method, path, { token: ana.token, body });
        expect({ path, status: response.status }).toEqual({ path, status });
        expect(response.body.message).toEqual(expect.any(String));
      }
    });
  });

  describe("REST groups", () => {
    it("serves the spec's group endpoints with its Create Group JSON", async () => {
      const [ana, ben, cam] = [
        await restSignUp(runtime, api.http),
        await restSignUp(runtime, api.http),
        await restSignUp(runtime, api.http),
      ];
      const [benId, camId] = [ben.user.id, cam.user.id];
      const created = await rest(api.http, "POST", "/api/groups", {
        token: ana.token,
        body: { name: "Family Group", description: "Family chat", member_ids: [benId] },
      });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({
        id: expect.any(Number) as number,
        name: "Family Group",
        description: "Family chat",
        created_by: ana.user.id,
        created_at: expect.any(String) as string,
        members: [
          { user_id: ana.user.id, role: "admin" },
          { user_id: benId, role: "member" },
        ],
      });
      const groupId = created.body.id as number;

      const added = await rest(api.http, "POST", `/api/groups/${groupId}/members`, {
        token: ana.token,
        body: { user_id: camId },
      });
      expect(added.body).toMatchObject({ member_count: 3 });
      const sent = await rest(api.http, "POST", "/api/messages/group", {
        token: ben.token,
        body: { group_id: groupId, content: "Hi all", client_msg_id: crypto.randomUUID() },
      });
      expect(sent.body).toMatchObject({
        group_id: groupId,
        sender_id: benId,
        content: "Hi all",
        status: "sent",
        seq: 3,
      });
      const history = await rest(api.http, "GET", `/api/messages/group/${groupId}?limit=10`, { token: cam.token });
      expect((history.body.messages as Json[]).map((message) => message.message_type)).toEqual(["text", "system"]);
      expect((await rest(api.http, "GET", "/api/groups", { token: cam.token })).body).toMatchObject({
        groups: [{ id: groupId, is_member: true }],
      });
      expect((await rest(api.http, "GET", `/api/groups/${groupId}`, { token: cam.token })).body).toMatchObject({
        my_role: "member",
      });
      const renamed = await rest(api.http, "PUT", `/api/groups/${groupId}`, {
        token: ana.token,
        body: { name: "Family" },
      });
      expect(renamed.body).toMatchObject({ name: "Family" });
      expect(
        (await rest(api.http, "PUT", `/api/groups/${groupId}`, { token: cam.token, body: { name: "Mine" } })).status,
      ).toBe(403);
      expect(
        (await rest(api.http, "POST", `/api/groups/${groupId}/read`, { token: cam.token, body: {} })).body,
      ).toMatchObject({ unread_count: 0 });
      const info = await rest(api.http, "GET", `/api/messages/${sent.body.id as number}/info`, { token: ben.token });
      expect((info.body.recipients as Json[]).map((recipient) => recipient.user_id).sort()).toEqual(
        [ana.user.id, camId].sort(),
      );
      expect(
        (await rest(api.http, "DELETE", `/api/groups/${groupId}/members/${camId}`, { token: ana.token })).body,
      ).toEqual({
        message: "Removed from the group",
      });
      expect((await rest(api.http, "GET", `/api/groups/${groupId}`, { token: cam.token })).body).toMatchObject({
        is_member: false,
      });
      expect((await rest(api.http, "DELETE", `/api/groups/${groupId}`, { token: ana.token })).body).toEqual({
        message: "Group deleted",
      });
      expect((await rest(api.http, "GET", `/api/groups/${groupId}`, { token: ben.token })).status).toBe(404);
    });

    it("answers bad group input with 4xx, never 500", async () => {
      const ana = await restSignUp(runtime, api.http);
      const tooMany = Array.from({ length: 256 }, (_, index) => index + 1);
      const cases: [string, string, unknown, number][] = [
        ["POST", "/api/groups", { name: "  " }, 400],
        ["POST", "/api/groups", { name: "x".repeat(101) }, 400],
        ["POST", "/api/groups", { name: "Dupes", member_ids: [2, 2] }, 400],
        ["POST", "/api/groups", { name: "Huge", member_ids: tooMany }, 400],
        ["POST", "/api/groups", { name: "Ghosts", member_ids: [2_000_000_000] }, 404],
        ["GET", "/api/groups/999999", undefined, 404],
        ["GET", "/api/groups/abc", undefined, 400],
        ["PUT", "/api/groups/999999", {}, 400],
        ["POST", "/api/groups/999999/members", {}, 400],
        ["POST", "/api/groups/999999/members", { user_id: 1 }, 404],
        ["DELETE", "/api/groups/999999/members/1", undefined, 404],
        ["POST", "/api/messages/group", { group_id: 999999, content: "x", client_msg_id: crypto.randomUUID() }, 404],
        [
          "POST",
          "/api/messages/group",
          { group_id: 1, content: "x".repeat(4097), client_msg_id: crypto.randomUUID() },
          400,
        ],
        ["GET", "/api/messages/group/999999", undefined, 404],
        ["GET", "/api/messages/999999/info", undefined, 404],
      ];
      for (const [method, path, body, status] of cases) {
        const response = await rest(api.http, method, path, { token: ana.token, body });
        expect({ path, body, status: response.status }).toEqual({ path, body, status });
        expect(response.body.message).toEqual(expect.any(String));
      }
    });
    it("sends a photo over REST: ticket, PUT to the signed URL, message, signed download", async () => {
      const ana = await restSignUp(runtime, api.http);
      const ben = await restSignUp(runtime, api.http);
      const photo = await sharp({ create: { width: 120, height: 80, channels: 3, background: "#abcdef" } })
        .png()
        .toBuffer();
      const ticket = await rest(api.http, "POST", "/api/media/uploads", {
        token: ana.token,
        body: { kind: "image", mime_type: "image/png", size: photo.length, file_name: "tiny.png" },
      });
      expect(ticket.status).toBe(200);
      const upload = ticket.body.upload as { url: string; headers: Record<string, string> };
      const put = await fetch(new URL(upload.url, api.http), { method: "PUT", headers: upload.headers, body: photo });
      expect(put.status).toBe(200);
      const sent = await rest(api.http, "POST", "/api/messages/chat", {
        token: ana.token,
        body: {
          receiver_id: ben.user.id,
          message_type: "image",
          media_id: ticket.body.media_id,
          client_msg_id: crypto.randomUUID(),
        },
      });
      expect(sent.status).toBe(200);
      expect(sent.body.media).toMatchObject({
        id: ticket.body.media_id,
        width: 120,
        height: 80,
        mime_type: "image/png",
      });
      const link = await rest(api.http, "GET", `/api/media/${ticket.body.media_id as string}?variant=original`, {
        token: ben.token,
      });
      expect(link.status).toBe(200);
      const fetched = await fetch(new URL(link.body.url as string, api.http));
      expect(await sharp(Buffer.from(await fetched.arrayBuffer())).metadata()).toMatchObject({
        format: "png",
        width: 120,
        height: 80,
      });
    });

    it("answers bad media input with 4xx and a message, never 500", async () => {
      const ana = await restSignUp(runtime, api.http);
      const ticket = await rest(api.http, "POST", "/api/media/uploads", {
        token: ana.token,
        body: { kind: "image", mime_type: "image/png", size: 10 },
      });
      const unknown = crypto.randomUUID();
      const cases: [string, string, unknown, number][] = [
        ["POST", "/api/media/uploads", { kind: "image", mime_type: "image/png", size: 0 }, 400],
        ["POST", "/api/media/uploads", { kind: "image", mime_type: "image/png", size: -5 }, 400],
        ["POST", "/api/media/uploads", { kind: "sticker", mime_type: "image/png", size: 10 }, 400],
        ["POST", "/api/media/uploads", { kind: "image", mime_type: "not a type", size: 10 }, 400],
        ["POST", "/api/media/uploads", { kind: "image", mime_type: "application/x-sh", size: 10 }, 400],
        ["POST", "/api/media/uploads", { kind: "video", mime_type: "video/mp4", size: 17 * 1024 * 1024 }, 413],
        ["POST", `/api/media/${unknown}/complete`, undefined, 404],
        ["POST", "/api/media/not-a-uuid/complete", undefined, 400],
        ["POST", `/api/media/${ticket.body.media_id as string}/complete`, undefined, 400],
        ["GET", `/api/media/${unknown}`, undefined, 404],
        ["GET", `/api/media/${ticket.body.media_id as string}?variant=poster`, undefined, 400],
        [
          "POST",
          "/api/messages/chat",
          { receiver_id: 1, message_type: "image", client_msg_id: crypto.randomUUID() },
          400,
        ],
        [
          "POST",
          "/api/messages/chat",
          { receiver_id: 1, message_type: "image", media_id: unknown, client_msg_id: crypto.randomUUID() },
          404,
        ],
        [
          "POST",
          "/api/messages/chat",
          {
            receiver_id: 1,
            message_type: "location",
            location: { latitude: 0, longitude: 181 },
            client_msg_id: crypto.randomUUID(),
          },
          400,
        ],
        [
          "POST",
          "/api/messages/chat",
          { receiver_id: 1, content: "hi", media_id: unknown, client_msg_id: crypto.randomUUID() },
          400,
        ],
      ];
      for (const [method, path, body, status] of cases) {
        const response = await rest(api.http, method, path, { token: ana.token, body });
        expect({ path, body, status: response.status }).toEqual({ path, body, status });
        expect(response.body.message).toEqual(expect.any(String));
      }
      // A forged or expired local media link: 403 with a JSON message.
      const forged = await fetch(new URL("/api/media/blob/eyJrZXkiOiJ4In0.AAAA", api.http));
      expect(forged.status).toBe(403);
      expect(((await forged.json()) as Json).message).toMatch(/expired or is not valid/);
    });
    it("contacts, privacy and message actions at the spec's paths", async () => {
      const ana = await restSignUp(runtime, api.http);
      const ben = await restSignUp(runtime, api.http);
      const encoded = encodeURIComponent(ben.phone_number);
      const added = await rest(api.http, "POST", "/api/contacts", {
        token: ana.token,
        body: { phone_number: ben.phone_number, name: "Ben" },
      });
      expect(added.status).toBe(200);
      expect(added.body).toMatchObject({ name: "Ben", user: { id: ben.user.id } });
      expect((await rest(api.http, "GET", "/api/contacts", { token: ana.token })).body.contacts).toHaveLength(1);
      expect(
        (await rest(api.http, "PUT", `/api/contacts/${encoded}`, { token: ana.token, body: { name: "Benjamin" } })).body
          .name,
      ).toBe("Benjamin");
      const imported = await rest(api.http, "POST", "/api/contacts/import", {
        token: ana.token,
        body: {
          contacts: [
            { phone_number: ben.phone_number, name: "Ben L." },
            { phone_number: "nope", name: "x" },
          ],
        },
      });
      expect(imported.body).toMatchObject({ imported: 1, invalid: ["nope"] });
      expect((await rest(api.http, "DELETE", `/api/contacts/${encoded}`, { token: ana.token })).body).toEqual({
        message: "Contact removed",
      });
      const privacy = await rest(api.http, "PUT", "/api/users/me/privacy", {
        token: ana.token,
        body: { last_seen: "nobody", read_receipts: false },
      });
      expect(privacy.body.privacy).toEqual({
        last_seen: "nobody",
        profile_picture: "everyone",
        about: "everyone",
        read_receipts: false,
      });

      const sent = await rest(api.http, "POST", "/api/messages/chat", {
        token: ana.token,
        body: { receiver_id: ben.user.id, content: "Lunch at noon?", client_msg_id: crypto.randomUUID() },
      });
      const id = sent.body.id as number;
      expect(
        (await rest(api.http, "PUT", `/api/messages/${id}`, { token: ana.token, body: { content: "Lunch at 1?" } }))
          .body,
      ).toMatchObject({
        content: "Lunch at 1?",
      });
      expect(
        (await rest(api.http, "PUT", `/api/messages/${id}/reaction`, { token: ben.token, body: { emoji: "👍" } })).body
          .reactions,
      ).toEqual([{ emoji: "👍", count: 1, user_ids: [ben.user.id] }]);
      expect(
        (await rest(api.http, "PUT", `/api/messages/${id}/star`, { token: ben.token, body: { starred: true } })).body
          .starred,
      ).toBe(true);
      expect(
        ((await rest(api.http, "GET", "/api/messages/starred", { token: ben.token })).body.messages as Json[])[0],
      ).toMatchObject({
        message: { id, content: "Lunch at 1?" },
      });
      const found = await rest(api.http, "GET", "/api/messages/search?q=lunch", { token: ben.token });
      expect((found.body.messages as Json[]).map((item) => (item.message as Json).id)).toEqual([id]);
      const forwarded = await rest(api.http, "POST", "/api/messages/forward", {
        token: ben.token,
        body: { message_ids: [id], user_ids: [ana.user.id], client_batch_id: crypto.randomUUID() },
      });
      expect(forwarded.body.direct).toMatchObject([{ content: "Lunch at 1?", is_forwarded: true }]);
    });

    it("answers bad contact and message-action input with 4xx and a message, never 500", async () => {
      const ana = await restSignUp(runtime, api.http);
      const uuid = crypto.randomUUID();
      const cases: [string, string, unknown, number][] = [
        ["POST", "/api/contacts", { phone_number: "123", name: "x" }, 400],
        ["POST", "/api/contacts", { phone_number: "+14155550123", name: "  " }, 400],
        ["PUT", `/api/contacts/${encodeURIComponent("+14155550123")}`, { name: "x" }, 404],
        ["DELETE", "/api/contacts/not-a-number", undefined, 400],
        ["POST", "/api/contacts/import", { contacts: [] }, 400],
        ["PUT", "/api/users/me/privacy", {}, 400],
        ["PUT", "/api/users/me/privacy", { last_seen: "friends" }, 400],
        ["PUT", "/api/messages/999999", { content: "x" }, 404],
        ["PUT", "/api/messages/1", { content: "" }, 400],
        ["PUT", "/api/messages/999999/reaction", { emoji: "👍" }, 404],
        ["PUT", "/api/messages/1/reaction", { emoji: "not an emoji" }, 400],
        ["PUT", "/api/messages/999999/star", { starred: true }, 404],
        ["GET", "/api/messages/starred?cursor=zzz", undefined, 400],
        ["GET", "/api/messages/search?q=", undefined, 400],
        ["POST", "/api/messages/forward", { message_ids: [], user_ids: [1], client_batch_id: uuid }, 400],
        ["POST", "/api/messages/forward", { message_ids: [1], client_batch_id: uuid }, 400],
        ["POST", "/api/messages/forward", { message_ids: [999999], user_ids: [1], client_batch_id: uuid }, 404],
      ];
      for (const [method, path, body, status] of cases) {
        const response = await rest(api.http, method, path, { token: ana.token, body });
        expect({ path, body, status: response.status }).toEqual({ path, body, status });
        expect(response.body.message).toEqual(expect.any(String));
      }
    });
  });

  describe("tRPC over HTTP", () => {
    it("runs the auth flow with typed results and error codes", async () => {
      let token: string | null = null;
      const client = createTRPCClient<AppRouter>({
        links: [
          httpBatchLink({
            url: `${api.http}/api/trpc`,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
          }),
        ],
      });
      const phone_number = randomPhoneNumber();
      await client.auth.register.mutate({ phone_number, full_name: "Typed" });
      const signedUp = await client.auth.verifyOtp.mutate({
        phone_number,
        otp: runtime.sms.lastCodeFor(phone_number),
        password: "password123",
      });
      token = signedUp.token;
      expect((await client.user.me.query()).id).toBe(signedUp.user.id);

      const error = await client.auth.register.mutate({ phone_number, full_name: "Again" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("CONFLICT");

      const invalid = (await client.auth.login
        .mutate({ phone_number: "+1", password: "x" })
        .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
      expect(invalid.data?.code).toBe("BAD_REQUEST");
      expect(invalid.message).toMatch(/^phone_number: Enter a valid phone number/);
      expect(invalid.data?.zodError?.fieldErrors.phone_number).toBeDefined();

      await client.auth.logout.mutate();
      const afterLogout = (await client.user.me.query().catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
      expect(afterLogout.data?.code).toBe("UNAUTHORIZED");
    });
  });

  describe("tRPC over WebSocket", () => {
    it("answers every router over one socket, authenticated by connectionParams", async () => {
      const { token, user } = await restSignUp(runtime, api.http);
      const client = wsClient(api.ws, token);
      try {
        expect((await client.trpc.user.me.query()).id).toBe(user.id);
        const updated = await client.trpc.user.updateMe.mutate({ status_message: "over ws" });
        expect(updated.status_message).toBe("over ws");
        // Logging out ends the session for the socket that is still open.
        await client.trpc.auth.logout.mutate();
        const error = (await client.trpc.user.me.query().catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
        expect(error.data?.code).toBe("UNAUTHORIZED");
      } finally {
        await client.close();
      }
    });

    it("serves public procedures without a token and refuses protected ones", async () => {
      const client = wsClient(api.ws, null);
      try {
        const phone_number = randomPhoneNumber();
        expect(await client.trpc.auth.register.mutate({ phone_number, full_name: "Anon" })).toMatchObject({
          otp_expires_in: 300,
        });
        const error = (await client.trpc.user.me.query().catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
        expect(error.data?.code).toBe("UNAUTHORIZED");
      } finally {
        await client.close();
      }
    });

    it("refuses a revoked or forged token at connect and closes the socket", async () => {
      const { token } = await restSignUp(runtime, api.http);
      await rest(api.http, "POST", "/api/auth/logout", { token, body: {} });
      for (const candidate of [token, "forged.token.value"]) {
        const socket = new WebSocket(`${api.ws}?connectionParams=1`);
        const frames: Json[] = [];
        socket.on("message", (data) => frames.push(JSON.parse(frameText(data)) as Json));
        await new Promise((resolve) => socket.once("open", resolve));
        socket.send(JSON.stringify({ method: "connectionParams", data: { token: candidate } }));
        socket.send(JSON.stringify({ id: 1, method: "query", params: { path: "user.me", input: undefined } }));
        const code = await new Promise<number>((resolve) => socket.once("close", resolve));
        expect(code).toBe(1005);
        expect(frames[0]).toMatchObject({ id: null, error: { data: { code: "UNAUTHORIZED", httpStatus: 401 } } });
        expect(frames.some((frame) => frame.id === 1 && "result" in frame)).toBe(false);
      }
    });

    it("delivers live events through this shape's bus: a message sent over REST arrives on the subscription", async () => {
      const ana = await restSignUp(runtime, api.http);
      const ben = await restSignUp(runtime, api.http);
      const client = wsClient(api.ws, ben.token);
      const received: unknown[] = [];
      const subscription = client.trpc.event.onEvent.subscribe(undefined, { onData: (value) => received.push(value) });
      try {
        await new Promise((r) => setTimeout(r, 200));
        const sent = await rest(api.http, "POST", "/api/messages/chat", {
          token: ana.token,
          body: { receiver_id: ben.user.id, content: "over the bus", client_msg_id: crypto.randomUUID() },
        });
        const deadline = Date.now() + 5_000;
        while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        // Every stream opens with the heads of the user's groups (none here).
        expect(received[0]).toEqual({ type: "group_heads", groups: [] });
        expect(received[1]).toMatchObject({
          id: "1",
          data: { type: "new_message", message: { id: sent.body.id, content: "over the bus" } },
        });
      } finally {
        subscription.unsubscribe();
        await client.close();
      }
    });

    it("closes a socket that sends more than the maximum payload", async () => {
      const socket = new WebSocket(api.ws);
      await new Promise((resolve) => socket.once("open", resolve));
      socket.send("x".repeat(2 * 1024 * 1024));
      const code = await new Promise<number>((resolve) => socket.once("close", resolve));
      expect(code).toBe(1009);
    });
  });
});
