import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schema } from "@parley/db";
import { userTopic } from "@parley/realtime";
import type { ParleyEvent } from "@parley/validators";

import { createTestRuntime, eventsOf, makeUser, type TestRuntime, type TestShape, trpcError } from "../test";
import { blockUser, unblockUser } from "./blocks";
import * as messages from "./chat-messages";
import { sendTyping } from "./chats";
import * as contacts from "./contacts";
import * as groupMessages from "./group-messages";
import * as groups from "./groups";
import * as actions from "./message-actions";
import { connectPresence, disconnectPresence, findUserByPhone, getUserProfile, updatePrivacy } from "./presence";
import { updateMe } from "./user";

const text = (receiver_id: number, content: string) => ({
  receiver_id,
  content,
  message_type: "text" as const,
  client_msg_id: randomUUID(),
});

/** What a user's live subscription would hear on the bus (ephemeral events included). */
async function listen(runtime: TestRuntime, userId: number) {
  const heard: ParleyEvent[] = [];
  const unsubscribe = runtime.bus.subscribe(userTopic(userId), (payload) => {
    const parsed = JSON.parse(payload) as { event: ParleyEvent };
    heard.push(parsed.event);
  });
  await runtime.bus.ready();
  return { heard, stop: unsubscribe };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe.each<TestShape>(["scaled", "embedded"])("people on the %s shape", (shape) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
  });
  afterAll(() => runtime.close());

  const phoneOf = async (userId: number) =>
    (
      await runtime.db.select({ phone: schema.users.phoneNumber }).from(schema.users).where(eq(schema.users.id, userId))
    )[0]?.phone ?? "";

  it("keeps contacts: add, list with who is on Parley, rename, remove; duplicates and strangers answered clearly", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    const benPhone = await phoneOf(ben);
    const added = await contacts.addContact(runtime, ana, { phone_number: benPhone, name: "Benny" });
    expect(added).toMatchObject({
      phone_number: benPhone,
      name: "Benny",
      user: { id: ben, full_name: "Ben" },
      is_blocked: false,
    });
    await contacts.addContact(runtime, ana, { phone_number: "+14155550199", name: "Zed (no app)" });
    const list = await contacts.listContacts(runtime, ana);
    expect(list.contacts.map((contact) => [contact.name, contact.user?.id ?? null])).toEqual([
      ["Benny", ben],
      ["Zed (no app)", null],
    ]);
    expect((await trpcError(contacts.addContact(runtime, ana, { phone_number: benPhone, name: "Again" }))).code).toBe(
      "CONFLICT",
    );
    expect((await contacts.renameContact(runtime, ana, { phone_number: benPhone, name: "Ben B." })).name).toBe(
      "Ben B.",
    );
    await blockUser(runtime, ana, ben);
    expect((await contacts.listContacts(runtime, ana)).contacts[0]?.is_blocked).toBe(true);
    await contacts.removeContact(runtime, ana, benPhone);
    expect((await trpcError(contacts.removeContact(runtime, ana, benPhone))).code).toBe("NOT_FOUND");
    expect((await trpcError(contacts.renameContact(runtime, ana, { phone_number: benPhone, name: "x" }))).code).toBe(
      "NOT_FOUND",
    );
    // Other devices are told to refetch.
    expect((await eventsOf(runtime, ana)).some((stored) => stored.event.type === "contacts_changed")).toBe(true);
  });

  it("imports an address book: normalises, skips invalid numbers, answers who is on Parley", async () => {
    const [ana, ben, cam] = [
      await makeUser(runtime, "Ana"),
      await makeUser(runtime, "Ben"),
      await makeUser(runtime, "Cam"),
    ];
    const [benPhone, camPhone] = [await phoneOf(ben), await phoneOf(cam)];
    const spaced = `${benPhone.slice(0, 2)} ${benPhone.slice(2, 5)} ${benPhone.slice(5)}`;
    const result = await contacts.importContacts(runtime, ana, {
      contacts: [
        { phone_number: spaced, name: "Ben" },
        { phone_number: camPhone, name: "Cam" },
        { phone_number: "+14155550123", name: "Not on Parley" },
        { phone_number: "12345", name: "Junk" },
      ],
    });
    expect(result.imported).toBe(3);
    expect(result.invalid).toEqual(["12345"]);
    expect(result.on_parley.map((contact) => contact.user?.id).sort()).toEqual([ben, cam].sort());
    // Importing again renames, never duplicates.
    const again = await contacts.importContacts(runtime, ana, {
      contacts: [{ phone_number: benPhone, name: "Benjamin" }],
    });
    expect(again.imported).toBe(1);
    const names = (await contacts.listContacts(runtime, ana)).contacts.map((contact) => contact.name);
    expect(names).toEqual(["Benjamin", "Cam", "Not on Parley"]);
  });

  it("privacy: last seen, picture and about for everyone, my contacts or nobody, on every read path", async () => {
    const [ana, ben, cam] = [
      await makeUser(runtime, "Ana"),
      await makeUser(runtime, "Ben"),
      await makeUser(runtime, "Cam"),
    ];
    await updateMe(runtime, ana, { status_message: "At the beach" });
    await runtime.db.update(schema.users).set({ lastSeen: new Date() }).where(eq(schema.users.id, ana));
    await messages.sendChatMessage(runtime, ana, text(ben, "hi Ben"));
    await messages.sendChatMessage(runtime, ana, text(cam, "hi Cam"));
    await contacts.addContact(runtime, ana, { phone_number: await phoneOf(ben), name: "Ben" });

    expect((await getUserProfile(runtime, cam, ana)).last_seen).not.toBeNull();
    const me = await updatePrivacy(runtime, ana, {
      last_seen: "contacts",
      about: "nobody",
      profile_picture: "contacts",
    });
    expect(me.privacy).toEqual({
      last_seen: "contacts",
      profile_picture: "contacts",
      about: "nobody",
      read_receipts: true,
    });

    const seenByBen = await getUserProfile(runtime, ben, ana);
    const seenByCam = await getUserProfile(runtime, cam, ana);
    expect(seenByBen.last_seen).not.toBeNull();
    expect(seenByBen.status_message).toBeNull();
    expect(seenByCam.last_seen).toBeNull();
    expect(seenByCam.is_online).toBe(false);
    // Ana sees herself whole.
    expect((await getUserProfile(runtime, ana, ana)).status_message).toBe("At the beach");
    // The chat list's peer is the same profile.
    const { listChats } = await import("./chat-list");
    const camsChat = (await listChats(runtime, cam, { limit: 10 })).chats.find((chat) => chat.type === "direct");
    expect(camsChat?.type === "direct" && camsChat.peer.last_seen).toBe(null);

    await updatePrivacy(runtime, ana, { last_seen: "nobody" });
    expect((await getUserProfile(runtime, ben, ana)).last_seen).toBeNull();
  });

  it("privacy holds on every path that shows a person: search by number, contacts, group members, message info", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    await updateMe(runtime, ana, { status_message: "Busy", profile_picture_url: "https://example.com/ana.png" });
    await runtime.db.update(schema.users).set({ lastSeen: new Date() }).where(eq(schema.users.id, ana));
    await updatePrivacy(runtime, ana, { last_seen: "nobody", about: "nobody", profile_picture: "nobody" });
    const hidden = { status_message: null, profile_picture_url: null, last_seen: null, is_online: false };

    expect(await findUserByPhone(runtime, ben, await phoneOf(ana))).toMatchObject(hidden);
    expect(
      (await contacts.addContact(runtime, ben, { phone_number: await phoneOf(ana), name: "Ana" })).user,
    ).toMatchObject(hidden);
    const group = await groups.createGroup(runtime, ben, { name: "Privacy", member_ids: [ana] });
    expect(group.members.find((member) => member.user_id === ana)?.profile).toMatchObject(hidden);
    const sent = await groupMessages.sendGroupMessage(runtime, ben, {
      group_id: group.id,
      content: "hi",
      message_type: "text",
      client_msg_id: randomUUID(),
    });
    expect(
      (await actions.messageInfo(runtime, ben, sent.id)).recipients.find((recipient) => recipient.user_id === ana)
        ?.profile,
    ).toMatchObject(hidden);
    // "My contacts": Ben is in Ana's contacts now, so he sees it all again.
    await updatePrivacy(runtime, ana, { last_seen: "contacts", about: "contacts", profile_picture: "contacts" });
    await contacts.addContact(runtime, ana, { phone_number: await phoneOf(ben), name: "Ben" });
    expect(await findUserByPhone(runtime, ben, await phoneOf(ana))).toMatchObject({
      status_message: "Busy",
      profile_picture_url: "https://example.com/ana.png",
    });
  });

  it("presence goes only to those allowed; a blocked person hears no presence or typing", async () => {
    const [ana, ben, cam] = [
      await makeUser(runtime, "Ana"),
      await makeUser(runtime, "Ben"),
      await makeUser(runtime, "Cam"),
    ];
    await messages.sendChatMessage(runtime, ben, text(ana, "hello"));
    const camChat = await messages.sendChatMessage(runtime, cam, text(ana, "hey"));
    const [benHears, camHears] = [await listen(runtime, ben), await listen(runtime, cam)];
    try {
      await updatePrivacy(runtime, ana, { last_seen: "contacts" });
      await contacts.addContact(runtime, ana, { phone_number: await phoneOf(ben), name: "Ben" });
      await blockUser(runtime, ana, cam);
      const presenceOf = (heard: ParleyEvent[]) =>
        heard.filter((event) => event.type === "presence_update" && event.user_id === ana);
      benHears.heard.length = 0;
      camHears.heard.length = 0;
      await connectPresence(runtime, ana, "conn-1");
      await sendTyping(runtime, ana, { chat_id: camChat.chat_id, is_typing: true });
      await settle();
      expect(presenceOf(benHears.heard)).toMatchObject([{ is_online: true }]);
      expect(presenceOf(camHears.heard)).toEqual([]);
      expect(camHears.heard.filter((event) => event.type === "typing")).toEqual([]);

      // Taking Ben out of contacts: he is told Ana is no longer visible, and hears nothing more.
      benHears.heard.length = 0;
      await contacts.removeContact(runtime, ana, await phoneOf(ben));
      await settle();
      expect(presenceOf(benHears.heard)).toMatchObject([{ is_online: false, last_seen: null }]);
      await disconnectPresence(runtime, ana, "conn-1");
      await settle();
      expect(presenceOf(benHears.heard)).toHaveLength(1);
      await unblockUser(runtime, ana, cam);
    } finally {
      benHears.stop();
      camHears.stop();
    }
  });

  it("blocking tells the blocked person's screens at once, and the blocker's other devices", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    await messages.sendChatMessage(runtime, ana, text(ben, "hi"));
    const benHears = await listen(runtime, ben);
    try {
      await contacts.blockContact(runtime, ana, ben);
      await settle();
      expect(benHears.heard.filter((event) => event.type === "presence_update")).toEqual([
        { type: "presence_update", user_id: ana, is_online: false, last_seen: null },
      ]);
      expect((await eventsOf(runtime, ana)).at(-1)?.event).toEqual({ type: "contacts_changed" });
      await contacts.unblockContact(runtime, ana, ben);
      expect((await eventsOf(runtime, ana)).at(-1)?.event).toEqual({ type: "contacts_changed" });
    } finally {
      benHears.stop();
    }
  });

  it("a block hides the blocker's picture and about from the blocked, whatever the settings", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    await updateMe(runtime, ana, { status_message: "Hi", profile_picture_url: "https://example.com/a.png" });
    expect((await getUserProfile(runtime, ben, ana)).status_message).toBe("Hi");
    await blockUser(runtime, ana, ben);
    const seen = await getUserProfile(runtime, ben, ana);
    expect(seen).toMatchObject({ status_message: null, profile_picture_url: null, last_seen: null, is_online: false });
    // The blocker still sees the blocked person's profile.
    expect((await getUserProfile(runtime, ana, ben)).full_name).toBe("Ben");
  });

  it("read receipts off: neither side sees blue ticks in 1:1, unread still clears", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    await updatePrivacy(runtime, ben, { read_receipts: false });
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "did you read this?"));
    const before = (await eventsOf(runtime, ana)).length;
    const read = await messages.markChatRead(runtime, ben, { chat_id: sent.chat_id });
    expect(read.unread_count).toBe(0);
    const told = (await eventsOf(runtime, ana))
      .slice(before)
      .filter((stored) => stored.event.type === "message_status_update");
    expect(told).toEqual([]);
    const [asAnaSees] = (await messages.listMessages(runtime, ana, { chat_id: sent.chat_id, limit: 1 })).messages;
    expect(asAnaSees?.status).toBe("delivered");
    expect((await actions.messageInfo(runtime, ana, sent.id)).recipients[0]?.read_at).toBeNull();

    // Turned back on (both sides on): reads show again.
    await updatePrivacy(runtime, ben, { read_receipts: true });
    const second = await messages.sendChatMessage(runtime, ana, text(ben, "and this?"));
    const mark = (await eventsOf(runtime, ana)).length;
    await messages.markChatRead(runtime, ben, { chat_id: second.chat_id });
    expect(
      (await eventsOf(runtime, ana)).slice(mark).some((stored) => stored.event.type === "message_status_update"),
    ).toBe(true);
    // Ana turning hers off hides Ben's reads from her too.
    await updatePrivacy(runtime, ana, { read_receipts: false });
    const [latest] = (await messages.listMessages(runtime, ana, { chat_id: second.chat_id, limit: 1 })).messages;
    expect(latest?.status).toBe("delivered");
  });
});
