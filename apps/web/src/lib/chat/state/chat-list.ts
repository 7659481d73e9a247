import type { ChatListItem, GroupMessageOutput, GroupOutput, MessageOutput } from "@parley/sdk";

import { deletedForEveryone, messageChangeOf } from "./message-changes";
import { mergeMessage, peerOf, type MessageChange } from "./messages";
import {
  directKey,
  groupKey,
  parseKey,
  type ChatAction,
  type ChatState,
  type ChatSummary,
  type ConversationKey,
  type DirectChatSummary,
  type GroupChatSummary,
  type ThreadMessage,
} from "./types";

/** The chat list slice: one summary per chat and group, who each chat is with, group rosters, the list's paging. */
export type ChatListSlice = Pick<ChatState, "chats" | "chatPeers" | "rosters" | "chatList">;

type Chats = ChatState["chats"];

function summaryFromItem(item: ChatListItem): ChatSummary {
  const base = {
    lastMessageAt: item.last_message_at,
    unreadCount: item.unread_count,
    lastSeq: item.last_seq,
  };
  if (item.type === "direct") {
    return {
      ...base,
      kind: "direct",
      key: directKey(item.peer.id),
      chatId: item.id,
      peerId: item.peer.id,
      lastMessage: item.last_message,
      e2ee: item.e2ee,
    };
  }
  return {
    ...base,
    kind: "group",
    key: groupKey(item.id),
    groupId: item.id,
    group: item.group,
    lastMessage: item.last_message,
    leftReason: item.group.left_reason,
  };
}

/**
 * The server's view of a chat against what this tab already knows: a live
 * message newer than the server's answer wins, so a slow list response never
 * takes the newest message (or its unread count) away.
 */
function mergeSummary(local: ChatSummary | undefined, server: ChatSummary): ChatSummary {
  if (!local || local.kind !== server.kind) return server;
  const kept =
    server.kind === "group" && local.kind === "group" ? { leftReason: server.leftReason ?? local.leftReason } : {};
  if (local.lastSeq <= server.lastSeq) {
    if (!local.lastMessage || !server.lastMessage || local.lastMessage.id !== server.lastMessage.id) {
      return { ...server, ...kept };
    }
    return { ...server, ...kept, lastMessage: mergeMessage(local.lastMessage, server.lastMessage) } as ChatSummary;
  }
  const unreadCount = Math.max(local.unreadCount, server.unreadCount);
  if (server.kind === "direct" && local.kind === "direct") {
    // Encryption never turns off: whichever copy knows it is on is right.
    return { ...local, chatId: server.chatId, unreadCount, e2ee: local.e2ee || server.e2ee };
  }
  if (server.kind === "group" && local.kind === "group") return { ...local, group: server.group, unreadCount };
  return server;
}

function withChat(chats: Chats, key: ConversationKey, update: (chat: ChatSummary) => ChatSummary): Chats {
  const current = chats[key];
  if (!current) return chats;
  const next = update(current);
  if (next === current) return chats;
  return { ...chats, [key]: next };
}

function withGroup(chats: Chats, groupId: number, update: (chat: GroupChatSummary) => GroupChatSummary): Chats {
  return withChat(chats, groupKey(groupId), (chat) => (chat.kind === "group" ? update(chat) : chat));
}

function withoutChat(chats: Chats, key: ConversationKey): Chats {
  const next = { ...chats };
  delete next[key];
  return next;
}

/** A change to a chat's preview message; the same chat back when it changed nothing. */
function updatePreview(chat: ChatSummary, change: MessageChange): ChatSummary {
  if (!chat.lastMessage) return chat;
  const lastMessage = change(chat.lastMessage);
  return lastMessage === chat.lastMessage ? chat : ({ ...chat, lastMessage } as ChatSummary);
}

function upsertChat(slice: ChatListSlice, item: ChatListItem): ChatListSlice {
  const server = summaryFromItem(item);
  const summary = mergeSummary(slice.chats[server.key], server);
  const next = { ...slice, chats: { ...slice.chats, [server.key]: summary } };
  if (item.type === "group") return next;
  return { ...next, chatPeers: { ...next.chatPeers, [item.id]: item.peer.id } };
}

function loadGroup(slice: ChatListSlice, group: GroupOutput): ChatListSlice {
  const { members, updated_at: _updatedAt, last_seq: lastSeq, ...summary } = group;
  const key = groupKey(group.id);
  const known = slice.chats[key];
  const chat: GroupChatSummary =
    known?.kind === "group"
      ? { ...known, group: summary, leftReason: summary.is_member ? null : (summary.left_reason ?? known.leftReason) }
      : {
          kind: "group",
          key,
          groupId: group.id,
          group: summary,
          lastMessage: null,
          lastMessageAt: group.created_at,
          unreadCount: 0,
          lastSeq,
          leftReason: summary.left_reason,
        };
  return {
    ...slice,
    chats: { ...slice.chats, [key]: chat },
    // Empty for someone who left: who is in the group now is no longer theirs to see.
    rosters: { ...slice.rosters, [group.id]: members },
  };
}

function nextLastMessage<M extends ThreadMessage>(current: M | null, message: M, isNews: boolean): M | null {
  if (current?.id === message.id) return mergeMessage(current, message);
  return isNews ? message : current;
}

/** The list row's facts after a message: preview, time, seq and one more unread unless it is being read. */
function summaryAfter<S extends ChatSummary>(state: ChatState, known: S, message: ThreadMessage): S {
  const isNews = message.seq > known.lastSeq;
  const isMine = message.sender_id === state.selfId;
  const isReadingNow = state.active === known.key && state.isVisible;
  const shouldCount = isNews && !isMine && !message.is_deleted && !isReadingNow;
  return {
    ...known,
    lastMessage: nextLastMessage(known.lastMessage, message, isNews),
    lastMessageAt: isNews ? message.created_at : known.lastMessageAt,
    lastSeq: Math.max(known.lastSeq, message.seq),
    unreadCount: known.unreadCount + (shouldCount ? 1 : 0),
  };
}

function receiveMessage(state: ChatState, slice: ChatListSlice, message: MessageOutput): ChatListSlice {
  const peerId = peerOf(message, state.selfId);
  const key = directKey(peerId);
  const known = slice.chats[key];
  const empty: DirectChatSummary = {
    kind: "direct",
    key,
    chatId: message.chat_id,
    peerId,
    lastMessage: null,
    lastMessageAt: null,
    unreadCount: 0,
    lastSeq: 0,
    e2ee: false,
  };
  const before = summaryAfter(state, known?.kind === "direct" ? known : empty, message);
  // An encrypted message (opened or not, it keeps its MLS framing) says the chat is encrypted.
  const summary: DirectChatSummary = {
    ...before,
    chatId: message.chat_id,
    e2ee: before.e2ee || message.encrypted !== null,
  };
  const next = { ...slice, chats: { ...slice.chats, [key]: summary } };
  if (next.chatPeers[message.chat_id] === peerId) return next;
  return { ...next, chatPeers: { ...next.chatPeers, [message.chat_id]: peerId } };
}

function receiveGroupMessage(state: ChatState, slice: ChatListSlice, message: GroupMessageOutput): ChatListSlice {
  const key = groupKey(message.group_id);
  const known = slice.chats[key];
  const empty: GroupChatSummary = {
    kind: "group",
    key,
    groupId: message.group_id,
    group: null,
    lastMessage: null,
    lastMessageAt: null,
    unreadCount: 0,
    lastSeq: 0,
    leftReason: null,
  };
  const summary = summaryAfter(state, known?.kind === "group" ? known : empty, message);
  return { ...slice, chats: { ...slice.chats, [key]: summary } };
}

/** Runs after the conversations slice: a delete and a discarded first message look at what the conversation kept. */
export function reduceChatList(state: ChatState, action: ChatAction): ChatListSlice {
  const slice: ChatListSlice = {
    chats: state.chats,
    chatPeers: state.chatPeers,
    rosters: state.rosters,
    chatList: state.chatList,
  };
  const withChats = (chats: Chats): ChatListSlice => (chats === slice.chats ? slice : { ...slice, chats });
  switch (action.type) {
    case "chats_loaded": {
      const next = action.chats.reduce(upsertChat, slice);
      return { ...next, chatList: { status: "ready", error: null, cursor: action.cursor } };
    }
    case "chats_loading":
      return { ...slice, chatList: { ...slice.chatList, status: "loading", error: null } };
    case "chats_failed":
      return { ...slice, chatList: { ...slice.chatList, status: "error", error: action.error } };
    case "chat_upserted":
      return upsertChat(slice, action.chat);
    case "group_loaded":
      return loadGroup(slice, action.group);
    case "group_updated":
      // Every member gets the same summary: their own role and membership are not in it.
      return withChats(
        withGroup(slice.chats, action.group.id, (chat) =>
          chat.group
            ? { ...chat, group: { ...action.group, is_member: chat.group.is_member, my_role: chat.group.my_role } }
            : chat,
        ),
      );
    case "group_left":
      return withChats(
        withGroup(slice.chats, action.groupId, (chat) => ({
          ...chat,
          leftReason: action.reason,
          group: chat.group ? { ...chat.group, is_member: false, my_role: null } : null,
        })),
      );
    case "conversation_gone":
      return withChats(withoutChat(slice.chats, action.key));
    case "messages_received":
      return action.messages.reduce((next, message) => receiveMessage(state, next, message), slice);
    case "group_messages_received":
      return action.messages.reduce((next, message) => receiveGroupMessage(state, next, message), slice);
    case "outbox_added": {
      const { kind, id } = parseKey(action.key);
      if (slice.chats[action.key] || kind !== "direct") return slice;
      // A first message makes the chat; list it at once, before the server answers.
      const chat: DirectChatSummary = {
        kind: "direct",
        key: action.key,
        chatId: null,
        peerId: id,
        lastMessage: null,
        lastMessageAt: action.message.created_at,
        unreadCount: 0,
        lastSeq: 0,
        e2ee: false,
      };
      return withChats({ ...slice.chats, [action.key]: chat });
    }
    case "outbox_removed": {
      const chat = slice.chats[action.key];
      // A first message given up on leaves no chat behind.
      if (chat?.kind === "direct" && chat.chatId === null && state.conversations[action.key]?.outbox.length === 0) {
        return withChats(withoutChat(slice.chats, action.key));
      }
      return slice;
    }
    case "status_updated":
    case "group_status_updated":
    case "message_edited":
    case "reactions_updated": {
      const found = messageChangeOf(state, action);
      if (!found) return slice;
      return withChats(withChat(slice.chats, found.key, (chat) => updatePreview(chat, found.change)));
    }
    case "chat_read": {
      const found = messageChangeOf(state, action);
      if (!found) return slice;
      return withChats(
        withChat(slice.chats, found.key, (chat) =>
          chat.kind === "direct"
            ? {
                ...chat,
                unreadCount: action.unreadCount,
                lastMessage: chat.lastMessage ? found.change(chat.lastMessage) : null,
              }
            : chat,
        ),
      );
    }
    case "group_read":
      return withChats(
        withGroup(slice.chats, action.groupId, (chat) =>
          chat.unreadCount === action.unreadCount ? chat : { ...chat, unreadCount: action.unreadCount },
        ),
      );
    case "message_deleted": {
      const { key, messageId, forEveryone } = action;
      return withChats(
        withChat(slice.chats, key, (chat) => {
          if (chat.lastMessage?.id !== messageId) return chat;
          if (forEveryone)
            return { ...chat, lastMessage: deletedForEveryone(messageId)(chat.lastMessage) } as ChatSummary;
          // The preview falls back to the newest message still shown.
          const remaining = state.conversations[key]?.messages.at(-1) ?? null;
          return { ...chat, lastMessage: remaining } as ChatSummary;
        }),
      );
    }
    default:
      return slice;
  }
}
