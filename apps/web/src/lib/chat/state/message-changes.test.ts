import { describe, expect, it } from "vitest";

import { directMessage, groupMessage } from "../test-fixtures";
import { bumpMine, deletedForEveryone, edited, messageChangeOf, readUpTo, withReactions } from "./message-changes";
import { directKey, groupKey } from "./types";

const ME = 1;
const PEER = 2;

describe("message changes", () => {
  it("bumpMine: my messages only, forward only, never a system line", () => {
    const bump = bumpMine(ME, () => true, "delivered");
    const mine = directMessage({ sender_id: ME, status: "sent" });
    expect(bump(mine).status).toBe("delivered");
    const read = directMessage({ sender_id: ME, status: "read" });
    expect(bump(read)).toBe(read);
    const theirs = directMessage({ sender_id: PEER });
    expect(bump(theirs)).toBe(theirs);
    const system = groupMessage({ sender_id: ME, message_type: "system" });
    expect(bump(system)).toBe(system);
  });

  it("readUpTo: the peer's messages up to the seq", () => {
    const read = readUpTo(PEER, 2);
    expect(read(directMessage({ sender_id: PEER, seq: 2 })).status).toBe("read");
    const later = directMessage({ sender_id: PEER, seq: 3 });
    expect(read(later)).toBe(later);
  });

  it("edited: the message and the quotes of it, never an older edit or a deleted message", () => {
    const at = new Date(2026, 0, 2).toISOString();
    const change = edited(10, "new", at);
    expect(change(directMessage({ id: 10 }))).toMatchObject({ content: "new", edited_at: at });
    const quote = directMessage({
      id: 11,
      reply_to: {
        id: 10,
        sender_id: PEER,
        content: "old",
        message_type: "text",
        is_deleted: false,
        media: null,
        location_name: null,
      },
    });
    expect(change(quote).reply_to?.content).toBe("new");
    const newer = directMessage({ id: 10, content: "newer", edited_at: new Date(2026, 0, 3).toISOString() });
    expect(change(newer)).toBe(newer);
    const deleted = directMessage({ id: 10, is_deleted: true, content: null });
    expect(change(deleted)).toBe(deleted);
  });

  it("withReactions: replaces the list, keeps the message when it is the same", () => {
    const reactions = [{ emoji: "👍", count: 1, user_ids: [PEER] }];
    const message = directMessage({ id: 10, reactions });
    expect(withReactions(10, [{ emoji: "👍", count: 1, user_ids: [PEER] }])(message)).toBe(message);
    expect(withReactions(10, [])(message).reactions).toEqual([]);
  });

  it("deletedForEveryone: blanks the message and the quotes of it", () => {
    const change = deletedForEveryone(10);
    expect(change(directMessage({ id: 10 }))).toMatchObject({ is_deleted: true, content: null, reactions: [] });
    const other = directMessage({ id: 12 });
    expect(change(other)).toBe(other);
  });

  it("messageChangeOf: finds the conversation by chat, group or key, and nothing for an unknown chat", () => {
    const state = { selfId: ME, chatPeers: { 7: PEER } };
    expect(
      messageChangeOf(state, { type: "status_updated", chatId: 7, status: "read", messageIds: [], upToSeq: 1 })?.key,
    ).toBe(directKey(PEER));
    expect(
      messageChangeOf(state, { type: "status_updated", chatId: 8, status: "read", messageIds: [], upToSeq: 1 }),
    ).toBeNull();
    expect(messageChangeOf(state, { type: "group_status_updated", groupId: 5, status: "read", upToSeq: 1 })?.key).toBe(
      groupKey(5),
    );
    expect(messageChangeOf(state, { type: "chat_read", chatId: 7, upToSeq: 1, unreadCount: 0 })?.key).toBe(
      directKey(PEER),
    );
    expect(
      messageChangeOf(state, { type: "reactions_updated", key: groupKey(5), messageId: 1, reactions: [] })?.key,
    ).toBe(groupKey(5));
    expect(messageChangeOf(state, { type: "focus_cleared" })).toBeNull();
  });
});
