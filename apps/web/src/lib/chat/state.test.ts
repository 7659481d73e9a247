import { describe, expect, it } from "vitest";

import type { ChatOutput, GroupChatOutput, GroupMessageOutput, GroupOutput, MessageOutput } from "@parley/sdk";

import { buildRows } from "./rows";
import {
  chatReducer,
  directKey,
  groupKey,
  initialChatState,
  sortedChats,
  type ChatAction,
  type ChatState,
  type OutgoingMessage,
} from "./state";
import { directMessage } from "./test-fixtures";

const ME = 1;
const PEER = 2;
const CHAT = 10;
const KEY = directKey(PEER);

function message(seq: number, overrides: Partial<MessageOutput> = {}): MessageOutput {
  return directMessage({
    id: 100 + seq,
    chat_id: CHAT,
    seq,
    sender_id: PEER,
    receiver_id: ME,
    client_msg_id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    content: `message ${seq}`,
    created_at: new Date(2026, 0, 1, 12, seq).toISOString(),
    ...overrides,
  });
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
      profile_picture_media_id: null,
      status_message: null,
      is_online: true,
      last_seen: null,
    },
    last_message: message(2),
    last_message_at: message(2).created_at,
    unread_count: 2,
    last_seq: 2,
    e2ee: false,
    ...overrides,
  };
}

function run(...actions: ChatAction[]): ChatState {
  return actions.reduce(chatReducer, initialChatState(ME));
}

const outgoing = (id: string, at = new Date(2026, 0, 2, 13)): OutgoingMessage => ({
  client_msg_id: id,
  message_type: "text",
  content: "on its way",
  media: null,
  location: null,
  reply_to: null,
  created_at: at.toISOString(),
  state: "pending",
  error: null,
  can_retry: true,
});

describe("chatReducer", () => {
  it("keeps one copy per message id, in seq order, whatever order pages and events arrive in", () => {
    const state = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "messages_received", messages: [message(3)] },
      { type: "history_loaded", key: KEY, messages: [message(3), message(2), message(1)], hasOlder: false },
      { type: "messages_received", messages: [message(3), message(2)] },
    );
    expect(state.conversations[KEY]?.messages.map((item) => item.seq)).toEqual([1, 2, 3]);
  });

  it("counts a live message as unread once, and not when the chat is being read", () => {
    const loaded = run({ type: "chats_loaded", chats: [chat()], cursor: null });
    const once = [message(3), message(3)].reduce(
      (state, item) => chatReducer(state, { type: "messages_received", messages: [item] }),
      loaded,
    );
    expect(once.chats[KEY]?.unreadCount).toBe(3);
    // A message the list already counted (a replay after a reload) adds nothing.
    expect(chatReducer(loaded, { type: "messages_received", messages: [message(2)] }).chats[KEY]?.unreadCount).toBe(2);

    const reading = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "active_changed", key: KEY },
      { type: "messages_received", messages: [message(3)] },
    );
    expect(reading.chats[KEY]?.unreadCount).toBe(2);
  });

  it("replaces the optimistic message with the server's by client_msg_id", () => {
    const pending = outgoing("00000000-0000-4000-8000-000000000099");
    const state = run(
      { type: "outbox_added", key: KEY, message: pending },
      {
        type: "messages_received",
        messages: [message(1, { sender_id: ME, receiver_id: PEER, client_msg_id: pending.client_msg_id })],
      },
    );
    const conversation = state.conversations[KEY];
    expect(conversation?.outbox).toEqual([]);
    expect(conversation?.messages).toHaveLength(1);
    expect(state.chats[KEY]).toMatchObject({ kind: "direct", chatId: CHAT });
  });

  it("moves ticks forward only: delivered by id, read up to a seq", () => {
    const mine = (seq: number) => message(seq, { sender_id: ME, receiver_id: PEER });
    let state = run(
      { type: "chats_loaded", chats: [chat({ last_message: mine(3), last_seq: 3, unread_count: 0 })], cursor: null },
      { type: "history_loaded", key: KEY, messages: [mine(1), mine(2), mine(3)], hasOlder: false },
      { type: "status_updated", chatId: CHAT, status: "delivered", messageIds: [101, 102, 103], upToSeq: null },
      { type: "status_updated", chatId: CHAT, status: "read", messageIds: [], upToSeq: 2 },
    );
    expect(state.conversations[KEY]?.messages.map((item) => item.status)).toEqual(["read", "read", "delivered"]);
    expect(state.chats[KEY]?.lastMessage?.status).toBe("delivered");

    // A stale copy of a message never takes a tick back.
    state = chatReducer(state, { type: "messages_received", messages: [mine(1)] });
    expect(state.conversations[KEY]?.messages[0]?.status).toBe("read");
  });

  it("blanks a message deleted for everyone, quotes of it included, and drops one deleted for me", () => {
    const quoting = message(3, {
      reply_to_message_id: 101,
      reply_to: {
        id: 101,
        sender_id: PEER,
        content: "message 1",
        message_type: "text",
        is_deleted: false,
        media: null,
        location_name: null,
      },
    });
    let state = run(
      { type: "chats_loaded", chats: [chat({ last_message: quoting, last_seq: 3 })], cursor: null },
      { type: "history_loaded", key: KEY, messages: [message(1), message(2), quoting], hasOlder: false },
      { type: "message_deleted", key: KEY, messageId: 101, forEveryone: true },
    );
    const [first, , third] = state.conversations[KEY]?.messages ?? [];
    expect(first).toMatchObject({ is_deleted: true, content: null });
    expect(third?.reply_to).toMatchObject({ is_deleted: true, content: null });

    state = chatReducer(state, { type: "message_deleted", key: KEY, messageId: 103, forEveryone: false });
    expect(state.conversations[KEY]?.messages.map((item) => item.seq)).toEqual([1, 2]);
    expect(state.chats[KEY]?.lastMessage?.seq).toBe(2);
    // A page fetched before the deletion does not bring it back.
    state = chatReducer(state, { type: "history_loaded", key: KEY, messages: [quoting], hasOlder: false });
    expect(state.conversations[KEY]?.messages.map((item) => item.seq)).toEqual([1, 2]);
  });

  it("lists a first message's chat at once and forgets it if the message is given up", () => {
    const pending = outgoing("00000000-0000-4000-8000-000000000042");
    const state = run({ type: "outbox_added", key: KEY, message: pending });
    expect(sortedChats(state).map((item) => item.key)).toEqual([KEY]);
    const discarded = chatReducer(state, { type: "outbox_removed", key: KEY, clientMsgId: pending.client_msg_id });
    expect(sortedChats(discarded)).toEqual([]);
  });

  it("moves an upload's progress and keeps the state when nothing changed", () => {
    const pending: OutgoingMessage = {
      ...outgoing("00000000-0000-4000-8000-000000000077"),
      message_type: "image",
      content: "",
      media: {
        kind: "image",
        file: new Blob(["png"], { type: "image/png" }),
        file_name: "cat.png",
        mime_type: "image/png",
        size: 3,
        preview_url: null,
        width: 64,
        height: 64,
        duration_seconds: null,
        is_voice_note: false,
        stage: "uploading",
        progress: 0,
        media_id: null,
      },
    };
    const clientMsgId = pending.client_msg_id;
    const state = run(
      { type: "outbox_added", key: KEY, message: pending },
      { type: "outbox_media_updated", key: KEY, clientMsgId, media: { progress: 0.5 } },
    );
    expect(state.conversations[KEY]?.outbox[0]?.media).toMatchObject({ stage: "uploading", progress: 0.5 });
    expect(chatReducer(state, { type: "outbox_media_updated", key: KEY, clientMsgId, media: { progress: 0.5 } })).toBe(
      state,
    );
    const failed = chatReducer(state, {
      type: "outbox_updated",
      key: KEY,
      clientMsgId,
      state: "failed",
      error: "This file isn't a real JPEG",
      canRetry: false,
    });
    expect(failed.conversations[KEY]?.outbox[0]).toMatchObject({ state: "failed", can_retry: false });
  });

  it("a file deleted for everyone takes its media and place with it", () => {
    const media = {
      id: "6f1c1f6e-8a4b-4c1e-9d7b-2f1b1a1e1c1d",
      kind: "image" as const,
      mime_type: "image/png",
      size: 100,
      file_name: null,
      width: 64,
      height: 64,
      duration_seconds: null,
      has_thumbnail: true,
      is_voice_note: false,
    };
    const state = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "messages_received", messages: [message(3, { message_type: "image", content: "Look", media })] },
      { type: "message_deleted", key: KEY, messageId: 103, forEveryone: true },
    );
    expect(state.conversations[KEY]?.messages.at(-1)).toMatchObject({ is_deleted: true, content: null, media: null });
    expect(state.chats[KEY]?.lastMessage).toMatchObject({ is_deleted: true, media: null });
  });

  it("reading on another device clears the unread count", () => {
    const state = run(
      { type: "chats_loaded", chats: [chat()], cursor: null },
      { type: "chat_read", chatId: CHAT, upToSeq: 2, unreadCount: 0 },
    );
    expect(state.chats[KEY]?.unreadCount).toBe(0);
    expect(state.chats[KEY]?.lastMessage?.status).toBe("read");
  });
});

const GROUP = 10;
const GROUP_KEY = groupKey(GROUP);
const ANA = 3;
const BEN = 4;

function groupMessage(seq: number, overrides: Partial<GroupMessageOutput> = {}): GroupMessageOutput {
  return {
    id: 500 + seq,
    group_id: GROUP,
    seq,
    sender_id: ANA,
    client_msg_id: null,
    content: `group message ${seq}`,
    message_type: "text",
    system: null,
    status: "sent",
    reply_to_message_id: null,
    reply_to: null,
    media: null,
    location: null,
    is_forwarded: false,
    edited_at: null,
    reactions: [],
    encrypted: null,
    is_deleted: false,
    created_at: new Date(2026, 0, 1, 13, seq).toISOString(),
    ...overrides,
  };
}

const summary: GroupChatOutput["group"] = {
  id: GROUP,
  name: "Engines",
  description: null,
  profile_picture_url: null,
  picture_media_id: null,
  created_by: ME,
  created_at: new Date(2026, 0, 1, 13).toISOString(),
  member_count: 3,
  is_member: true,
  my_role: "admin",
  left_reason: null,
  e2ee: false,
};

function groupChat(overrides: Partial<GroupChatOutput> = {}): GroupChatOutput {
  return {
    type: "group",
    id: GROUP,
    group: summary,
    last_message: groupMessage(2),
    last_message_at: groupMessage(2).created_at,
    unread_count: 1,
    last_seq: 2,
    ...overrides,
  };
}

describe("chatReducer with groups", () => {
  it("keeps a group and a 1:1 chat with the same id apart, newest first", () => {
    const state = run({
      type: "chats_loaded",
      chats: [groupChat({ last_message_at: new Date(2026, 0, 3).toISOString() }), chat()],
      cursor: null,
    });
    expect(sortedChats(state).map((item) => item.key)).toEqual([GROUP_KEY, KEY]);
    expect(state.chats[GROUP_KEY]).toMatchObject({ kind: "group", groupId: GROUP, unreadCount: 1 });
    expect(state.chats[KEY]).toMatchObject({ kind: "direct", chatId: CHAT, peerId: PEER });
  });

  it("counts others' live messages as unread, and lists a group heard of first through a message", () => {
    let state = run(
      { type: "group_messages_received", messages: [groupMessage(1), groupMessage(2, { sender_id: ME })] },
      { type: "typing", key: GROUP_KEY, userId: ANA, isTyping: true },
      { type: "typing", key: GROUP_KEY, userId: BEN, isTyping: true },
    );
    expect(state.chats[GROUP_KEY]).toMatchObject({ kind: "group", group: null, unreadCount: 1, lastSeq: 2 });
    expect(state.typing[GROUP_KEY]).toEqual([ANA, BEN]);

    // Ana's message ends her "typing…", not Ben's.
    state = chatReducer(state, { type: "group_messages_received", messages: [groupMessage(3)] });
    expect(state.typing[GROUP_KEY]).toEqual([BEN]);
    expect(state.conversations[GROUP_KEY]?.messages.map((item) => item.seq)).toEqual([1, 2, 3]);
    expect(state.chats[GROUP_KEY]?.unreadCount).toBe(2);
  });

  it("turns my messages' ticks up to a seq, never a system line's or someone else's", () => {
    const mine = (seq: number) => groupMessage(seq, { sender_id: ME });
    const system = groupMessage(1, {
      sender_id: ME,
      message_type: "system",
      system: { action: "created", actor_id: ME, user_ids: [ANA, BEN], name: "Engines" },
    });
    const state = run(
      { type: "chats_loaded", chats: [groupChat({ last_message: mine(4), last_seq: 4 })], cursor: null },
      {
        type: "history_loaded",
        key: GROUP_KEY,
        messages: [system, mine(2), groupMessage(3), mine(4)],
        hasOlder: false,
      },
      { type: "group_status_updated", groupId: GROUP, status: "delivered", upToSeq: 4 },
      { type: "group_status_updated", groupId: GROUP, status: "read", upToSeq: 2 },
    );
    expect(state.conversations[GROUP_KEY]?.messages.map((item) => item.status)).toEqual([
      "sent",
      "read",
      "sent",
      "delivered",
    ]);
    expect(state.chats[GROUP_KEY]?.lastMessage?.status).toBe("delivered");
  });

  it("keeps my role through a group_updated, and marks me out when removed", () => {
    const group: GroupOutput = {
      ...summary,
      updated_at: summary.created_at,
      last_seq: 2,
      members: [],
    };
    let state = run(
      { type: "chats_loaded", chats: [groupChat()], cursor: null },
      { type: "group_loaded", group },
      { type: "group_updated", group: { ...summary, name: "Difference Engines", is_member: false, my_role: null } },
    );
    expect(state.chats[GROUP_KEY]).toMatchObject({ group: { name: "Difference Engines", is_member: true } });

    state = chatReducer(state, { type: "group_left", groupId: GROUP, reason: "removed" });
    expect(state.chats[GROUP_KEY]).toMatchObject({ leftReason: "removed", group: { is_member: false, my_role: null } });
    // A slower chat list page does not forget why.
    state = chatReducer(state, {
      type: "chats_loaded",
      chats: [groupChat({ group: { ...summary, is_member: false, my_role: null } })],
      cursor: null,
    });
    expect(state.chats[GROUP_KEY]).toMatchObject({ leftReason: "removed" });
  });

  it("knows after a reload that I was removed, from the chat list", () => {
    const state = run({
      type: "chats_loaded",
      chats: [groupChat({ group: { ...summary, is_member: false, my_role: null, left_reason: "removed" } })],
      cursor: null,
    });
    expect(state.chats[GROUP_KEY]).toMatchObject({ leftReason: "removed" });
  });

  it("drops a deleted group from the list and says it is gone", () => {
    const state = run(
      { type: "chats_loaded", chats: [groupChat()], cursor: null },
      { type: "conversation_gone", key: GROUP_KEY },
    );
    expect(sortedChats(state)).toEqual([]);
    expect(state.conversations[GROUP_KEY]?.history).toBe("gone");
  });
});

describe("chatReducer with message actions", () => {
  const edited = new Date(2026, 0, 1, 12, 30).toISOString();

  it("shows an edit in the conversation, the chat's preview and the quotes of it", () => {
    const quoting = message(3, {
      reply_to_message_id: 102,
      reply_to: {
        id: 102,
        sender_id: PEER,
        content: "message 2",
        message_type: "text",
        is_deleted: false,
        media: null,
        location_name: null,
      },
    });
    const state = run(
      { type: "chats_loaded", chats: [chat({ last_message: message(2) })], cursor: null },
      { type: "history_loaded", key: KEY, messages: [message(1), message(2), quoting], hasOlder: false },
      { type: "message_edited", key: KEY, messageId: 102, content: "message 2, better", editedAt: edited },
    );
    const [, second, third] = state.conversations[KEY]?.messages ?? [];
    expect(second).toMatchObject({ content: "message 2, better", edited_at: edited });
    expect(third?.reply_to?.content).toBe("message 2, better");
    expect(state.chats[KEY]?.lastMessage).toMatchObject({ id: 102, content: "message 2, better", edited_at: edited });
  });

  it("keeps the edited text when an older copy of the message comes again", () => {
    let state = run(
      { type: "chats_loaded", chats: [chat({ last_message: message(1), last_seq: 1, unread_count: 0 })], cursor: null },
      { type: "history_loaded", key: KEY, messages: [message(1)], hasOlder: false },
      { type: "message_edited", key: KEY, messageId: 101, content: "fixed", editedAt: edited },
    );
    // A replayed new_message event carries the text as it was sent.
    state = chatReducer(state, { type: "messages_received", messages: [message(1)] });
    expect(state.conversations[KEY]?.messages[0]).toMatchObject({ content: "fixed", edited_at: edited });
    expect(state.chats[KEY]?.lastMessage).toMatchObject({ content: "fixed", edited_at: edited });
    // An edit event older than the one shown changes nothing.
    const before = state;
    state = chatReducer(state, {
      type: "message_edited",
      key: KEY,
      messageId: 101,
      content: "first try",
      editedAt: new Date(2026, 0, 1, 12, 20).toISOString(),
    });
    expect(state).toBe(before);
  });

  it("replaces a message's reactions, in the conversation and the preview, and ignores an unchanged list", () => {
    const reactions = [{ emoji: "👍", count: 2, user_ids: [PEER, ME] }];
    const state = run(
      { type: "chats_loaded", chats: [chat({ last_message: message(2) })], cursor: null },
      { type: "history_loaded", key: KEY, messages: [message(1), message(2)], hasOlder: false },
      { type: "reactions_updated", key: KEY, messageId: 102, reactions },
    );
    expect(state.conversations[KEY]?.messages[1]?.reactions).toEqual(reactions);
    expect(state.chats[KEY]?.lastMessage?.reactions).toEqual(reactions);
    const again = chatReducer(state, {
      type: "reactions_updated",
      key: KEY,
      messageId: 102,
      reactions: [{ emoji: "👍", count: 2, user_ids: [PEER, ME] }],
    });
    expect(again).toBe(state);
    // A page with the same reactions keeps the message as it was (no re-render).
    const paged = chatReducer(state, {
      type: "history_loaded",
      key: KEY,
      messages: [message(2, { reactions: [{ emoji: "👍", count: 2, user_ids: [PEER, ME] }] })],
      hasOlder: false,
    });
    expect(paged.conversations[KEY]?.messages[1]).toBe(state.conversations[KEY]?.messages[1]);
  });

  it("updates a group message's reactions by its group", () => {
    const reactions = [{ emoji: "🙏", count: 1, user_ids: [BEN] }];
    const state = run(
      { type: "history_loaded", key: groupKey(GROUP), messages: [groupMessage(1), groupMessage(2)], hasOlder: false },
      { type: "reactions_updated", key: groupKey(GROUP), messageId: groupMessage(2).id, reactions },
    );
    expect(state.conversations[groupKey(GROUP)]?.messages.map((item) => item.reactions)).toEqual([[], reactions]);
  });

  it("keeps the starred set from the list and from live stars", () => {
    let state = run(
      { type: "starred_loaded", messageIds: [101, 102] },
      { type: "starred_changed", messageId: 103, isStarred: true },
      { type: "starred_changed", messageId: 101, isStarred: false },
    );
    expect(Object.keys(state.starred).map(Number)).toEqual([102, 103]);
    const before = state;
    state = chatReducer(state, { type: "starred_changed", messageId: 102, isStarred: true });
    expect(state).toBe(before);
  });

  it("asks for a message to be shown until the list has shown it", () => {
    const focus = { key: KEY, messageId: 101, seq: 1 };
    let state = run({ type: "focus_requested", focus });
    expect(state.focus).toEqual(focus);
    state = chatReducer(state, { type: "focus_cleared" });
    expect(state.focus).toBeNull();
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

describe("buildRows in a group", () => {
  it("puts system lines on their own and starts a new bubble group after them", () => {
    const rows = buildRows(
      [
        groupMessage(1),
        groupMessage(2, {
          message_type: "system",
          system: { action: "added", actor_id: ME, user_ids: [BEN], name: null },
        }),
        groupMessage(3),
      ],
      [],
      ME,
      null,
    );
    expect(rows.map((row) => (row.kind === "message" ? `${row.kind}${row.startsGroup ? "*" : ""}` : row.kind))).toEqual(
      ["day", "message*", "system", "message*"],
    );
  });
});
