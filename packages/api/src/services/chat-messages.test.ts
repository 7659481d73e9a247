import { randomUUID } from "node:crypto";

import { and, asc, eq, gt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schema } from "@parley/db";
import { userTopic } from "@parley/realtime";
import type { DurableEvent } from "@parley/validators";

import { createTestRuntime, eventsOf, makeUser, type TestRuntime, type TestShape, trpcError } from "../test";
import { blockUser, unblockUser } from "./blocks";
import { listChats } from "./chat-list";
import * as messages from "./chat-messages";
import { getChat } from "./chats";
import { ackDelivered } from "./delivery-acks";
import { type BusPayload, currentEventSeq } from "./events";
import * as actions from "./message-actions";
import { getUserProfile, sweepPresence } from "./presence";

const text = (receiver_id: number, content: string) => ({
  receiver_id,
  content,
  message_type: "text" as const,
  client_msg_id: randomUUID(),
});

/**
 * A user's events after `afterSeq` twice over: as the log stores them (what a reconnecting device
 * replays) and as the inbox got them from the send path (what a live device saw).
 */
async function loggedAndDelivered(runtime: TestRuntime, userId: number, afterSeq: number) {
  const logged = await runtime.db
    .select({ seq: schema.userEvents.seq, type: schema.userEvents.type, event: schema.userEvents.payload })
    .from(schema.userEvents)
    .where(and(eq(schema.userEvents.userId, userId), gt(schema.userEvents.seq, afterSeq)))
    .orderBy(asc(schema.userEvents.seq));
  const delivered = (await runtime.inbox.readAfter(userId, afterSeq, 1_000)).map(({ seq, payload }) => {
    const { event } = JSON.parse(payload) as { event: DurableEvent };
    return { seq, type: event.type, event };
  });
  return { logged, delivered };
}

describe.each<TestShape>(["scaled", "embedded"])("1:1 messaging on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let ana: number;
  let ben: number;
  let eve: number;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    [ana, ben, eve] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben"), await makeUser(runtime, "Eve")];
  });
  afterAll(() => runtime.close());

  it("creates the chat on the first message and answers with the committed message", async () => {
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "Hello!"));
    expect(sent).toMatchObject({
      sender_id: ana,
      receiver_id: ben,
      content: "Hello!",
      message_type: "text",
      status: "sent",
      seq: 1,
    });
    const chat = await getChat(runtime, ben, sent.chat_id);
    expect(chat).toMatchObject({ unread_count: 1, last_seq: 1, peer: { id: ana, full_name: "Ana" } });
    expect(chat.last_message?.id).toBe(sent.id);
    // Both of Ben's and Ana's streams got it (Ana's other devices).
    expect((await eventsOf(runtime, ben)).map((e) => e.event)).toContainEqual({ type: "new_message", message: sent });
    expect((await eventsOf(runtime, ana)).map((e) => e.event)).toContainEqual({ type: "new_message", message: sent });
  });

  it("hands messages for a recipient with no live connection to the notifier, and only those", async () => {
    const online = await makeUser(runtime, "Online");
    const offline = await makeUser(runtime, "Offline");
    await runtime.presence.connect(online, "device-1", 60);
    await messages.sendChatMessage(runtime, ana, text(online, "you're here"));
    await messages.sendChatMessage(runtime, ana, text(offline, "wake up"));
    expect(runtime.notifier.notified.filter((n) => n.userId === online || n.userId === offline)).toEqual([
      { userId: offline, type: "new_message" },
    ]);
    await runtime.presence.disconnect(online, "device-1");
  });

  it("marks a user offline when their connections die without a goodbye, and tells their chat peers", async () => {
    const crashed = await makeUser(runtime, "Crashed");
    const peer = await makeUser(runtime, "Peer");
    await messages.sendChatMessage(runtime, crashed, text(peer, "hi"));
    const heard: string[] = [];
    const unsubscribe = runtime.bus.subscribe(userTopic(peer), (payload) => heard.push(payload));
    await new Promise((r) => setTimeout(r, 50));
    await runtime.presence.connect(crashed, "instance-that-dies", 1);
    await new Promise((r) => setTimeout(r, 1_100));
    await sweepPresence(runtime);
    await new Promise((r) => setTimeout(r, 50));
    unsubscribe();
    const offline = heard
      .map((p) => (JSON.parse(p) as BusPayload).event)
      .find((e) => e.type === "presence_update" && e.user_id === crashed);
    expect(offline).toMatchObject({ is_online: false, last_seen: expect.any(String) as string });
    expect(await getUserProfile(runtime, peer, crashed)).toMatchObject({
      is_online: false,
      last_seen: expect.any(String) as string,
    });
  });

  it("returns the first message for a retried client_msg_id, and refuses reuse for another message", async () => {
    const input = text(ben, "only once");
    const [first, second] = await Promise.all([
      messages.sendChatMessage(runtime, ana, input),
      messages.sendChatMessage(runtime, ana, input),
    ]);
    const third = await messages.sendChatMessage(runtime, ana, input);
    expect(second.id).toBe(first.id);
    expect(third.id).toBe(first.id);
    const page = await messages.listMessages(runtime, ana, { chat_id: first.chat_id, limit: 200 });
    expect(page.messages.filter((m) => m.client_msg_id === input.client_msg_id)).toHaveLength(1);
    expect((await trpcError(messages.sendChatMessage(runtime, ana, { ...input, content: "different" }))).code).toBe(
      "CONFLICT",
    );
  });

  it("numbers concurrent sends from both sides 1, 2, 3… with no gaps or repeats", async () => {
    const a = await makeUser(runtime, "A");
    const b = await makeUser(runtime, "B");
    const sends = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? messages.sendChatMessage(runtime, a, text(b, `a${i}`))
        : messages.sendChatMessage(runtime, b, text(a, `b${i}`)),
    );
    const sent = await Promise.all(sends);
    expect(sent.map((m) => m.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const history = await messages.listMessages(runtime, a, {
      chat_id: sent[0]?.chat_id ?? 0,
      limit: 200,
      after_seq: 0,
    });
    expect(history.messages.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // Each user's event stream is gap-free too.
    const events = await eventsOf(runtime, b);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(await currentEventSeq(runtime, b)).toBe(events.length);
  });

  it("pages history newest first by seq, and forward from a seq for gap filling", async () => {
    const a = await makeUser(runtime, "Pager");
    for (let i = 1; i <= 7; i++) await messages.sendChatMessage(runtime, a, text(ben, `m${i}`));
    const chatId = (await listChats(runtime, a, { limit: 1 })).chats[0]?.id ?? 0;
    const first = await messages.listMessages(runtime, a, { chat_id: chatId, limit: 3 });
    expect(first.messages.map((m) => m.content)).toEqual(["m7", "m6", "m5"]);
    const second = await messages.listMessages(runtime, a, {
      chat_id: chatId,
      limit: 3,
      before_seq: first.next_cursor ?? 0,
    });
    expect(second.messages.map((m) => m.content)).toEqual(["m4", "m3", "m2"]);
    const forward = await messages.listMessages(runtime, a, { chat_id: chatId, limit: 50, after_seq: 5 });
    expect(forward.messages.map((m) => m.content)).toEqual(["m6", "m7"]);
    expect(forward.next_cursor).toBeNull();
  });

  it("moves receipts forward only, for the recipient only, and tells the sender", async () => {
    const sent = await messages.sendChatMessage(runtime, eve, text(ana, "tick tick"));
    const before = await currentEventSeq(runtime, eve);
    expect(
      (await trpcError(actions.updateMessageStatus(runtime, eve, { message_id: sent.id, status: "read" }))).code,
    ).toBe("FORBIDDEN");
    expect(
      (await trpcError(actions.updateMessageStatus(runtime, ben, { message_id: sent.id, status: "read" }))).code,
    ).toBe("NOT_FOUND");

    expect(await ackDelivered(runtime, ana, { message_ids: [sent.id], groups: [] })).toEqual({ updated: 1 });
    expect(await ackDelivered(runtime, ana, { message_ids: [sent.id], groups: [] })).toEqual({ updated: 0 });
    const read = await messages.markChatRead(runtime, ana, { chat_id: sent.chat_id });
    expect(read).toEqual({ chat_id: sent.chat_id, up_to_seq: sent.seq, unread_count: 0 });
    // Delivered after read is not a step back.
    expect(await actions.updateMessageStatus(runtime, ana, { message_id: sent.id, status: "delivered" })).toEqual({
      message: "Status updated",
      status: "read",
    });

    const told = (await eventsOf(runtime, eve, before)).map((e) => e.event);
    expect(told).toEqual([
      expect.objectContaining({
        type: "message_status_update",
        status: "delivered",
        message_ids: [sent.id],
        user_id: ana,
      }),
      expect.objectContaining({
        type: "message_status_update",
        status: "read",
        up_to_seq: sent.seq,
        message_ids: [sent.id],
      }),
    ]);
    expect((await getChat(runtime, eve, sent.chat_id)).last_message?.status).toBe("read");
  });

  it("logs a message and its delivery receipt exactly as live devices got them", async () => {
    const [anaSeq, benSeq] = [await currentEventSeq(runtime, ana), await currentEventSeq(runtime, ben)];
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "one shape"));
    await ackDelivered(runtime, ben, { message_ids: [sent.id], groups: [] });
    const toAna = await loggedAndDelivered(runtime, ana, anaSeq);
    expect(toAna.delivered.map((entry) => entry.type)).toEqual(["new_message", "message_status_update"]);
    expect(toAna.logged).toEqual(toAna.delivered);
    const toBen = await loggedAndDelivered(runtime, ben, benSeq);
    expect(toBen.delivered.map((entry) => entry.event)).toEqual([{ type: "new_message", message: sent }]);
    expect(toBen.logged).toEqual(toBen.delivered);
  });

  it("keeps an unread count per member", async () => {
    const a = await makeUser(runtime, "Counter");
    const b = await makeUser(runtime, "Reader");
    for (let i = 0; i < 3; i++) await messages.sendChatMessage(runtime, a, text(b, `u${i}`));
    const reply = await messages.sendChatMessage(runtime, b, text(a, "reply"));
    expect((await getChat(runtime, b, reply.chat_id)).unread_count).toBe(3);
    expect((await getChat(runtime, a, reply.chat_id)).unread_count).toBe(1);
    await messages.markChatRead(runtime, b, { chat_id: reply.chat_id });
    expect((await getChat(runtime, b, reply.chat_id)).unread_count).toBe(0);
  });

  it("refuses sends across a block in either direction, and allows them after unblocking", async () => {
    const a = await makeUser(runtime, "Blocker");
    const b = await makeUser(runtime, "Blocked");
    await blockUser(runtime, a, b);
    const fromBlocker = await trpcError(messages.sendChatMessage(runtime, a, text(b, "x")));
    const fromBlocked = await trpcError(messages.sendChatMessage(runtime, b, text(a, "x")));
    expect([fromBlocker.code, fromBlocker.message]).toEqual([
      "FORBIDDEN",
      "You blocked this contact. Unblock them to send a message.",
    ]);
    expect([fromBlocked.code, fromBlocked.message]).toEqual(["FORBIDDEN", "You can't send messages to this person."]);
    await unblockUser(runtime, a, b);
    await messages.sendChatMessage(runtime, b, text(a, "hi again"));
  });

  it("answers NOT_FOUND for someone else's chat and message", async () => {
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "private"));
    expect((await trpcError(messages.listMessages(runtime, eve, { chat_id: sent.chat_id, limit: 10 }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await trpcError(getChat(runtime, eve, sent.chat_id))).code).toBe("NOT_FOUND");
    expect((await trpcError(messages.markChatRead(runtime, eve, { chat_id: sent.chat_id }))).code).toBe("NOT_FOUND");
    expect(
      (await trpcError(actions.deleteMessage(runtime, eve, { message_id: sent.id, for_everyone: false }))).code,
    ).toBe("NOT_FOUND");
    expect(
      (await trpcError(messages.sendChatMessage(runtime, ana, { ...text(ben, "x"), reply_to_message_id: 999_999 })))
        .code,
    ).toBe("BAD_REQUEST");
    expect((await trpcError(messages.sendChatMessage(runtime, ana, text(ana, "me")))).code).toBe("BAD_REQUEST");
    expect((await trpcError(messages.sendChatMessage(runtime, ana, text(987_654, "nobody")))).code).toBe("NOT_FOUND");
  });

  it("quotes the replied message, and says when it was deleted", async () => {
    const original = await messages.sendChatMessage(runtime, ben, text(ana, "quote me"));
    const reply = await messages.sendChatMessage(runtime, ana, {
      ...text(ben, "quoted"),
      reply_to_message_id: original.id,
    });
    expect(reply.reply_to).toEqual({
      id: original.id,
      sender_id: ben,
      content: "quote me",
      message_type: "text",
      is_deleted: false,
      media: null,
      location_name: null,
    });
    await actions.deleteMessage(runtime, ben, { message_id: original.id, for_everyone: true });
    const [reloaded] = (await messages.listMessages(runtime, ana, { chat_id: reply.chat_id, limit: 1 })).messages;
    expect(reloaded?.reply_to).toMatchObject({ content: null, is_deleted: true });
  });

  it("deletes for me (only my view) and for everyone (sender, within the window)", async () => {
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "oops"));
    expect(
      (await trpcError(actions.deleteMessage(runtime, ben, { message_id: sent.id, for_everyone: true }))).code,
    ).toBe("FORBIDDEN");

    await actions.deleteMessage(runtime, ben, { message_id: sent.id, for_everyone: false });
    const benView = await messages.listMessages(runtime, ben, { chat_id: sent.chat_id, limit: 200 });
    expect(benView.messages.some((m) => m.id === sent.id)).toBe(false);
    // Nor does the chat list preview it to Ben; Ana still sees it as the last message.
    expect((await getChat(runtime, ben, sent.chat_id)).last_message?.id).not.toBe(sent.id);
    expect((await getChat(runtime, ana, sent.chat_id)).last_message?.id).toBe(sent.id);
    const anaView = await messages.listMessages(runtime, ana, { chat_id: sent.chat_id, limit: 200 });
    expect(anaView.messages.find((m) => m.id === sent.id)?.content).toBe("oops");

    const before = await currentEventSeq(runtime, ana);
    expect(await actions.deleteMessage(runtime, ana, { message_id: sent.id, for_everyone: true })).toEqual({
      message: "Deleted for everyone",
    });
    const gone = (await messages.listMessages(runtime, ana, { chat_id: sent.chat_id, limit: 200 })).messages.find(
      (m) => m.id === sent.id,
    );
    expect(gone).toMatchObject({ content: null, is_deleted: true });
    expect((await eventsOf(runtime, ana, before)).map((e) => e.event)).toEqual([
      { type: "message_deleted", chat_id: sent.chat_id, message_id: sent.id, for_everyone: true },
    ]);

    const old = await messages.sendChatMessage(runtime, ana, text(ben, "too old"));
    const strict = {
      ...runtime,
      config: { ...runtime.config, messaging: { ...runtime.config.messaging, deleteForEveryoneWindowSeconds: 0 } },
    };
    await new Promise((r) => setTimeout(r, 5));
    const late = await trpcError(actions.deleteMessage(strict, ana, { message_id: old.id, for_everyone: true }));
    expect([late.code, late.message]).toEqual(["BAD_REQUEST", expect.stringMatching(/within 0 hours/)]);
  });

  it("lists chats by most recent message with cursor paging", async () => {
    const me = await makeUser(runtime, "Lister");
    const peers = [await makeUser(runtime, "P1"), await makeUser(runtime, "P2"), await makeUser(runtime, "P3")];
    for (const peer of peers) await messages.sendChatMessage(runtime, me, text(peer, `to ${peer}`));
    await messages.sendChatMessage(runtime, peers[0] ?? 0, text(me, "bump"));
    const first = await listChats(runtime, me, { limit: 2 });
    const peerIds = (page: typeof first) => page.chats.map((c) => (c.type === "direct" ? c.peer.id : null));
    expect(peerIds(first)).toEqual([peers[0], peers[2]]);
    expect(first.chats[0]?.last_message?.content).toBe("bump");
    const second = await listChats(runtime, me, { limit: 2, cursor: first.next_cursor ?? undefined });
    expect(peerIds(second)).toEqual([peers[1]]);
    expect(second.next_cursor).toBeNull();
  });
});
