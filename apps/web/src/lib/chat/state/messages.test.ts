import { describe, expect, it } from "vitest";

import { directMessage, groupMessage } from "../test-fixtures";
import { isLaterEdit, laterStatus, mergeMessages, peerOf, peopleIn, updateMessages } from "./messages";

describe("message helpers", () => {
  it("moves a status forward only", () => {
    expect(laterStatus("delivered", "sent")).toBe("delivered");
    expect(laterStatus("delivered", "read")).toBe("read");
  });

  it("knows the other person of a 1:1 message either way", () => {
    expect(peerOf({ sender_id: 1, receiver_id: 2 }, 1)).toBe(2);
    expect(peerOf({ sender_id: 2, receiver_id: 1 }, 1)).toBe(2);
  });

  it("keeps a later edit over an older copy", () => {
    const early = new Date(2026, 0, 1).toISOString();
    const late = new Date(2026, 0, 2).toISOString();
    expect(isLaterEdit(late, early)).toBe(true);
    expect(isLaterEdit(late, null)).toBe(true);
    expect(isLaterEdit(null, late)).toBe(false);
    expect(isLaterEdit(early, late)).toBe(false);
  });

  it("merges by id in seq order, skips hidden ids, and returns the same list when nothing is new", () => {
    const one = directMessage({ id: 1, seq: 1 });
    const two = directMessage({ id: 2, seq: 2 });
    const merged = mergeMessages([two], [one, directMessage({ id: 3, seq: 3 })], [3]);
    expect(merged.map((message) => message.id)).toEqual([1, 2]);
    expect(mergeMessages(merged, [one])).toBe(merged);
  });

  it("updateMessages changes only what the change touches, and keeps the list when it touches none", () => {
    const messages = [directMessage({ id: 1 }), directMessage({ id: 2 })];
    const changed = updateMessages(messages, (message) =>
      message.id === 2 ? { ...message, content: "changed" } : message,
    );
    expect(changed.map((message) => message.content)).toEqual(["hello", "changed"]);
    expect(changed[0]).toBe(messages[0]);
    expect(updateMessages(messages, (message) => message)).toBe(messages);
  });

  it("lists everyone messages name, system messages' subjects included", () => {
    const system = groupMessage({
      sender_id: 3,
      message_type: "system",
      system: { action: "added", actor_id: 3, user_ids: [4, 5], name: null },
    });
    expect(peopleIn([groupMessage({ sender_id: 6 }), system])).toEqual([6, 3, 3, 4, 5]);
  });
});
