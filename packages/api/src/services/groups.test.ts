import { randomUUID } from "node:crypto";

import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { and, asc, eq, gt } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schema } from "@parley/db";
import { groupTopic } from "@parley/realtime";
import type { DurableEvent } from "@parley/validators";

import type { AppRouter } from "../root";
import {
  createTestRuntime,
  eventsOf,
  makeUser,
  randomPhoneNumber,
  type TestRuntime,
  type TestShape,
  trpcError,
} from "../test";
import { type Json, rest, restSignUp, startApi } from "../test/api-server";
import { blockUser } from "./blocks";
import { listChats } from "./chat-list";
import * as messages from "./chat-messages";
import { ackDelivered } from "./delivery-acks";
import { currentEventSeq } from "./events";
import * as groupMessages from "./group-messages";
import * as groups from "./groups";
import * as actions from "./message-actions";
import * as search from "./message-search";

const say = (group_id: number, content: string) => ({
  group_id,
  content,
  message_type: "text" as const,
  client_msg_id: randomUUID(),
});

/** Users straight into the table: enough to fill a 256-member group without 256 argon2 hashes. */
async function insertUsers(runtime: TestRuntime, count: number): Promise<number[]> {
  // Consecutive numbers from a random start: distinct within the batch, unlikely to meet other tests'.
  const start = Number(randomPhoneNumber().slice(1)) - 1_000;
  const rows = await runtime.db
    .insert(schema.users)
    .values(
      Array.from({ length: count }, (_, index) => ({
        phoneNumber: `+${start + index}`,
        passwordHash: "x",
        fullName: `Filler ${index}`,
      })),
    )
    .returning({ id: schema.users.id });
  return rows.map((row) => row.id);
}

/** `userId` looked each of `others` up by number: the tie that lets them add them to a group. */
async function lookUp(runtime: TestRuntime, userId: number, others: number[]) {
  await runtime.db.insert(schema.userLookups).values(others.map((foundUserId) => ({ userId, foundUserId })));
}

async function eventTypesSince(runtime: TestRuntime, userId: number, afterSeq: number) {
  return (await eventsOf(runtime, userId, afterSeq)).map((stored) => stored.event);
}

async function until(check: () => boolean) {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

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

const ofType = <T extends DurableEvent["type"]>(events: DurableEvent[], type: T) =>
  events.filter((event): event is Extract<DurableEvent, { type: T }> => event.type === type);

describe.each<TestShape>(["scaled", "embedded"])("groups on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let ana: number;
  let ben: number;
  let cam: number;
  let dan: number;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    [ana, ben, cam, dan] = [
      await makeUser(runtime, "Ana"),
      await makeUser(runtime, "Ben"),
      await makeUser(runtime, "Cam"),
      await makeUser(runtime, "Dan"),
    ];
  });
  afterAll(() => runtime.close());

  it("creates a group with the creator as admin, and every member hears of it", async () => {
    const group = await groups.createGroup(runtime, ana, {
      name: "Family Group",
      description: "Family chat",
      member_ids: [ben, cam],
    });
    expect(group).toMatchObject({
      name: "Family Group",
      description: "Family chat",
      created_by: ana,
      member_count: 3,
      my_role: "admin",
      is_member: true,
    });
    expect(group.members.map((member) => [member.user_id, member.role])).toEqual([
      [ana, "admin"],
      [ben, "member"],
      [cam, "member"],
    ]);
    const [created] = ofType(await eventTypesSince(runtime, ben, 0), "new_group_message").filter(
      (e) => e.message.group_id === group.id,
    );
    expect(created?.message).toMatchObject({
      seq: 1,
      message_type: "system",
      system: { action: "created", actor_id: ana, name: "Family Group" },
    });
    expect(created?.message.content).toBe('Ana created the group "Family Group"');
    // Chat list: Ben has one unread (the "created" message); Ana, who did it, none.
    const benChats = await listChats(runtime, ben, { limit: 10 });
    expect(benChats.chats.find((chat) => chat.type === "group" && chat.id === group.id)).toMatchObject({
      unread_count: 1,
      last_seq: 1,
    });
    const anaChats = await listChats(runtime, ana, { limit: 10 });
    expect(anaChats.chats.find((chat) => chat.type === "group" && chat.id === group.id)).toMatchObject({
      unread_count: 0,
    });
  });

  it("stores a message once and publishes it once on the group's topic; a retry returns the original", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Fan-out", member_ids: [ben, cam] });
    const published: string[] = [];
    const unsubscribe = runtime.bus.subscribe(groupTopic(group.id), (payload) => published.push(payload));
    await runtime.bus.ready();
    const before = await Promise.all([ana, ben, cam, dan].map((id) => currentEventSeq(runtime, id)));
    const first = await groupMessages.sendGroupMessage(runtime, ben, say(group.id, "one"));
    const input = say(group.id, "two");
    const second = await groupMessages.sendGroupMessage(runtime, cam, input);
    expect(await groupMessages.sendGroupMessage(runtime, cam, input)).toEqual(second);
    expect([first.seq, second.seq]).toEqual([2, 3]);
    await until(() => published.length === 2);
    unsubscribe();
    expect(published.map((payload) => JSON.parse(payload) as unknown)).toEqual([
      { seq: null, event: { type: "new_group_message", message: first } },
      { seq: null, event: { type: "new_group_message", message: second } },
    ]);
    // Not copied into anyone's own log: members read it by group seq.
    for (const [index, userId] of [ana, ben, cam, dan].entries()) {
      expect(ofType(await eventTypesSince(runtime, userId, before[index] ?? 0), "new_group_message")).toEqual([]);
    }
    for (const userId of [ana, ben, cam]) {
      const page = await groupMessages.listGroupMessages(runtime, userId, {
        group_id: group.id,
        after_seq: 1,
        limit: 10,
      });
      expect(page.messages.map((message) => message.content)).toEqual(["one", "two"]);
    }
    // Dan is not a member: the group does not exist for him.
    expect((await trpcError(groups.getGroup(runtime, dan, group.id))).code).toBe("NOT_FOUND");
    expect(
      (await trpcError(groupMessages.listGroupMessages(runtime, dan, { group_id: group.id, limit: 10 }))).code,
    ).toBe("NOT_FOUND");
    expect((await trpcError(groupMessages.sendGroupMessage(runtime, dan, say(group.id, "let me in")))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (await trpcError(actions.deleteMessage(runtime, dan, { message_id: first.id, for_everyone: false }))).code,
    ).toBe("NOT_FOUND");
    expect((await trpcError(actions.messageInfo(runtime, dan, first.id))).code).toBe("NOT_FOUND");
    // A client_msg_id reused for different content is refused.
    expect((await trpcError(groupMessages.sendGroupMessage(runtime, cam, { ...input, content: "other" }))).code).toBe(
      "CONFLICT",
    );
    const history = await groupMessages.listGroupMessages(runtime, ana, { group_id: group.id, limit: 10 });
    expect(history.messages.map((message) => message.seq)).toEqual([3, 2, 1]);
  });

  it("logs a group receipt exactly as the sender's live devices got it", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "One shape", member_ids: [ben] });
    const anaSeq = await currentEventSeq(runtime, ana);
    const sent = await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "logged as told"));
    await ackDelivered(runtime, ben, { message_ids: [sent.id], groups: [] });
    const { logged, delivered } = await loggedAndDelivered(runtime, ana, anaSeq);
    expect(delivered.map((entry) => entry.event)).toEqual([
      expect.objectContaining({ type: "group_message_status", group_id: group.id, up_to_seq: sent.seq }),
    ]);
    expect(logged).toEqual(delivered);
  });

  it("ticks: delivered when every member has it, read when every member read it, with message info", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Ticks", member_ids: [ben, cam] });
    const anaSeq = await currentEventSeq(runtime, ana);
    const sent = await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "did you get it?"));
    expect(sent.status).toBe("sent");

    await ackDelivered(runtime, ben, { message_ids: [sent.id], groups: [] });
    expect(ofType(await eventTypesSince(runtime, ana, anaSeq), "group_message_status")).toEqual([]);
    await ackDelivered(runtime, cam, { message_ids: [sent.id], groups: [] });
    const [delivered] = ofType(await eventTypesSince(runtime, ana, anaSeq), "group_message_status");
    expect(delivered).toMatchObject({ group_id: group.id, status: "delivered", up_to_seq: sent.seq });

    await groupMessages.markGroupRead(runtime, ben, { group_id: group.id });
    const info = await actions.messageInfo(runtime, ana, sent.id);
    const byUser = new Map(info.recipients.map((recipient) => [recipient.user_id, recipient]));
    expect([...byUser.keys()].sort()).toEqual([ben, cam].sort());
    expect(byUser.get(ben)?.read_at).not.toBeNull();
    expect(byUser.get(cam)?.delivered_at).not.toBeNull();
    expect(byUser.get(cam)?.read_at).toBeNull();

    const camRead = await groupMessages.markGroupRead(runtime, cam, { group_id: group.id });
    expect(camRead).toMatchObject({ up_to_seq: sent.seq, unread_count: 0 });
    const statuses = ofType(await eventTypesSince(runtime, ana, anaSeq), "group_message_status");
    expect(statuses.map((event) => event.status)).toEqual(["delivered", "read"]);
    const [latest] = (await groupMessages.listGroupMessages(runtime, ana, { group_id: group.id, limit: 1 })).messages;
    expect(latest?.status).toBe("read");
    // Only the sender asks for info; Cam's own devices heard that Cam read it.
    expect((await trpcError(actions.messageInfo(runtime, ben, sent.id))).code).toBe("FORBIDDEN");
    expect(ofType(await eventTypesSince(runtime, cam, 0), "group_read").at(-1)).toMatchObject({
      group_id: group.id,
      unread_count: 0,
    });
  });

  it("counts unread per member and moves it with reads and own sends", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Unread", member_ids: [ben] });
    await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "a"));
    await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "b"));
    const unreadOf = async (userId: number) =>
      (await listChats(runtime, userId, { limit: 50 })).chats.find(
        (chat) => chat.type === "group" && chat.id === group.id,
      )?.unread_count;
    expect(await unreadOf(ben)).toBe(3);
    await groupMessages.markGroupRead(runtime, ben, { group_id: group.id, up_to_seq: 2 });
    expect(await unreadOf(ben)).toBe(1);
    await groupMessages.sendGroupMessage(runtime, ben, say(group.id, "replying reads it all"));
    expect(await unreadOf(ben)).toBe(0);
    expect(await unreadOf(ana)).toBe(1);
  });

  it("lets only admins manage the group", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Admins", member_ids: [ben, cam] });
    const forbidden = [
      () => groups.addMembers(runtime, ben, { group_id: group.id, user_ids: [dan] }),
      () => groups.removeMember(runtime, ben, { group_id: group.id, user_id: cam }),
      () => groups.updateGroup(runtime, ben, { group_id: group.id, name: "Mine now" }),
      () => groups.setMemberRole(runtime, ben, { group_id: group.id, user_id: ben, role: "admin" }),
      () => groups.deleteGroup(runtime, ben, group.id),
    ];
    for (const attempt of forbidden) expect((await trpcError(attempt())).code).toBe("FORBIDDEN");

    await groups.setMemberRole(runtime, ana, { group_id: group.id, user_id: ben, role: "admin" });
    const renamed = await groups.updateGroup(runtime, ben, { group_id: group.id, name: "Renamed", description: "new" });
    expect(renamed).toMatchObject({ name: "Renamed", description: "new" });
    const history = await groupMessages.listGroupMessages(runtime, cam, { group_id: group.id, limit: 10 });
    expect(history.messages.map((message) => message.system?.action)).toEqual([
      "description_changed",
      "renamed",
      "promoted",
      "created",
    ]);
    // The last admin can't step down; a group always has one.
    await groups.setMemberRole(runtime, ben, { group_id: group.id, user_id: ben, role: "member" });
    expect(
      (await trpcError(groups.setMemberRole(runtime, ana, { group_id: group.id, user_id: ana, role: "member" }))).code,
    ).toBe("BAD_REQUEST");
  });

  it("removes a member: nothing more reaches them, what they had stays readable, and they can't send", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Removal", member_ids: [ben, cam] });
    const before = await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "before"));
    const camSeq = await currentEventSeq(runtime, cam);
    await groups.removeMember(runtime, ana, { group_id: group.id, user_id: cam });
    const after = await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "after"));

    const camEvents = await eventTypesSince(runtime, cam, camSeq);
    expect(ofType(camEvents, "new_group_message").map((event) => event.message.system?.action)).toEqual(["removed"]);
    expect(ofType(camEvents, "group_left")).toEqual([{ type: "group_left", group_id: group.id, reason: "removed" }]);
    const seen = await groupMessages.listGroupMessages(runtime, cam, { group_id: group.id, limit: 10 });
    expect(seen.messages.map((message) => message.id)).toContain(before.id);
    expect(seen.messages.map((message) => message.id)).not.toContain(after.id);
    expect((await trpcError(groupMessages.sendGroupMessage(runtime, cam, say(group.id, "hey")))).code).toBe(
      "FORBIDDEN",
    );
    expect(
      (await trpcError(actions.deleteMessage(runtime, cam, { message_id: after.id, for_everyone: false }))).code,
    ).toBe("NOT_FOUND");
    const camView = await groups.getGroup(runtime, cam, group.id);
    expect(camView).toMatchObject({ is_member: false, my_role: null, left_reason: "removed", members: [] });
    const camChats = await listChats(runtime, cam, { limit: 50 });
    expect(camChats.chats.find((chat) => chat.type === "group" && chat.id === group.id)).toMatchObject({
      group: { is_member: false, left_reason: "removed" },
    });
    // Re-added, they start afresh from the "added" message.
    await groups.addMembers(runtime, ana, { group_id: group.id, user_ids: [cam] });
    const again = await groupMessages.listGroupMessages(runtime, cam, { group_id: group.id, limit: 10 });
    expect(again.messages[0]?.system?.action).toBe("added");
    expect(again.messages.map((message) => message.id)).not.toContain(after.id);
  });

  it("hands the group to the longest-standing member when the last admin leaves", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Leaving", member_ids: [ben, cam] });
    await groups.leaveGroup(runtime, ana, group.id);
    const view = await groups.getGroup(runtime, ben, group.id);
    expect(view.members.map((member) => [member.user_id, member.role])).toEqual([
      [ben, "admin"],
      [cam, "member"],
    ]);
    const history = await groupMessages.listGroupMessages(runtime, cam, { group_id: group.id, limit: 3 });
    expect(history.messages.map((message) => message.content)).toEqual([
      "Ben is now an admin",
      "Ana left",
      'Ana created the group "Leaving"',
    ]);
    expect((await trpcError(groups.leaveGroup(runtime, ana, group.id))).code).toBe("FORBIDDEN");
    expect((await groups.listGroups(runtime, ana)).groups.find((g) => g.id === group.id)).toMatchObject({
      is_member: false,
      left_reason: "left",
    });
    expect(view).toMatchObject({ is_member: true, left_reason: null });
  });

  it("holds at most 256 members, the creator included", async () => {
    const others = await insertUsers(runtime, 256);
    await lookUp(runtime, ana, others);
    expect((await trpcError(groups.createGroup(runtime, ana, { name: "Too big", member_ids: others }))).code).toBe(
      "BAD_REQUEST",
    );
    const group = await groups.createGroup(runtime, ana, { name: "Full", member_ids: others.slice(0, 255) });
    expect(group.member_count).toBe(256);
    const error = await trpcError(groups.addMembers(runtime, ana, { group_id: group.id, user_ids: [ben] }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toContain("at most 256 members");
    const sent = await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "hello, all 255 of you"));
    const lastFiller = others[254] ?? 0;
    const [newest] = (await groupMessages.listGroupMessages(runtime, lastFiller, { group_id: group.id, limit: 1 }))
      .messages;
    expect(newest?.id).toBe(sent.id);
  });

  it("won't put people in a group with someone they blocked or who blocked them", async () => {
    const eve = await makeUser(runtime, "Eve");
    await blockUser(runtime, eve, ana);
    expect((await trpcError(groups.createGroup(runtime, ana, { name: "No", member_ids: [eve] }))).code).toBe(
      "FORBIDDEN",
    );
    expect((await trpcError(groups.createGroup(runtime, ana, { name: "No", member_ids: [987_654_321] }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("deletes a group for everyone", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Doomed", member_ids: [ben] });
    const benSeq = await currentEventSeq(runtime, ben);
    await groups.deleteGroup(runtime, ana, group.id);
    expect(ofType(await eventTypesSince(runtime, ben, benSeq), "group_left")).toEqual([
      { type: "group_left", group_id: group.id, reason: "deleted" },
    ]);
    expect((await trpcError(groups.getGroup(runtime, ben, group.id))).code).toBe("NOT_FOUND");
  });

  it("deletes a group message for everyone, and tells every member", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Oops", member_ids: [ben] });
    const sent = await groupMessages.sendGroupMessage(runtime, ben, say(group.id, "wrong group"));
    expect(
      (await trpcError(actions.deleteMessage(runtime, ana, { message_id: sent.id, for_everyone: true }))).code,
    ).toBe("FORBIDDEN");
    const anaSeq = await currentEventSeq(runtime, ana);
    await actions.deleteMessage(runtime, ben, { message_id: sent.id, for_everyone: true });
    expect(ofType(await eventTypesSince(runtime, ana, anaSeq), "group_message_deleted")).toEqual([
      { type: "group_message_deleted", group_id: group.id, message_id: sent.id, for_everyone: true },
    ]);
    const [shown] = (await groupMessages.listGroupMessages(runtime, ana, { group_id: group.id, limit: 1 })).messages;
    expect(shown).toMatchObject({ id: sent.id, is_deleted: true, content: null });
  });

  it("mixes groups and 1:1 chats in the chat list by recency, paging across both", async () => {
    const me = await makeUser(runtime, "Mixer");
    const peer = await makeUser(runtime, "Peer");
    const first = await groups.createGroup(runtime, me, { name: "G1", member_ids: [peer] });
    await messages.sendChatMessage(runtime, me, {
      receiver_id: peer,
      content: "direct",
      message_type: "text",
      client_msg_id: randomUUID(),
    });
    const second = await groups.createGroup(runtime, me, { name: "G2", member_ids: [peer] });
    const all = await listChats(runtime, me, { limit: 10 });
    expect(all.chats.map((chat) => [chat.type, chat.id])).toEqual([
      ["group", second.id],
      ["direct", all.chats[1]?.id],
      ["group", first.id],
    ]);
    const paged = [];
    let cursor: string | undefined;
    do {
      const page = await listChats(runtime, me, { limit: 1, cursor });
      paged.push(...page.chats.map((chat) => [chat.type, chat.id]));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(all.chats.map((chat) => [chat.type, chat.id]));
    expect((await trpcError(listChats(runtime, me, { limit: 1, cursor: "bogus" }))).code).toBe("BAD_REQUEST");
  });

  it("shows a removed member the group as it was when they were removed, and nothing that changed after", async () => {
    const [eve, fay] = [await makeUser(runtime, "Eve"), await makeUser(runtime, "Fay")];
    const group = await groups.createGroup(runtime, ana, {
      name: "Before",
      description: "old plans",
      member_ids: [ben, cam, dan],
    });
    const mine = await groupMessages.sendGroupMessage(runtime, cam, say(group.id, "my zebra idea"));
    await actions.starMessage(runtime, cam, { message_id: mine.id, starred: true });
    const camSeq = await currentEventSeq(runtime, cam);
    await groups.removeMember(runtime, ana, { group_id: group.id, user_id: cam });
    const atRemoval = await groups.getGroup(runtime, cam, group.id);

    // After: renamed, described, bigger, busier, and everyone else has read Cam's message.
    await groups.updateGroup(runtime, ana, { group_id: group.id, name: "After", description: "new plans" });
    await groups.addMembers(runtime, ana, { group_id: group.id, user_ids: [eve, fay] });
    await groupMessages.sendGroupMessage(runtime, ana, say(group.id, "zebra crossing at noon"));
    for (const reader of [ben, dan, eve, fay])
      await groupMessages.markGroupRead(runtime, reader, { group_id: group.id });
    const benView = await groups.getGroup(runtime, ben, group.id);
    expect(benView).toMatchObject({ name: "After", description: "new plans", member_count: 5 });
    const [benCopy] = (
      await groupMessages.listGroupMessages(runtime, ben, { group_id: group.id, limit: 10 })
    ).messages.filter((m) => m.id === mine.id);
    expect(benCopy?.status).toBe("read");

    const asRemoved = {
      id: group.id,
      name: "Before",
      description: "old plans",
      profile_picture_url: null,
      picture_media_id: null,
      member_count: 3,
      is_member: false,
      my_role: null,
      left_reason: "removed",
      e2ee: false,
    };
    const view = await groups.getGroup(runtime, cam, group.id);
    expect(view).toMatchObject({
      ...asRemoved,
      members: [],
      last_seq: atRemoval.last_seq,
      updated_at: atRemoval.updated_at,
    });
    expect(view.last_seq).toBeLessThan(benView.last_seq);
    expect((await groups.listGroups(runtime, cam)).groups.find((g) => g.id === group.id)).toEqual({
      ...asRemoved,
      created_by: ana,
      created_at: group.created_at,
    });
    const listed = (await listChats(runtime, cam, { limit: 50 })).chats.find(
      (chat) => chat.type === "group" && chat.id === group.id,
    );
    expect(listed).toMatchObject({ group: asRemoved, last_seq: atRemoval.last_seq });
    expect(listed?.type === "group" && listed.last_message?.system?.action).toBe("removed");

    // Their messages: none after the removal, and the ticks as they stood then.
    const history = await groupMessages.listGroupMessages(runtime, cam, { group_id: group.id, limit: 50 });
    expect(Math.max(...history.messages.map((m) => m.seq))).toBe(atRemoval.last_seq);
    expect(history.messages.find((m) => m.id === mine.id)?.status).toBe("sent");
    expect(
      (
        await groupMessages.listGroupMessages(runtime, cam, {
          group_id: group.id,
          after_seq: atRemoval.last_seq,
          limit: 50,
        })
      ).messages,
    ).toEqual([]);
    const info = await actions.messageInfo(runtime, cam, mine.id);
    expect(info.recipients.map((r) => r.user_id).sort()).toEqual([ana, ben, dan].sort());
    expect(info.recipients.map((r) => r.read_at)).toEqual([null, null, null]);

    // Search and stars name the group as they knew it, and find nothing said after.
    const found = await search.searchMessages(runtime, cam, { q: "zebra", limit: 10 });
    expect(found.messages.map((m) => [m.message.id, m.conversation])).toEqual([
      [mine.id, { type: "group", group_id: group.id, name: "Before" }],
    ]);
    expect((await search.listStarred(runtime, cam, { limit: 10 })).messages[0]?.conversation).toEqual({
      type: "group",
      group_id: group.id,
      name: "Before",
    });

    // No group_updated (or anything else about the group) after the group_left.
    const events = await eventTypesSince(runtime, cam, camSeq);
    expect(events.map((event) => event.type)).toEqual(["new_group_message", "group_left"]);
    expect(ofType(events, "group_updated")).toEqual([]);

    // Added back, they see the group as it is, and the snapshot is gone.
    await groups.addMembers(runtime, ana, { group_id: group.id, user_ids: [cam] });
    expect(await groups.getGroup(runtime, cam, group.id)).toMatchObject({
      name: "After",
      description: "new plans",
      member_count: 6,
      is_member: true,
    });
    const [row] = await runtime.db
      .select()
      .from(schema.groupMembers)
      .where(and(eq(schema.groupMembers.groupId, group.id), eq(schema.groupMembers.userId, cam)));
    expect(row).toMatchObject({
      leftSeq: null,
      leftName: null,
      leftDescription: null,
      leftMemberCount: null,
      leftDeliveredSeq: null,
      leftReadSeq: null,
    });
  });

  it("shows someone who left the group as it was when they left", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Book club", member_ids: [ben, cam] });
    await groups.leaveGroup(runtime, cam, group.id);
    await groups.updateGroup(runtime, ana, {
      group_id: group.id,
      name: "Film club",
      description: "no more books",
      profile_picture_url: "https://example.com/film.png",
    });
    await groups.addMembers(runtime, ana, { group_id: group.id, user_ids: [dan] });
    const expected = {
      name: "Book club",
      description: null,
      profile_picture_url: null,
      member_count: 2,
      is_member: false,
      left_reason: "left",
    };
    expect(await groups.getGroup(runtime, cam, group.id)).toMatchObject({ ...expected, members: [] });
    expect((await groups.listGroups(runtime, cam)).groups.find((g) => g.id === group.id)).toMatchObject(expected);
    expect(
      (await listChats(runtime, cam, { limit: 50 })).chats.find(
        (chat) => chat.type === "group" && chat.id === group.id,
      ),
    ).toMatchObject({ group: expected });
    expect(await groups.getGroup(runtime, ben, group.id)).toMatchObject({
      name: "Film club",
      member_count: 3,
      is_member: true,
    });
  });

  describe("a former member over REST and tRPC", () => {
    let api: Awaited<ReturnType<typeof startApi>>;
    beforeAll(async () => {
      api = await startApi(runtime);
    });
    afterAll(() => api.close());

    it("sees the group as it was at their removal on every path", async () => {
      const [owner, member, removed] = [
        await restSignUp(runtime, api.http),
        await restSignUp(runtime, api.http),
        await restSignUp(runtime, api.http),
      ];
      const created = await rest(api.http, "POST", "/api/groups", {
        token: owner.token,
        body: { name: "Old name", description: "old", member_ids: [member.user.id, removed.user.id] },
      });
      const groupId = created.body.id as number;
      await rest(api.http, "POST", "/api/messages/group", {
        token: removed.token,
        body: { group_id: groupId, content: "walrus", client_msg_id: randomUUID() },
      });
      await rest(api.http, "DELETE", `/api/groups/${groupId}/members/${removed.user.id}`, { token: owner.token });
      const before = await rest(api.http, "GET", `/api/groups/${groupId}`, { token: removed.token });
      await rest(api.http, "PUT", `/api/groups/${groupId}`, {
        token: owner.token,
        body: { name: "New name", description: "new" },
      });
      await rest(api.http, "POST", "/api/messages/group", {
        token: owner.token,
        body: { group_id: groupId, content: "walrus again", client_msg_id: randomUUID() },
      });
      const shown = {
        id: groupId,
        name: "Old name",
        description: "old",
        member_count: 2,
        is_member: false,
        left_reason: "removed",
      };

      const got = await rest(api.http, "GET", `/api/groups/${groupId}`, { token: removed.token });
      expect(got).toMatchObject({
        status: 200,
        body: { ...shown, members: [], last_seq: before.body.last_seq, updated_at: before.body.updated_at },
      });
      expect((await rest(api.http, "GET", "/api/groups", { token: removed.token })).body).toEqual({
        groups: [expect.objectContaining(shown)],
      });
      const chats = await rest(api.http, "GET", "/api/chats?limit=10", { token: removed.token });
      expect(chats.body.chats).toEqual([
        expect.objectContaining({
          type: "group",
          group: expect.objectContaining(shown) as typeof shown,
          last_seq: before.body.last_seq,
        }),
      ]);
      const page = await rest(api.http, "GET", `/api/messages/group/${groupId}?limit=50`, { token: removed.token });
      expect(Math.max(...(page.body.messages as Json[]).map((m) => m.seq as number))).toBe(before.body.last_seq);
      const search = await rest(api.http, "GET", "/api/messages/search?q=walrus", { token: removed.token });
      expect((search.body.messages as Json[]).map((m) => m.conversation)).toEqual([
        { type: "group", group_id: groupId, name: "Old name" },
      ]);

      let token = removed.token;
      const trpc = createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: `${api.http}/api/trpc`, headers: () => ({ authorization: `Bearer ${token}` }) })],
      });
      expect(await trpc.group.get.query({ group_id: groupId })).toMatchObject({
        ...shown,
        members: [],
        last_seq: before.body.last_seq,
      });
      expect((await trpc.group.list.query()).groups).toEqual([expect.objectContaining(shown)]);
      expect((await trpc.chat.list.query({ limit: 10 })).chats).toEqual([
        expect.objectContaining({ group: expect.objectContaining(shown) as typeof shown }),
      ]);
      const messagesSeen = await trpc.message.listGroup.query({
        group_id: groupId,
        after_seq: before.body.last_seq as number,
        limit: 10,
      });
      expect(messagesSeen.messages).toEqual([]);
      token = member.token;
      expect(await trpc.group.get.query({ group_id: groupId })).toMatchObject({
        name: "New name",
        description: "new",
        member_count: 2,
        is_member: true,
      });
    });
  });
});
