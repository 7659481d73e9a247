import { describe, expect, it } from "vitest";

import type { ChatOutput, MessageOutput } from "@parley/sdk";

import { buildRows } from "./rows";
import {
  chatReducer,
  initialChatState,
  sortedChats,
  type ChatAction,
  type ChatState,
  type OutgoingMessage,
} from "./state";

const ME = 1;
const PEER = 2;
const CHAT = 10;

function message(seq: number, overrides: Partial<MessageOutput> = {}): MessageOutput {
  return {
    id: 100 + seq,
    chat_id: CHAT,
    seq,
    sender_id: PEER,
    receiver_id: ME,
    client_msg_id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    content: `message ${seq}`,
    message_type: "text",
    status: "sent",
    reply_to_message_id: null,
    reply_to: null,
    is_forwarded: false,
    is_deleted: false,
    created_at: new Date(2026, 0, 1, 12, seq).toISOString(),
    ...overrides,
  };
}

function chat(overrides: Partial<ChatOutput> = {}): ChatOutput {
  return {
    type: "direct",
    id: CHAT,
    peer: {
      id: PEER,
      phone_number: "+14152010002",
      full_name: "Grace Hopper",
      profile_picture_url: null,
      status_message: null,
      is_online: true,
      last_seen: null,
    },
    last_message: message(2),
    last_message_at: message(2).created_at,
    unread_count: 2,
    last_seq: 2,
    ...overrides,
  };
}

function run(...actions: ChatAction[]): ChatState {
  return actions.reduce(chatReducer, initialChatState(ME));
}

const outgoing = (id: string, at = new Date(2026, 0, 2, 13)): OutgoingMessage => ({
  client_msg_id: id,
  content: "on its way",
  reply_to: null,
  created_at: at.toISOString(),
  state: "pending",
  error: null,
});

describe("chatReducer", () => {
  it("keeps one copy per message id, in seq order, whatever order pages and events arrive in", () => {
    const state = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "messages_received", messages: [message(3)] },
      { type: "history_loaded", peerId: PEER, messages: [message(3), message(2), message(1)], hasOlder: false },
      { type: "messages_received", messages: [message(3), message(2)] },
    );
    expect(state.conversations[PEER]?.messages.map((item) => item.seq)).toEqual([1, 2, 3]);
  });

  it("counts a live message as unread once, and not when the chat is being read", () => {
    const loaded = run({ type: "chats_loaded", chats: [chat()], cursor: null });
    const once = [message(3), message(3)].reduce(
      (state, item) => chatReducer(state, { type: "messages_received", messages: [item] }),
      loaded,
    );
    expect(once.chats[PEER]?.unreadCount).toBe(3);
    // A message the list already counted (a replay after a reload) adds nothing.
    expect(chatReducer(loaded, { type: "messages_received", messages: [message(2)] }).chats[PEER]?.unreadCount).toBe(2);

    const reading = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "active_changed", peerId: PEER },
      { type: "messages_received", messages: [message(3)] },
    );
    expect(reading.chats[PEER]?.unreadCount).toBe(2);
  });

  it("replaces the optimistic message with the server's by client_msg_id", () => {
    const pending = outgoing("00000000-0000-4000-8000-000000000099");
    const state = run(
      { type: "outbox_added", peerId: PEER, message: pending },
      {
        type: "messages_received",
        messages: [message(1, { sender_id: ME, receiver_id: PEER, client_msg_id: pending.client_msg_id })],
      },
    );
    const conversation = state.conversations[PEER];
    expect(conversation?.outbox).toEqual([]);
    expect(conversation?.messages).toHaveLength(1);
    expect(state.chats[PEER]?.chatId).toBe(CHAT);
  });

  it("moves ticks forward only: delivered by id, read up to a seq", () => {
    const mine = (seq: number) => message(seq, { sender_id: ME, receiver_id: PEER });
    let state = run(
      { type: "chats_loaded", chats: [chat({ last_message: mine(3), last_seq: 3, unread_count: 0 })], cursor: null },
      { type: "history_loaded", peerId: PEER, messages: [mine(1), mine(2), mine(3)], hasOlder: false },
      { type: "status_updated", chatId: CHAT, status: "delivered", messageIds: [101, 102, 103], upToSeq: null },
      { type: "status_updated", chatId: CHAT, status: "read", messageIds: [], upToSeq: 2 },
    );
    expect(state.conversations[PEER]?.messages.map((item) => item.status)).toEqual(["read", "read", "delivered"]);
    expect(state.chats[PEER]?.lastMessage?.status).toBe("delivered");

    // A stale copy of a message never takes a tick back.
    state = chatReducer(state, { type: "messages_received", messages: [mine(1)] });
    expect(state.conversations[PEER]?.messages[0]?.status).toBe("read");
  });

  it("blanks a message deleted for everyone, quotes of it included, and drops one deleted for me", () => {
    const quoting = message(3, {
      reply_to_message_id: 101,
      reply_to: { id: 101, sender_id: PEER, content: "message 1", message_type: "text", is_deleted: false },
    });
    let state = run(
      { type: "chats_loaded", chats: [chat({ last_message: quoting, last_seq: 3 })], cursor: null },
      { type: "history_loaded", peerId: PEER, messages: [message(1), message(2), quoting], hasOlder: false },
      { type: "message_deleted", chatId: CHAT, messageId: 101, forEveryone: true },
    );
    const [first, , third] = state.conversations[PEER]?.messages ?? [];
    expect(first).toMatchObject({ is_deleted: true, content: null });
    expect(third?.reply_to).toMatchObject({ is_deleted: true, content: null });

    state = chatReducer(state, { type: "message_deleted", chatId: CHAT, messageId: 103, forEveryone: false });
    expect(state.conversations[PEER]?.messages.map((item) => item.seq)).toEqual([1, 2]);
    expect(state.chats[PEER]?.lastMessage?.seq).toBe(2);
    // A page fetched before the deletion does not bring it back.
    state = chatReducer(state, { type: "history_loaded", peerId: PEER, messages: [quoting], hasOlder: false });
    expect(state.conversations[PEER]?.messages.map((item) => item.seq)).toEqual([1, 2]);
  });

  it("lists a first message's chat at once and forgets it if the message is given up", () => {
    const pending = outgoing("00000000-0000-4000-8000-000000000042");
    const state = run({ type: "outbox_added", peerId: PEER, message: pending });
    expect(sortedChats(state).map((item) => item.peerId)).toEqual([PEER]);
    const discarded = chatReducer(state, { type: "outbox_removed", peerId: PEER, clientMsgId: pending.client_msg_id });
    expect(sortedChats(discarded)).toEqual([]);
  });

  it("reading on another device clears the unread count", () => {
    const state = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "chat_read", chatId: CHAT, upToSeq: 2, unreadCount: 0 },
    );
    expect(state.chats[PEER]?.unreadCount).toBe(0);
    expect(state.chats[PEER]?.lastMessage?.status).toBe("read");
  });
});

describe("buildRows", () => {
  it("separates days, marks where unread messages start and groups by sender", () => {
    const rows = buildRows(
      [
        message(1, { created_at: new Date(2026, 0, 1, 9).toISOString() }),
        message(2, { created_at: new Date(2026, 0, 2, 9).toISOString(), sender_id: ME, receiver_id: PEER }),
        message(3, { created_at: new Date(2026, 0, 2, 10).toISOString() }),
        message(4, { created_at: new Date(2026, 0, 2, 11).toISOString() }),
      ],
      [outgoing("00000000-0000-4000-8000-000000000007")],
      ME,
      3,
    );
    expect(
      rows.map((row) =>
        row.kind === "message" || row.kind === "outgoing" ? `${row.kind}${row.startsGroup ? "*" : ""}` : row.kind,
      ),
    ).toEqual(["day", "message*", "day", "message*", "unread", "message*", "message", "outgoing*"]);
    expect(rows.find((row) => row.kind === "unread")).toMatchObject({ count: 2 });
  });
});
