import { describe, expect, it } from "vitest";

import type { MessageOutput } from "@parley/sdk";

import { canEdit, canForward, foundKey, myReaction, toggledReaction, withReaction } from "./message-actions";
import { directMessage } from "./test-fixtures";
import { directKey, groupKey } from "./state";

const ME = 1;
const ANA = 2;
const BEN = 3;

describe("reactions", () => {
  const reactions = [
    { emoji: "👍", count: 2, user_ids: [ANA, BEN] },
    { emoji: "❤️", count: 1, user_ids: [ME] },
  ];

  it("finds my reaction, and takes it back when I pick it again", () => {
    expect(myReaction(reactions, ME)).toBe("❤️");
    expect(myReaction(reactions, 9)).toBeNull();
    expect(toggledReaction(reactions, ME, "❤️")).toBeNull();
    expect(toggledReaction(reactions, ME, "👍")).toBe("👍");
  });

  it("keeps one reaction per person, most used first", () => {
    expect(withReaction(reactions, ME, "👍")).toEqual([{ emoji: "👍", count: 3, user_ids: [ANA, BEN, ME] }]);
    expect(withReaction(reactions, ANA, "❤️")).toEqual([
      { emoji: "❤️", count: 2, user_ids: [ME, ANA] },
      { emoji: "👍", count: 1, user_ids: [BEN] },
    ]);
    expect(withReaction(reactions, ME, null)).toEqual([{ emoji: "👍", count: 2, user_ids: [ANA, BEN] }]);
    expect(withReaction([], ME, "😂")).toEqual([{ emoji: "😂", count: 1, user_ids: [ME] }]);
  });

  it("keeps equal counts in the order they were first used", () => {
    const tied = [
      { emoji: "😮", count: 1, user_ids: [ANA] },
      { emoji: "😢", count: 1, user_ids: [BEN] },
    ];
    expect(withReaction(tied, ME, "🙏").map((reaction) => reaction.emoji)).toEqual(["😮", "😢", "🙏"]);
  });
});

const message = (overrides: Partial<MessageOutput> = {}) =>
  directMessage({ sender_id: ME, receiver_id: ANA, ...overrides });

describe("canEdit", () => {
  const at = (minutes: number) => new Date(2026, 0, 1, 12, minutes);

  it("lets me edit my own text for fifteen minutes", () => {
    expect(canEdit(message(), ME, at(14))).toBe(true);
    expect(canEdit(message(), ME, at(15))).toBe(false);
  });

  it("never someone else's message, a file or a deleted message", () => {
    expect(canEdit(message({ sender_id: ANA, receiver_id: ME }), ME, at(1))).toBe(false);
    expect(canEdit(message({ message_type: "image" }), ME, at(1))).toBe(false);
    expect(canEdit(message({ is_deleted: true, content: null }), ME, at(1))).toBe(false);
  });

  it("forwards anything but deleted messages", () => {
    expect(canForward(message())).toBe(true);
    expect(canForward(message({ is_deleted: true }))).toBe(false);
  });
});

describe("foundKey", () => {
  it("names the conversation by the other person, or by the group", () => {
    expect(foundKey({ conversation: { type: "direct", chat_id: 5, peer_id: ANA } })).toBe(directKey(ANA));
    expect(foundKey({ conversation: { type: "group", group_id: 5, name: "Club" } })).toBe(groupKey(5));
  });
});
