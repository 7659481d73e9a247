import { describe, expect, it } from "vitest";

import type { ChatOutput } from "@parley/sdk";

import { directMessage } from "../test-fixtures";
import { reduceChatList } from "./chat-list";
import { reduceConversations } from "./conversations";
import { reduceLive } from "./live";
import { reducePeople } from "./people";
import { chatReducer, initialChatState } from "./reducer";
import { directKey, groupKey, type ChatAction, type ChatState } from "./types";
import { reduceUi } from "./ui";

const ME = 1;
const PEER = 2;
const CHAT = 10;
const KEY = directKey(PEER);

const peer: ChatOutput["peer"] = {
  id: PEER,
  phone_number: "+14152010002",
  full_name: "Grace Hopper",
  profile_picture_url: null,
  profile_picture_media_id: null,
  status_message: null,
  is_online: false,
  last_seen: null,
};

const fromPeer = (seq: number) =>
  directMessage({ id: 100 + seq, chat_id: CHAT, seq, sender_id: PEER, receiver_id: ME });

function chat(): ChatOutput {
  return {
    type: "direct",
    id: CHAT,
    peer,
    last_message: fromPeer(2),
    last_message_at: fromPeer(2).created_at,
    unread_count: 1,
    last_seq: 2,
    e2ee: false,
  };
}

const run = (...actions: ChatAction[]): ChatState => actions.reduce(chatReducer, initialChatState(ME));

const loaded = () =>
  run(
    { type: "chats_loaded", chats: [chat()], cursor: null },
    { type: "history_loaded", key: KEY, messages: [fromPeer(1), fromPeer(2)], hasOlder: false },
  );

const slices = [reduceConversations, reduceChatList, reducePeople, reduceLive, reduceUi];

describe("slices", () => {
  it("each owns its own fields, and together they own them all", () => {
    const state = loaded();
    const owned = slices.flatMap((reduce) => Object.keys(reduce(state, { type: "focus_cleared" })));
    expect(new Set(owned).size).toBe(owned.length);
    expect([...owned, "selfId"].sort()).toEqual(Object.keys(state).sort());
  });

  it("give back the very same values for an action that is not their business", () => {
    const state = loaded();
    const action: ChatAction = { type: "visibility", isVisible: false };
    for (const reduce of [reduceConversations, reduceChatList, reducePeople, reduceLive]) {
      const slice = reduce(state, action) as Partial<ChatState>;
      for (const [field, value] of Object.entries(slice)) expect(value).toBe(state[field as keyof ChatState]);
    }
    expect(reduceUi(state, action).isVisible).toBe(false);
  });

  it("the combined reducer returns the same state when no slice changed", () => {
    const state = loaded();
    expect(chatReducer(state, { type: "focus_cleared" })).toBe(state);
    expect(chatReducer(state, { type: "connection", state: "connecting" })).toBe(state);
    expect(chatReducer(state, { type: "typing", key: KEY, userId: PEER, isTyping: false })).toBe(state);
  });
});

describe("conversations slice", () => {
  it("deleted for me: dropped and remembered, even before the conversation loads", () => {
    const { conversations } = reduceConversations(initialChatState(ME), {
      type: "message_deleted",
      key: KEY,
      messageId: 101,
      forEveryone: false,
    });
    expect(conversations[KEY]?.hiddenIds).toEqual([101]);
  });

  it("marks the peer's messages read up to a seq", () => {
    const { conversations } = reduceConversations(loaded(), {
      type: "chat_read",
      chatId: CHAT,
      upToSeq: 1,
      unreadCount: 0,
    });
    expect(conversations[KEY]?.messages.map((message) => message.status)).toEqual(["read", "sent"]);
  });
});

describe("chat list slice", () => {
  it("a preview deleted for me falls back to the newest message the conversation kept", () => {
    const state = chatReducer(loaded(), { type: "message_deleted", key: KEY, messageId: 102, forEveryone: false });
    expect(state.chats[KEY]?.lastMessage?.id).toBe(101);
  });

  it("lists a chat's person for the events that only name the chat", () => {
    const slice = reduceChatList(initialChatState(ME), { type: "chat_upserted", chat: chat() });
    expect(slice.chatPeers).toEqual({ [CHAT]: PEER });
  });
});

describe("people slice", () => {
  it("keeps the people the chat list names, and presence only for people it knows", () => {
    const state = loaded();
    expect(state.profiles[PEER]).toEqual(peer);
    const online = reducePeople(state, { type: "presence", userId: PEER, isOnline: true, lastSeen: null });
    expect(online.profiles[PEER]?.is_online).toBe(true);
    const stranger = reducePeople(state, { type: "presence", userId: 9, isOnline: true, lastSeen: null });
    expect(stranger.profiles).toBe(state.profiles);
  });

  it("blocks and unblocks", () => {
    const blocked = reducePeople(initialChatState(ME), { type: "block_changed", userId: PEER, isBlocked: true });
    expect(blocked.blocked).toEqual({ [PEER]: true });
  });
});

describe("live status slice", () => {
  it("a message from someone typing ends their typing; leaving a group ends everyone's there", () => {
    let state = run(
      { type: "typing", key: KEY, userId: PEER, isTyping: true },
      { type: "typing", key: groupKey(5), userId: 3, isTyping: true },
    );
    state = chatReducer(state, { type: "messages_received", messages: [fromPeer(1)] });
    expect(state.typing).toEqual({ [groupKey(5)]: [3] });
    expect(reduceLive(state, { type: "group_left", groupId: 5, reason: "left" }).typing).toEqual({});
  });
});

describe("UI slice", () => {
  it("keeps the open conversation and a focus asked for", () => {
    const focus = { key: KEY, messageId: 101, seq: 1 };
    const state = run({ type: "active_changed", key: KEY }, { type: "focus_requested", focus });
    expect(reduceUi(state, { type: "focus_cleared" })).toEqual({ active: KEY, isVisible: true, focus: null });
  });
});
