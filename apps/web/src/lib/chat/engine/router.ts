import type { GroupMessageOutput, MessageOutput, ParleyEvent } from "@parley/sdk";

import { directKey, groupKey, peerOf, type ChatAction, type ChatState, type ConversationKey } from "../state";
import { peopleIn } from "../state/messages";

/** Work an event asks for beyond the store: loads and timers. (The SDK fills gaps before a live message arrives.) */
export type SideRequest =
  | { type: "load_chat"; chatId: number }
  | { type: "load_group"; groupId: number }
  | { type: "load_profiles"; userIds: number[] }
  /** Drop the user's "typing…" timer there and, with a time, start a new one that clears it. */
  | { type: "typing_timer"; key: ConversationKey; userId: number; expiresInMs: number | null }
  /** Stop sending "typing…" there (without telling anyone: we are no longer in it). */
  | { type: "forget_typing_out"; key: ConversationKey }
  | { type: "contacts_changed" }
  /** After the store was reset: forget read marks, reload the chat list and the open conversation. */
  | { type: "reload" };

/** One step of an event's outcome, carried out in order. */
export type Step = { dispatch: ChatAction } | { request: SideRequest };

/** What the router reads: the state as it is when the event arrives. */
export type RouterView = Pick<
  ChatState,
  "selfId" | "chats" | "chatPeers" | "profiles" | "rosters" | "conversations" | "typing"
>;

const dispatch = (action: ChatAction): Step => ({ dispatch: action });
const request = (sideRequest: SideRequest): Step => ({ request: sideRequest });

const clearTyping = (key: ConversationKey, userId: number): Step[] => [
  request({ type: "typing_timer", key, userId, expiresInMs: null }),
  dispatch({ type: "typing", key, userId, isTyping: false }),
];

/** 1:1 messages from the stream, a send or a forward. */
export function receiveMessages(view: RouterView, messages: MessageOutput[]): Step[] {
  const steps: Step[] = [];
  for (const message of messages) {
    const peerId = peerOf(message, view.selfId);
    const key = directKey(peerId);
    const chat = view.chats[key];
    if (!view.profiles[peerId] || chat?.kind !== "direct" || !chat.chatId) {
      steps.push(request({ type: "load_chat", chatId: message.chat_id }));
    }
    if (message.sender_id === peerId) steps.push(...clearTyping(key, peerId));
  }
  steps.push(dispatch({ type: "messages_received", messages }));
  return steps;
}

/** Group messages from the stream, a send, a forward or a gap fill. */
export function receiveGroupMessages(view: RouterView, messages: GroupMessageOutput[]): Step[] {
  const steps: Step[] = [];
  for (const message of messages) {
    const key = groupKey(message.group_id);
    const chat = view.chats[key];
    if (chat?.kind !== "group" || !chat.group) steps.push(request({ type: "load_group", groupId: message.group_id }));
    steps.push(...clearTyping(key, message.sender_id));
  }
  steps.push(request({ type: "load_profiles", userIds: peopleIn(messages) }));
  steps.push(dispatch({ type: "group_messages_received", messages }));
  return steps;
}

/** We are out of a group (left here or elsewhere, removed, or it was deleted). */
export function groupLeft(view: Pick<RouterView, "typing">, groupId: number, reason: "left" | "removed" | "deleted") {
  const key = groupKey(groupId);
  return [
    request({ type: "forget_typing_out", key }),
    ...(view.typing[key] ?? []).flatMap((userId) => clearTyping(key, userId)),
    dispatch(reason === "deleted" ? { type: "conversation_gone", key } : { type: "group_left", groupId, reason }),
  ];
}

function someoneTyping(key: ConversationKey, userId: number, isTyping: boolean, expiresInMs: number): Step[] {
  if (!isTyping) return clearTyping(key, userId);
  // Cleared first, so someone who starts again moves to the end of "A and B are typing".
  return [
    request({ type: "typing_timer", key, userId, expiresInMs }),
    dispatch({ type: "typing", key, userId, isTyping: false }),
    dispatch({ type: "typing", key, userId, isTyping: true }),
  ];
}

/** The conversation an event about a message names, if this tab knows it. */
function keyOf(view: RouterView, chatId: number | null, groupId: number | null): ConversationKey | null {
  if (groupId !== null) return groupKey(groupId);
  const peerId = chatId === null ? undefined : view.chatPeers[chatId];
  return peerId === undefined ? null : directKey(peerId);
}

/** A live event, as what to dispatch and what to ask for, in order. Pure: the engine carries the steps out. */
export function routeEvent(event: ParleyEvent, view: RouterView): Step[] {
  switch (event.type) {
    case "new_message":
      return receiveMessages(view, [event.message]);
    case "new_group_message":
      return receiveGroupMessages(view, [event.message]);
    case "message_status_update":
      return [
        dispatch({
          type: "status_updated",
          chatId: event.chat_id,
          status: event.status,
          messageIds: event.message_ids,
          upToSeq: event.up_to_seq,
        }),
      ];
    case "group_message_status":
      return [
        dispatch({
          type: "group_status_updated",
          groupId: event.group_id,
          status: event.status,
          upToSeq: event.up_to_seq,
        }),
      ];
    case "message_deleted": {
      const peerId = view.chatPeers[event.chat_id];
      if (peerId === undefined) return [];
      return [
        dispatch({
          type: "message_deleted",
          key: directKey(peerId),
          messageId: event.message_id,
          forEveryone: event.for_everyone,
        }),
      ];
    }
    case "group_message_deleted":
      return [
        dispatch({
          type: "message_deleted",
          key: groupKey(event.group_id),
          messageId: event.message_id,
          forEveryone: event.for_everyone,
        }),
      ];
    case "chat_read":
      return [
        dispatch({
          type: "chat_read",
          chatId: event.chat_id,
          upToSeq: event.up_to_seq,
          unreadCount: event.unread_count,
        }),
      ];
    case "group_read":
      return [dispatch({ type: "group_read", groupId: event.group_id, unreadCount: event.unread_count })];
    case "group_updated": {
      const { id } = event.group;
      // The event leaves out the roster and our own role; fetch them where they may be on screen.
      const isShown = view.rosters[id] !== undefined || !view.chats[groupKey(id)];
      return [
        dispatch({ type: "group_updated", group: event.group }),
        ...(isShown ? [request({ type: "load_group", groupId: id })] : []),
      ];
    }
    case "group_left":
      return groupLeft(view, event.group_id, event.reason);
    case "presence_update":
      return [
        dispatch({ type: "presence", userId: event.user_id, isOnline: event.is_online, lastSeen: event.last_seen }),
      ];
    case "typing":
      return someoneTyping(directKey(event.user_id), event.user_id, event.is_typing, event.expires_in_ms);
    case "group_typing":
      // Our own other devices typing are not news here.
      if (event.user_id === view.selfId) return [];
      return someoneTyping(groupKey(event.group_id), event.user_id, event.is_typing, event.expires_in_ms);
    case "message_edited": {
      const key = keyOf(view, event.chat_id, event.group_id);
      if (key === null) return [];
      return [
        dispatch({
          type: "message_edited",
          key,
          messageId: event.message_id,
          content: event.content,
          editedAt: event.edited_at,
        }),
      ];
    }
    case "reaction_updated": {
      const key = keyOf(view, event.chat_id, event.group_id);
      if (key === null) return [];
      return [dispatch({ type: "reactions_updated", key, messageId: event.message_id, reactions: event.reactions })];
    }
    case "message_starred":
      return [dispatch({ type: "starred_changed", messageId: event.message_id, isStarred: event.starred })];
    case "contacts_changed":
      return [request({ type: "contacts_changed" })];
    case "mls_welcome":
    case "devices_changed":
      // For the device's MLS state, which the encryption module keeps (it saw the event first).
      return [];
    case "resync":
      return [dispatch({ type: "resynced" }), request({ type: "reload" })];
    case "group_heads":
    case "new_group_messages":
      // The SDK consumes both: it catches up on groups from the heads and hands a batch on one message at a time.
      return [];
  }
}
