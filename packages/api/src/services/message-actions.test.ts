import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schema } from "@parley/db";
import { createUploadInput, reactInput } from "@parley/validators";

import { createTestRuntime, eventsOf, makeUser, type TestRuntime, type TestShape, trpcError } from "../test";
import { blockUser } from "./blocks";
import * as messages from "./chat-messages";
import * as groupMessages from "./group-messages";
import * as groups from "./groups";
import * as media from "./media/media";
import * as actions from "./message-actions";
import * as search from "./message-search";

const text = (receiver_id: number, content: string) => ({
  receiver_id,
  content,
  message_type: "text" as const,
  client_msg_id: randomUUID(),
});
const groupText = (group_id: number, content: string) => ({
  group_id,
  content,
  message_type: "text" as const,
  client_msg_id: randomUUID(),
});

describe.each<TestShape>(["scaled", "embedded"])("message actions on the %s shape", (shape) => {
  let runtime: TestRuntime;
  let ana: number;
  let ben: number;
  let cam: number;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
    [ana, ben, cam] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben"), await makeUser(runtime, "Cam")];
  });
  afterAll(() => runtime.close());

  const lastEvent = async (userId: number, type: string) =>
    (await eventsOf(runtime, userId)).filter((stored) => stored.event.type === type).at(-1)?.event;

  it("edits your own text within the window; both sides see it live; others, old and non-text messages can't be", async () => {
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "See you at 5"));
    const edited = await actions.editMessage(runtime, ana, { message_id: sent.id, content: "See you at 6" });
    expect(edited.content).toBe("See you at 6");
    expect(edited.edited_at).not.toBeNull();
    for (const userId of [ana, ben]) {
      expect(await lastEvent(userId, "message_edited")).toMatchObject({
        chat_id: sent.chat_id,
        message_id: sent.id,
        content: "See you at 6",
      });
    }
    const [inHistory] = (await messages.listMessages(runtime, ben, { chat_id: sent.chat_id, limit: 1 })).messages;
    expect(inHistory).toMatchObject({ content: "See you at 6", edited_at: edited.edited_at });

    expect((await trpcError(actions.editMessage(runtime, ben, { message_id: sent.id, content: "hacked" }))).code).toBe(
      "FORBIDDEN",
    );
    await runtime.db
      .update(schema.messages)
      .set({ createdAt: new Date(Date.now() - 16 * 60 * 1000) })
      .where(eq(schema.messages.id, sent.id));
    const late = await trpcError(actions.editMessage(runtime, ana, { message_id: sent.id, content: "too late" }));
    expect(late.code).toBe("BAD_REQUEST");
    expect(late.message).toMatch(/15 minutes/);
    const location = await messages.sendChatMessage(runtime, ana, {
      receiver_id: ben,
      message_type: "location",
      location: { latitude: 1, longitude: 2 },
      client_msg_id: randomUUID(),
    });
    expect(
      (await trpcError(actions.editMessage(runtime, ana, { message_id: location.id, content: "x" }))).message,
    ).toMatch(/Only text/);
    expect((await trpcError(actions.editMessage(runtime, cam, { message_id: location.id, content: "x" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("edits a group message for every current member", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Edits", member_ids: [ben, cam] });
    const sent = await groupMessages.sendGroupMessage(runtime, ben, groupText(group.id, "Pizza?"));
    await actions.editMessage(runtime, ben, { message_id: sent.id, content: "Pizza tonight?" });
    for (const userId of [ana, ben, cam]) {
      expect(await lastEvent(userId, "message_edited")).toMatchObject({
        group_id: group.id,
        message_id: sent.id,
        content: "Pizza tonight?",
      });
    }
  });

  it("reactions: one per person, changeable and removable, counted, told to both sides", async () => {
    const sent = await messages.sendChatMessage(runtime, ana, text(ben, "Passed my exam!"));
    expect((await actions.react(runtime, ben, { message_id: sent.id, emoji: "🎉" })).reactions).toEqual([
      { emoji: "🎉", count: 1, user_ids: [ben] },
    ]);
    await actions.react(runtime, ana, { message_id: sent.id, emoji: "🎉" });
    const changed = await actions.react(runtime, ben, { message_id: sent.id, emoji: "❤️" });
    expect(changed.reactions).toHaveLength(2);
    expect(changed.reactions.map((reaction) => [reaction.emoji, reaction.count])).toEqual(
      expect.arrayContaining([
        ["🎉", 1],
        ["❤️", 1],
      ]),
    );
    const removed = await actions.react(runtime, ben, { message_id: sent.id, emoji: null });
    expect(removed.reactions).toEqual([{ emoji: "🎉", count: 1, user_ids: [ana] }]);
    expect(await lastEvent(ana, "reaction_updated")).toMatchObject({
      message_id: sent.id,
      user_id: ben,
      emoji: null,
      reactions: removed.reactions,
    });
    const [listed] = (await messages.listMessages(runtime, ben, { chat_id: sent.chat_id, limit: 1 })).messages;
    expect(listed?.reactions).toEqual(removed.reactions);

    expect(reactInput.safeParse({ message_id: 1, emoji: "ab" }).success).toBe(false);
    expect(reactInput.safeParse({ message_id: 1, emoji: "👍👍" }).success).toBe(false);
    expect(reactInput.safeParse({ message_id: 1, emoji: "👍🏽" }).success).toBe(true);
    expect((await trpcError(actions.react(runtime, cam, { message_id: sent.id, emoji: "👍" }))).code).toBe("NOT_FOUND");
  });

  it("forwards text and files to chats and groups, marked forwarded, reusing the file; retries return the same", async () => {
    const group = await groups.createGroup(runtime, cam, { name: "Forwards", member_ids: [ana] });
    const photo = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    const ticket = await media.createUpload(
      runtime,
      ben,
      createUploadInput.parse({ kind: "image", mime_type: "image/png", size: photo.length }),
    );
    // What the client's PUT to the upload URL does.
    await runtime.media.write(`uploads/${ticket.media_id}`, photo, "image/png");
    const withPhoto = await messages.sendChatMessage(runtime, ben, {
      receiver_id: ana,
      message_type: "image",
      media_id: ticket.media_id,
      content: "our cat",
      client_msg_id: randomUUID(),
    });
    const words = await messages.sendChatMessage(runtime, ben, text(ana, "isn't she cute"));
    const input = {
      message_ids: [withPhoto.id, words.id],
      user_ids: [cam],
      group_ids: [group.id],
      client_batch_id: randomUUID(),
    };

    const forwarded = await actions.forwardMessages(runtime, ana, input);
    expect(
      forwarded.direct.map((message) => [
        message.message_type,
        message.content,
        message.is_forwarded,
        message.receiver_id,
      ]),
    ).toEqual([
      ["image", "our cat", true, cam],
      ["text", "isn't she cute", true, cam],
    ]);
    expect(forwarded.group.map((message) => message.media?.id ?? null)).toEqual([ticket.media_id, null]);
    // Cam was never in Ben's chat, but may read the photo through the forwarded copy.
    expect((await media.mediaUrl(runtime, cam, { media_id: ticket.media_id, variant: "original" })).url).toBeTruthy();

    const again = await actions.forwardMessages(runtime, ana, input);
    expect(again.direct.map((message) => message.id)).toEqual(forwarded.direct.map((message) => message.id));
    expect(again.group.map((message) => message.id)).toEqual(forwarded.group.map((message) => message.id));

    // Removed from the group, Ana can no longer pass on a photo that only the group had.
    const groupTicket = await media.createUpload(
      runtime,
      cam,
      createUploadInput.parse({ kind: "image", mime_type: "image/png", size: photo.length }),
    );
    await runtime.media.write(`uploads/${groupTicket.media_id}`, photo, "image/png");
    const groupPhoto = await groupMessages.sendGroupMessage(runtime, cam, {
      group_id: group.id,
      message_type: "image",
      media_id: groupTicket.media_id,
      client_msg_id: randomUUID(),
    });
    await groups.removeMember(runtime, cam, { group_id: group.id, user_id: ana });
    const passOn = {
      ...input,
      message_ids: [groupPhoto.id],
      user_ids: [ben],
      group_ids: [],
      client_batch_id: randomUUID(),
    };
    expect((await trpcError(actions.forwardMessages(runtime, ana, passOn))).code).toBe("NOT_FOUND");

    const tooMany = await trpcError(
      actions.forwardMessages(runtime, ana, {
        ...input,
        client_batch_id: randomUUID(),
        user_ids: [ben, cam, 9001, 9002, 9003, 9004],
      }),
    );
    expect(tooMany.message).toMatch(/up to 5 chats/);
    // Someone else's message can't be forwarded; nor to someone who blocked you.
    const elsewhere = await messages.sendChatMessage(runtime, cam, text(ben, "private"));
    expect(
      (
        await trpcError(
          actions.forwardMessages(runtime, ana, {
            ...input,
            message_ids: [elsewhere.id],
            client_batch_id: randomUUID(),
          }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    await blockUser(runtime, cam, ana);
    const blocked = await trpcError(
      actions.forwardMessages(runtime, ana, { ...input, group_ids: [], client_batch_id: randomUUID() }),
    );
    expect(blocked.code).toBe("FORBIDDEN");
  });

  it("stars and lists starred messages, newest first, paged; only the owner's devices hear of it", async () => {
    const dan = await makeUser(runtime, "Dan");
    const first = await messages.sendChatMessage(runtime, dan, text(ana, "recipe: flour, eggs"));
    const second = await messages.sendChatMessage(runtime, ana, text(dan, "address: 1 Main St"));
    await actions.starMessage(runtime, ana, { message_id: first.id, starred: true });
    await actions.starMessage(runtime, ana, { message_id: second.id, starred: true });
    const page1 = await search.listStarred(runtime, ana, { limit: 1 });
    expect(page1.messages.map((item) => item.message.id)).toEqual([second.id]);
    expect(page1.messages[0]?.conversation).toEqual({ type: "direct", chat_id: second.chat_id, peer_id: dan });
    const page2 = await search.listStarred(runtime, ana, { limit: 1, cursor: page1.next_cursor ?? "" });
    expect(page2.messages.map((item) => item.message.id)).toEqual([first.id]);
    await actions.starMessage(runtime, ana, { message_id: second.id, starred: false });
    expect(
      (await search.listStarred(runtime, ana, { limit: 10 })).messages.filter((item) => item.message.id === second.id),
    ).toEqual([]);
    expect(await lastEvent(ana, "message_starred")).toEqual({
      type: "message_starred",
      message_id: second.id,
      starred: false,
    });
    expect((await eventsOf(runtime, dan)).some((stored) => stored.event.type === "message_starred")).toBe(false);
    expect((await trpcError(search.listStarred(runtime, ana, { limit: 1, cursor: "garbage" }))).code).toBe(
      "BAD_REQUEST",
    );
  });

  it("searches only what the caller may see, by word prefixes, newest first", async () => {
    const [eve, fay] = [await makeUser(runtime, "Eve"), await makeUser(runtime, "Fay")];
    const dinner = await messages.sendChatMessage(runtime, eve, text(fay, "Dinner tomorrow at Luigi's?"));
    await messages.sendChatMessage(runtime, fay, text(eve, "Yes! Dinner sounds great"));
    const group = await groups.createGroup(runtime, eve, { name: "Club", member_ids: [fay] });
    const inGroup = await groupMessages.sendGroupMessage(runtime, fay, groupText(group.id, "Book club dinner moved"));
    await messages.sendChatMessage(runtime, ana, text(ben, "dinner secret between Ana and Ben"));

    const results = await search.searchMessages(runtime, eve, { q: "dinn", limit: 10 });
    expect(results.messages.map((item) => item.message.id)[0]).toBe(inGroup.id);
    expect(results.messages).toHaveLength(3);
    expect(results.messages[0]?.conversation).toEqual({ type: "group", group_id: group.id, name: "Club" });
    expect(
      (await search.searchMessages(runtime, eve, { q: "din tom", limit: 10 })).messages.map((item) => item.message.id),
    ).toEqual([dinner.id]);
    const paged = await search.searchMessages(runtime, eve, { q: "dinner", limit: 2 });
    const rest = await search.searchMessages(runtime, eve, { q: "dinner", limit: 2, cursor: paged.next_cursor ?? "" });
    expect([...paged.messages, ...rest.messages]).toHaveLength(3);

    await actions.deleteMessage(runtime, eve, { message_id: dinner.id, for_everyone: true });
    expect((await search.searchMessages(runtime, fay, { q: "luigi", limit: 10 })).messages).toEqual([]);
    expect((await trpcError(search.searchMessages(runtime, eve, { q: "!!!", limit: 10 }))).code).toBe("BAD_REQUEST");
    // A member added later doesn't find what was said before they joined.
    const gus = await makeUser(runtime, "Gus");
    await groups.addMembers(runtime, eve, { group_id: group.id, user_ids: [gus] });
    expect((await search.searchMessages(runtime, gus, { q: "club", limit: 10 })).messages).toEqual([]);
  });
});
