import { describe, expect, it } from "vitest";

import type { GroupSummary, ParleyEvent } from "@parley/sdk";

import { chatReducer, directKey, groupKey, initialChatState, type ChatAction, type ChatState } from "../state";
import { directMessage, groupMessage } from "../test-fixtures";
import { groupLeft, receiveGroupMessages, receiveMessages, routeEvent, type Step } from "./router";

const ME = 1;
const PEER = 2;
const CHAT = 10;
const GROUP = 5;
const ANA = 3;
const KEY = directKey(PEER);
const GROUP_KEY = groupKey(GROUP);

const fromPeer = (seq: number) =>
  directMessage({ id: 100 + seq, chat_id: CHAT, seq, sender_id: PEER, receiver_id: ME });
const inGroup = (seq: number, senderId = ANA) =>
  groupMessage({ id: 500 + seq, group_id: GROUP, seq, sender_id: senderId });

const summary: GroupSummary = {
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

/** A tab that knows the chat with PEER (with its first two messages loaded) and group 5 (its roster not fetched). */
function known(): ChatState {
  const actions: ChatAction[] = [
    {
      type: "chat_upserted",
      chat: {
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
        last_message: fromPeer(2),
        last_message_at: fromPeer(2).created_at,
        unread_count: 0,
        last_seq: 2,
        e2ee: false,
      },
    },
    { type: "history_loaded", key: KEY, messages: [fromPeer(1), fromPeer(2)], hasOlder: false },
    {
      type: "chat_upserted",
      chat: {
        type: "group",
        id: GROUP,
        group: summary,
        last_message: inGroup(1),
        last_message_at: inGroup(1).created_at,
        unread_count: 0,
        last_seq: 1,
      },
    },
  ];
  return actions.reduce(chatReducer, initialChatState(ME));
}

const dispatched = (steps: Step[]) => steps.flatMap((step) => ("dispatch" in step ? [step.dispatch] : []));
const requested = (steps: Step[]) => steps.flatMap((step) => ("request" in step ? [step.request] : []));

describe("routeEvent", () => {
  it("new_message: clears the sender's typing, then adds the message", () => {
    const message = fromPeer(3);
    expect(routeEvent({ type: "new_message", message }, known())).toEqual([
      { request: { type: "typing_timer", key: KEY, userId: PEER, expiresInMs: null } },
      { dispatch: { type: "typing", key: KEY, userId: PEER, isTyping: false } },
      { dispatch: { type: "messages_received", messages: [message] } },
    ]);
  });

  it("new_message: loads a chat it doesn't know, and leaves a gap before it to the SDK", () => {
    const skipped = fromPeer(5);
    // The SDK fetched 3 and 4 before handing 5 over: nothing to ask for but the usual.
    expect(requested(routeEvent({ type: "new_message", message: skipped }, known()))).toEqual([
      { type: "typing_timer", key: KEY, userId: PEER, expiresInMs: null },
    ]);
    const stranger = directMessage({ id: 900, chat_id: 11, seq: 1, sender_id: 9, receiver_id: ME });
    expect(requested(routeEvent({ type: "new_message", message: stranger }, known()))).toContainEqual({
      type: "load_chat",
      chatId: 11,
    });
  });

  it("new_message: my own message from another device ends nobody's typing and asks for nothing", () => {
    const mine = directMessage({ id: 103, chat_id: CHAT, seq: 3, sender_id: ME, receiver_id: PEER });
    expect(routeEvent({ type: "new_message", message: mine }, known())).toEqual([
      { dispatch: { type: "messages_received", messages: [mine] } },
    ]);
  });

  it("new_group_message: clears typing, names the people in it, and loads a group it holds no summary of", () => {
    const message = inGroup(2);
    expect(routeEvent({ type: "new_group_message", message }, known())).toEqual([
      { request: { type: "typing_timer", key: GROUP_KEY, userId: ANA, expiresInMs: null } },
      { dispatch: { type: "typing", key: GROUP_KEY, userId: ANA, isTyping: false } },
      { request: { type: "load_profiles", userIds: [ANA] } },
      { dispatch: { type: "group_messages_received", messages: [message] } },
    ]);
    const other = groupMessage({ id: 700, group_id: 6, seq: 1 });
    expect(requested(routeEvent({ type: "new_group_message", message: other }, known()))).toContainEqual({
      type: "load_group",
      groupId: 6,
    });
  });

  it("message_status_update and group_message_status: ticks", () => {
    const status: ParleyEvent = {
      type: "message_status_update",
      chat_id: CHAT,
      user_id: PEER,
      status: "read",
      message_ids: [1],
      up_to_seq: 4,
      updated_at: new Date().toISOString(),
    };
    expect(routeEvent(status, known())).toEqual([
      { dispatch: { type: "status_updated", chatId: CHAT, status: "read", messageIds: [1], upToSeq: 4 } },
    ]);
    const groupStatus: ParleyEvent = {
      type: "group_message_status",
      group_id: GROUP,
      status: "delivered",
      up_to_seq: 3,
      updated_at: new Date().toISOString(),
    };
    expect(routeEvent(groupStatus, known())).toEqual([
      { dispatch: { type: "group_status_updated", groupId: GROUP, status: "delivered", upToSeq: 3 } },
    ]);
  });

  it("message_deleted: by the chat's peer, and nothing for a chat this tab doesn't know", () => {
    expect(
      routeEvent({ type: "message_deleted", chat_id: CHAT, message_id: 101, for_everyone: true }, known()),
    ).toEqual([{ dispatch: { type: "message_deleted", key: KEY, messageId: 101, forEveryone: true } }]);
    expect(routeEvent({ type: "message_deleted", chat_id: 99, message_id: 101, for_everyone: true }, known())).toEqual(
      [],
    );
  });

  it("group_message_deleted", () => {
    expect(
      routeEvent({ type: "group_message_deleted", group_id: GROUP, message_id: 501, for_everyone: false }, known()),
    ).toEqual([{ dispatch: { type: "message_deleted", key: GROUP_KEY, messageId: 501, forEveryone: false } }]);
  });

  it("chat_read and group_read", () => {
    expect(routeEvent({ type: "chat_read", chat_id: CHAT, up_to_seq: 2, unread_count: 0 }, known())).toEqual([
      { dispatch: { type: "chat_read", chatId: CHAT, upToSeq: 2, unreadCount: 0 } },
    ]);
    expect(routeEvent({ type: "group_read", group_id: GROUP, up_to_seq: 2, unread_count: 1 }, known())).toEqual([
      { dispatch: { type: "group_read", groupId: GROUP, unreadCount: 1 } },
    ]);
  });

  it("group_updated: fetches the roster only where it may be on screen", () => {
    const event: ParleyEvent = { type: "group_updated", group: summary };
    // Listed, roster never fetched: the summary is enough.
    expect(routeEvent(event, known())).toEqual([{ dispatch: { type: "group_updated", group: summary } }]);
    const withRoster = chatReducer(known(), {
      type: "group_loaded",
      group: { ...summary, updated_at: summary.created_at, last_seq: 1, members: [] },
    });
    expect(requested(routeEvent(event, withRoster))).toEqual([{ type: "load_group", groupId: GROUP }]);
    expect(requested(routeEvent(event, initialChatState(ME)))).toEqual([{ type: "load_group", groupId: GROUP }]);
  });

  it("group_left: stops our typing there and everyone's indicator, then leaves or forgets the group", () => {
    const state = chatReducer(known(), { type: "typing", key: GROUP_KEY, userId: ANA, isTyping: true });
    expect(routeEvent({ type: "group_left", group_id: GROUP, reason: "removed" }, state)).toEqual([
      { request: { type: "forget_typing_out", key: GROUP_KEY } },
      { request: { type: "typing_timer", key: GROUP_KEY, userId: ANA, expiresInMs: null } },
      { dispatch: { type: "typing", key: GROUP_KEY, userId: ANA, isTyping: false } },
      { dispatch: { type: "group_left", groupId: GROUP, reason: "removed" } },
    ]);
    expect(dispatched(routeEvent({ type: "group_left", group_id: GROUP, reason: "deleted" }, known()))).toEqual([
      { type: "conversation_gone", key: GROUP_KEY },
    ]);
  });

  it("presence_update", () => {
    const lastSeen = new Date().toISOString();
    expect(
      routeEvent({ type: "presence_update", user_id: PEER, is_online: false, last_seen: lastSeen }, known()),
    ).toEqual([{ dispatch: { type: "presence", userId: PEER, isOnline: false, lastSeen } }]);
  });

  it("typing: restarts the expiry and moves the typist to the end; stopping clears it", () => {
    const typing = (isTyping: boolean): ParleyEvent => ({
      type: "typing",
      chat_id: CHAT,
      user_id: PEER,
      is_typing: isTyping,
      expires_in_ms: 6000,
    });
    expect(routeEvent(typing(true), known())).toEqual([
      { request: { type: "typing_timer", key: KEY, userId: PEER, expiresInMs: 6000 } },
      { dispatch: { type: "typing", key: KEY, userId: PEER, isTyping: false } },
      { dispatch: { type: "typing", key: KEY, userId: PEER, isTyping: true } },
    ]);
    expect(routeEvent(typing(false), known())).toEqual([
      { request: { type: "typing_timer", key: KEY, userId: PEER, expiresInMs: null } },
      { dispatch: { type: "typing", key: KEY, userId: PEER, isTyping: false } },
    ]);
  });

  it("group_typing: ignores my own other devices", () => {
    const event = (userId: number): ParleyEvent => ({
      type: "group_typing",
      group_id: GROUP,
      user_id: userId,
      is_typing: true,
      expires_in_ms: 6000,
    });
    expect(routeEvent(event(ME), known())).toEqual([]);
    expect(dispatched(routeEvent(event(ANA), known())).at(-1)).toEqual({
      type: "typing",
      key: GROUP_KEY,
      userId: ANA,
      isTyping: true,
    });
  });

  it("message_edited and reaction_updated: by group, by known chat, or not at all", () => {
    const editedAt = new Date().toISOString();
    const edit = (chatId: number | null, groupId: number | null): ParleyEvent => ({
      type: "message_edited",
      chat_id: chatId,
      group_id: groupId,
      message_id: 101,
      content: "fixed",
      edited_at: editedAt,
    });
    expect(routeEvent(edit(CHAT, null), known())).toEqual([
      { dispatch: { type: "message_edited", key: KEY, messageId: 101, content: "fixed", editedAt } },
    ]);
    expect(dispatched(routeEvent(edit(null, GROUP), known()))).toEqual([
      { type: "message_edited", key: GROUP_KEY, messageId: 101, content: "fixed", editedAt },
    ]);
    expect(routeEvent(edit(99, null), known())).toEqual([]);

    const reactions = [{ emoji: "👍", count: 1, user_ids: [PEER] }];
    const react = (chatId: number | null): ParleyEvent => ({
      type: "reaction_updated",
      chat_id: chatId,
      group_id: null,
      message_id: 101,
      user_id: PEER,
      emoji: "👍",
      reactions,
    });
    expect(routeEvent(react(CHAT), known())).toEqual([
      { dispatch: { type: "reactions_updated", key: KEY, messageId: 101, reactions } },
    ]);
    expect(routeEvent(react(null), known())).toEqual([]);
  });

  it("message_starred, contacts_changed and resync", () => {
    expect(routeEvent({ type: "message_starred", message_id: 101, starred: true }, known())).toEqual([
      { dispatch: { type: "starred_changed", messageId: 101, isStarred: true } },
    ]);
    expect(routeEvent({ type: "contacts_changed" }, known())).toEqual([{ request: { type: "contacts_changed" } }]);
    // The store is reset before anything is reloaded into it.
    expect(routeEvent({ type: "resync", reason: "too old" }, known())).toEqual([
      { dispatch: { type: "resynced" } },
      { request: { type: "reload" } },
    ]);
  });

  it("group_heads and new_group_messages: the SDK's own business", () => {
    expect(routeEvent({ type: "group_heads", groups: [{ group_id: GROUP, last_seq: 9 }] }, known())).toEqual([]);
    expect(routeEvent({ type: "new_group_messages", messages: [inGroup(2)] }, known())).toEqual([]);
  });
});

describe("receiveMessages and receiveGroupMessages", () => {
  it("asks for each message's needs in order against the state before the batch, then adds them all at once", () => {
    const messages = [fromPeer(3), fromPeer(4)];
    const steps = receiveMessages(known(), messages);
    expect(dispatched(steps).at(-1)).toEqual({ type: "messages_received", messages });
    expect(requested(steps).map((request) => request.type)).toEqual(["typing_timer", "typing_timer"]);
  });

  it("names everyone a system message is about", () => {
    const added = groupMessage({
      id: 600,
      group_id: GROUP,
      seq: 2,
      sender_id: ANA,
      message_type: "system",
      content: null,
      system: { action: "added", actor_id: ANA, user_ids: [7, 8], name: null },
    });
    expect(requested(receiveGroupMessages(known(), [added]))).toContainEqual({
      type: "load_profiles",
      userIds: [ANA, ANA, 7, 8],
    });
  });
});

describe("groupLeft", () => {
  it("with nobody typing, only forgets our own typing and leaves", () => {
    expect(groupLeft(known(), GROUP, "left")).toEqual([
      { request: { type: "forget_typing_out", key: GROUP_KEY } },
      { dispatch: { type: "group_left", groupId: GROUP, reason: "left" } },
    ]);
  });
});
