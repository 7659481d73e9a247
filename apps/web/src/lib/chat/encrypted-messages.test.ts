import { describe, expect, it } from "vitest";

import type { OpenedMessage } from "@parley/sdk";

import { reactionSummaries, shownMessage } from "./encrypted-messages";
import { directMessage, groupMessage } from "./test-fixtures";

const framing = { kind: "application" as const, epoch: 3, sender_device_id: null, ciphertext: "AAAA" };
const server = directMessage({ id: 7, seq: 4, content: null, message_type: "encrypted", encrypted: framing });
const place = { id: 7, seq: 4, chat_id: 1, group_id: null, sender_id: 1, created_at: server.created_at };

function opened(body: Extract<OpenedMessage, { state: "opened" }>["body"], extra: Partial<OpenedMessage> = {}) {
  return { ...place, state: "opened", body, edited_at: null, reactions: {}, ...extra } as OpenedMessage;
}

describe("an encrypted message as it shows", () => {
  it("fills in the text, the reply's quote, the edit and the reactions the device opened, keeping its MLS framing", () => {
    const shown = shownMessage(
      server,
      opened(
        {
          v: 1,
          type: "text",
          content: "see you there",
          reply_to: { id: 3, sender_id: 2, message_type: "text", content: "lunch?", location_name: null },
        },
        { edited_at: "2026-01-01T12:05:00.000Z", reactions: { "2": "👍", "3": "👍", "4": "😂" } },
      ),
    );
    expect(shown).toMatchObject({
      id: 7,
      message_type: "text",
      content: "see you there",
      reply_to_message_id: 3,
      reply_to: { id: 3, sender_id: 2, content: "lunch?", is_deleted: false },
      edited_at: "2026-01-01T12:05:00.000Z",
      reactions: [
        { emoji: "👍", count: 2, user_ids: [2, 3] },
        { emoji: "😂", count: 1, user_ids: [4] },
      ],
      encrypted: framing,
    });
  });

  it("shows a place as a location message, and a forwarded copy as forwarded", () => {
    const shown = shownMessage(
      groupMessage({ message_type: "encrypted", content: null, encrypted: framing }),
      opened({ v: 1, type: "location", location: { latitude: 1.5, longitude: 2.5 }, forwarded: true }),
    );
    expect(shown).toMatchObject({
      message_type: "location",
      content: null,
      location: { latitude: 1.5, longitude: 2.5, name: null },
      is_forwarded: true,
    });
  });

  it("leaves out commits, edits, reactions and what came before the device joined", () => {
    expect(shownMessage({ ...server, encrypted: { ...framing, kind: "commit" } }, null)).toBeNull();
    expect(shownMessage(server, opened({ v: 1, type: "edit", target_seq: 2, content: "x" }))).toBeNull();
    expect(shownMessage(server, opened({ v: 1, type: "reaction", target_seq: 2, emoji: null }))).toBeNull();
    expect(shownMessage(server, null)).toBeNull();
  });

  it("keeps one it couldn't open as encrypted (shown as couldn't decrypt), and a deleted one as deleted", () => {
    expect(shownMessage(server, { ...place, state: "undecryptable", reason: "bad tag" })).toMatchObject({
      message_type: "encrypted",
      content: null,
    });
    expect(shownMessage(server, { ...place, state: "deleted" })).toMatchObject({ is_deleted: true, content: null });
    expect(shownMessage({ ...server, is_deleted: true }, null)).toMatchObject({ is_deleted: true });
  });

  it("passes a plaintext message through as it is", () => {
    const plain = directMessage();
    expect(shownMessage(plain, null)).toBe(plain);
  });

  it("counts reactions most used first, one per person", () => {
    expect(reactionSummaries({})).toEqual([]);
    expect(reactionSummaries({ "9": "❤️", "1": "🙏", "5": "❤️" })).toEqual([
      { emoji: "❤️", count: 2, user_ids: [5, 9] },
      { emoji: "🙏", count: 1, user_ids: [1] },
    ]);
  });
});
