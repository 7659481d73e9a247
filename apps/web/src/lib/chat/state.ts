import type { ChatOutput, MessageOutput, MessageStatus, PublicProfile } from "@parley/sdk";

/**
 * Everything the chat screen shows, as one immutable value: chats, the
 * messages loaded per conversation, messages still on their way out, and
 * the live bits (presence, typing, connection). Conversations are keyed by
 * the other person's user id, because a chat only gets an id with its first
 * message and a new conversation must exist before that.
 */

export type ReplyPreview = NonNullable<MessageOutput["reply_to"]>;

/** A message typed here that the server has not confirmed yet. */
export type OutgoingMessage = {
  client_msg_id: string;
  content: string;
  reply_to: ReplyPreview | null;
  created_at: string;
  state: "pending" | "failed";
  error: string | null;
};

export type ChatSummary = {
  chatId: number | null;
  peerId: number;
  lastMessage: MessageOutput | null;
  lastMessageAt: string | null;
  unreadCount: number;
  lastSeq: number;
};

export type HistoryState = "idle" | "loading" | "ready" | "error";

export type Conversation = {
  /** Confirmed messages, oldest first, one per id. */
  messages: MessageOutput[];
  /** Optimistic messages, in the order they were typed. */
  outbox: OutgoingMessage[];
  history: HistoryState;
  hasOlder: boolean;
  isLoadingOlder: boolean;
  /** Deleted for me: never shown again, even if a stale page brings them back. */
  hiddenIds: readonly number[];
};

export type ConnectionState = "connecting" | "online" | "offline";

export type ChatState = {
  selfId: number;
  chats: Readonly<Record<number, ChatSummary>>;
  chatPeers: Readonly<Record<number, number>>;
  profiles: Readonly<Record<number, PublicProfile>>;
  conversations: Readonly<Record<number, Conversation>>;
  typing: Readonly<Record<number, true>>;
  blocked: Readonly<Record<number, true>>;
  chatList: { status: "loading" | "ready" | "error"; error: string | null; cursor: string | null };
  connection: ConnectionState;
  activePeerId: number | null;
  isVisible: boolean;
};

export type ChatAction =
  | { type: "chats_loaded"; chats: ChatOutput[]; cursor: string | null }
  | { type: "chats_loading" }
  | { type: "chats_failed"; error: string }
  | { type: "chat_upserted"; chat: ChatOutput }
  | { type: "profile_upserted"; profile: PublicProfile }
  | { type: "history_loading"; peerId: number }
  | { type: "history_loaded"; peerId: number; messages: MessageOutput[]; hasOlder: boolean }
  | { type: "history_failed"; peerId: number }
  | { type: "older_loading"; peerId: number }
  | { type: "older_loaded"; peerId: number; messages: MessageOutput[]; hasOlder: boolean }
  | { type: "older_failed"; peerId: number }
  | { type: "messages_received"; messages: MessageOutput[] }
  | { type: "outbox_added"; peerId: number; message: OutgoingMessage }
  | {
      type: "outbox_updated";
      peerId: number;
      clientMsgId: string;
      state: OutgoingMessage["state"];
      error: string | null;
    }
  | { type: "outbox_removed"; peerId: number; clientMsgId: string }
  | { type: "status_updated"; chatId: number; status: MessageStatus; messageIds: number[]; upToSeq: number | null }
  | { type: "message_deleted"; chatId: number; messageId: number; forEveryone: boolean }
  | { type: "chat_read"; chatId: number; upToSeq: number; unreadCount: number }
  | { type: "presence"; userId: number; isOnline: boolean; lastSeen: string | null }
  | { type: "typing"; peerId: number; isTyping: boolean }
  | { type: "blocked_loaded"; userIds: number[] }
  | { type: "block_changed"; userId: number; isBlocked: boolean }
  | { type: "connection"; state: ConnectionState }
  | { type: "active_changed"; peerId: number | null }
  | { type: "visibility"; isVisible: boolean }
  | { type: "resynced" }
  | { type: "requests_abandoned" };

export function initialChatState(selfId: number): ChatState {
  return {
    selfId,
    chats: {},
    chatPeers: {},
    profiles: {},
    conversations: {},
    typing: {},
    blocked: {},
    chatList: { status: "loading", error: null, cursor: null },
    connection: "connecting",
    activePeerId: null,
    isVisible: true,
  };
}

export const emptyConversation: Conversation = {
  messages: [],
  outbox: [],
  history: "idle",
  hasOlder: false,
  isLoadingOlder: false,
  hiddenIds: [],
};

const statusRank: Record<MessageStatus, number> = { sent: 0, delivered: 1, read: 2 };

/** Receipts only move forward: a stale copy never takes a blue tick back. */
export function laterStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  return statusRank[a] >= statusRank[b] ? a : b;
}

export function peerOf(message: Pick<MessageOutput, "sender_id" | "receiver_id">, selfId: number): number {
  return message.sender_id === selfId ? message.receiver_id : message.sender_id;
}

/** Two copies of one message (a page and a live event): the newer facts of each. */
function mergeMessage(known: MessageOutput, incoming: MessageOutput): MessageOutput {
  const isDeleted = known.is_deleted || incoming.is_deleted;
  const status = laterStatus(known.status, incoming.status);
  const replyTo = incoming.reply_to ?? known.reply_to;
  const merged = {
    ...incoming,
    status,
    is_deleted: isDeleted,
    content: isDeleted ? null : incoming.content,
    reply_to: replyTo && known.reply_to?.is_deleted ? { ...replyTo, is_deleted: true, content: null } : replyTo,
  };
  const isSame =
    merged.status === known.status &&
    merged.is_deleted === known.is_deleted &&
    merged.content === known.content &&
    merged.reply_to?.is_deleted === known.reply_to?.is_deleted;
  return isSame ? known : merged;
}

/** Adds messages to an oldest-first list, one per id, keeping it sorted by seq. */
export function mergeMessages(
  existing: MessageOutput[],
  incoming: MessageOutput[],
  hiddenIds: readonly number[] = [],
): MessageOutput[] {
  if (incoming.length === 0) return existing;
  const byId = new Map(existing.map((message) => [message.id, message]));
  let isChanged = false;
  for (const message of incoming) {
    if (hiddenIds.includes(message.id)) continue;
    const known = byId.get(message.id);
    const next = known ? mergeMessage(known, message) : message;
    if (next !== known) {
      byId.set(message.id, next);
      isChanged = true;
    }
  }
  if (!isChanged) return existing;
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function summaryFromChat(chat: ChatOutput): ChatSummary {
  return {
    chatId: chat.id,
    peerId: chat.peer.id,
    lastMessage: chat.last_message,
    lastMessageAt: chat.last_message_at,
    unreadCount: chat.unread_count,
    lastSeq: chat.last_seq,
  };
}

/**
 * The server's view of a chat against what this tab already knows: a live
 * message newer than the server's answer wins, so a slow list response never
 * takes the newest message (or its unread count) away.
 */
function mergeSummary(local: ChatSummary | undefined, server: ChatSummary): ChatSummary {
  if (!local || local.lastSeq <= server.lastSeq) {
    if (!local?.lastMessage || !server.lastMessage || local.lastMessage.id !== server.lastMessage.id) return server;
    return { ...server, lastMessage: mergeMessage(local.lastMessage, server.lastMessage) };
  }
  return { ...local, chatId: server.chatId, unreadCount: Math.max(local.unreadCount, server.unreadCount) };
}

function withConversation(
  state: ChatState,
  peerId: number,
  update: (conversation: Conversation) => Conversation,
): ChatState {
  const current = state.conversations[peerId] ?? emptyConversation;
  const next = update(current);
  if (next === current) return state;
  return { ...state, conversations: { ...state.conversations, [peerId]: next } };
}

function withChat(state: ChatState, peerId: number, update: (chat: ChatSummary) => ChatSummary): ChatState {
  const current = state.chats[peerId];
  if (!current) return state;
  const next = update(current);
  if (next === current) return state;
  return { ...state, chats: { ...state.chats, [peerId]: next } };
}

function upsertChat(state: ChatState, chat: ChatOutput): ChatState {
  const summary = mergeSummary(state.chats[chat.peer.id], summaryFromChat(chat));
  return {
    ...state,
    chats: { ...state.chats, [chat.peer.id]: summary },
    chatPeers: { ...state.chatPeers, [chat.id]: chat.peer.id },
    profiles: { ...state.profiles, [chat.peer.id]: chat.peer },
  };
}

function isReadingNow(state: ChatState, peerId: number): boolean {
  return state.activePeerId === peerId && state.isVisible;
}

function receiveMessage(state: ChatState, message: MessageOutput): ChatState {
  const peerId = peerOf(message, state.selfId);
  const isMine = message.sender_id === state.selfId;
  let next = withConversation(state, peerId, (conversation) => {
    const messages = mergeMessages(conversation.messages, [message], conversation.hiddenIds);
    const outbox =
      isMine && message.client_msg_id !== null
        ? conversation.outbox.filter((item) => item.client_msg_id !== message.client_msg_id)
        : conversation.outbox;
    if (messages === conversation.messages && outbox.length === conversation.outbox.length) return conversation;
    return { ...conversation, messages, outbox };
  });

  const known = next.chats[peerId];
  const isNews = !known || message.seq > known.lastSeq;
  const shouldCount = isNews && !isMine && !message.is_deleted && !isReadingNow(state, peerId);
  const summary: ChatSummary = known
    ? {
        ...known,
        chatId: message.chat_id,
        lastMessage: nextLastMessage(known.lastMessage, message, isNews),
        lastMessageAt: isNews ? message.created_at : known.lastMessageAt,
        lastSeq: Math.max(known.lastSeq, message.seq),
        unreadCount: known.unreadCount + (shouldCount ? 1 : 0),
      }
    : {
        chatId: message.chat_id,
        peerId,
        lastMessage: message,
        lastMessageAt: message.created_at,
        lastSeq: message.seq,
        unreadCount: shouldCount ? 1 : 0,
      };
  next = { ...next, chats: { ...next.chats, [peerId]: summary } };
  if (next.chatPeers[message.chat_id] !== peerId) {
    next = { ...next, chatPeers: { ...next.chatPeers, [message.chat_id]: peerId } };
  }
  // The message itself ends "typing…", as in every messenger.
  if (!isMine && next.typing[peerId]) next = withoutTyping(next, peerId);
  return next;
}

function nextLastMessage(current: MessageOutput | null, message: MessageOutput, isNews: boolean): MessageOutput | null {
  if (current?.id === message.id) return mergeMessage(current, message);
  return isNews ? message : current;
}

function withoutTyping(state: ChatState, peerId: number): ChatState {
  if (!state.typing[peerId]) return state;
  const typing = { ...state.typing };
  delete typing[peerId];
  return { ...state, typing };
}

function updateStatuses(state: ChatState, action: Extract<ChatAction, { type: "status_updated" }>): ChatState {
  const peerId = state.chatPeers[action.chatId];
  if (peerId === undefined) return state;
  const ids = new Set(action.messageIds);
  const applies = (message: MessageOutput) =>
    message.sender_id === state.selfId &&
    message.chat_id === action.chatId &&
    (ids.has(message.id) || (action.status === "read" && action.upToSeq !== null && message.seq <= action.upToSeq));
  const bump = (message: MessageOutput) =>
    applies(message) && laterStatus(message.status, action.status) !== message.status
      ? { ...message, status: action.status }
      : message;

  let next = withConversation(state, peerId, (conversation) => {
    let isChanged = false;
    const messages = conversation.messages.map((message) => {
      const bumped = bump(message);
      if (bumped !== message) isChanged = true;
      return bumped;
    });
    return isChanged ? { ...conversation, messages } : conversation;
  });
  next = withChat(next, peerId, (chat) => {
    if (!chat.lastMessage) return chat;
    const lastMessage = bump(chat.lastMessage);
    return lastMessage === chat.lastMessage ? chat : { ...chat, lastMessage };
  });
  return next;
}

function deleteMessage(state: ChatState, action: Extract<ChatAction, { type: "message_deleted" }>): ChatState {
  const peerId = state.chatPeers[action.chatId];
  if (peerId === undefined) return state;
  const blank = (message: MessageOutput): MessageOutput => {
    const quotesIt = message.reply_to?.id === action.messageId;
    if (message.id !== action.messageId && !quotesIt) return message;
    if (message.id === action.messageId && message.is_deleted) return message;
    return {
      ...message,
      ...(message.id === action.messageId ? { is_deleted: true, content: null } : {}),
      reply_to:
        quotesIt && message.reply_to ? { ...message.reply_to, is_deleted: true, content: null } : message.reply_to,
    };
  };

  let next = withConversation(state, peerId, (conversation) => {
    if (!action.forEveryone) {
      return {
        ...conversation,
        messages: conversation.messages.filter((message) => message.id !== action.messageId),
        hiddenIds: [...conversation.hiddenIds, action.messageId],
      };
    }
    return { ...conversation, messages: conversation.messages.map(blank) };
  });

  next = withChat(next, peerId, (chat) => {
    if (chat.lastMessage?.id !== action.messageId) return chat;
    if (action.forEveryone) return { ...chat, lastMessage: blank(chat.lastMessage) };
    // The preview falls back to the newest message still shown.
    const remaining = next.conversations[peerId]?.messages.at(-1) ?? null;
    return { ...chat, lastMessage: remaining };
  });
  return next;
}

function markRead(state: ChatState, action: Extract<ChatAction, { type: "chat_read" }>): ChatState {
  const peerId = state.chatPeers[action.chatId];
  if (peerId === undefined) return state;
  const readIt = (message: MessageOutput) =>
    message.sender_id === peerId && message.seq <= action.upToSeq && message.status !== "read"
      ? { ...message, status: "read" as const }
      : message;
  let next = withChat(state, peerId, (chat) => ({
    ...chat,
    unreadCount: action.unreadCount,
    lastMessage: chat.lastMessage ? readIt(chat.lastMessage) : null,
  }));
  next = withConversation(next, peerId, (conversation) => {
    let isChanged = false;
    const messages = conversation.messages.map((message) => {
      const read = readIt(message);
      if (read !== message) isChanged = true;
      return read;
    });
    return isChanged ? { ...conversation, messages } : conversation;
  });
  return next;
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "chats_loaded": {
      let next = state;
      for (const chat of action.chats) next = upsertChat(next, chat);
      return { ...next, chatList: { status: "ready", error: null, cursor: action.cursor } };
    }
    case "chats_loading":
      return { ...state, chatList: { ...state.chatList, status: "loading", error: null } };
    case "chats_failed":
      return { ...state, chatList: { ...state.chatList, status: "error", error: action.error } };
    case "chat_upserted":
      return upsertChat(state, action.chat);
    case "profile_upserted":
      return { ...state, profiles: { ...state.profiles, [action.profile.id]: action.profile } };
    case "history_loading":
      return withConversation(state, action.peerId, (conversation) => ({ ...conversation, history: "loading" }));
    case "history_loaded":
      return withConversation(state, action.peerId, (conversation) => ({
        ...conversation,
        history: "ready",
        hasOlder: action.hasOlder,
        messages: mergeMessages(conversation.messages, action.messages, conversation.hiddenIds),
      }));
    case "history_failed":
      return withConversation(state, action.peerId, (conversation) => ({ ...conversation, history: "error" }));
    case "older_loading":
      return withConversation(state, action.peerId, (conversation) => ({ ...conversation, isLoadingOlder: true }));
    case "older_loaded":
      return withConversation(state, action.peerId, (conversation) => ({
        ...conversation,
        isLoadingOlder: false,
        hasOlder: action.hasOlder,
        messages: mergeMessages(conversation.messages, action.messages, conversation.hiddenIds),
      }));
    case "older_failed":
      return withConversation(state, action.peerId, (conversation) => ({ ...conversation, isLoadingOlder: false }));
    case "messages_received":
      return action.messages.reduce(receiveMessage, state);
    case "outbox_added": {
      const next = withConversation(state, action.peerId, (conversation) => ({
        ...conversation,
        outbox: [...conversation.outbox, action.message],
      }));
      return next.chats[action.peerId]
        ? next
        : {
            ...next,
            // A first message makes the chat; list it at once, before the server answers.
            chats: {
              ...next.chats,
              [action.peerId]: {
                chatId: null,
                peerId: action.peerId,
                lastMessage: null,
                lastMessageAt: action.message.created_at,
                unreadCount: 0,
                lastSeq: 0,
              },
            },
          };
    }
    case "outbox_updated":
      return withConversation(state, action.peerId, (conversation) => ({
        ...conversation,
        outbox: conversation.outbox.map((item) =>
          item.client_msg_id === action.clientMsgId ? { ...item, state: action.state, error: action.error } : item,
        ),
      }));
    case "outbox_removed": {
      const next = withConversation(state, action.peerId, (conversation) => ({
        ...conversation,
        outbox: conversation.outbox.filter((item) => item.client_msg_id !== action.clientMsgId),
      }));
      const chat = next.chats[action.peerId];
      // A first message given up on leaves no chat behind.
      if (chat && chat.chatId === null && next.conversations[action.peerId]?.outbox.length === 0) {
        const chats = { ...next.chats };
        delete chats[action.peerId];
        return { ...next, chats };
      }
      return next;
    }
    case "status_updated":
      return updateStatuses(state, action);
    case "message_deleted":
      return deleteMessage(state, action);
    case "chat_read":
      return markRead(state, action);
    case "presence": {
      const profile = state.profiles[action.userId];
      if (!profile) return state;
      return {
        ...state,
        profiles: {
          ...state.profiles,
          [action.userId]: { ...profile, is_online: action.isOnline, last_seen: action.lastSeen ?? profile.last_seen },
        },
      };
    }
    case "typing":
      if (!action.isTyping) return withoutTyping(state, action.peerId);
      return state.typing[action.peerId] ? state : { ...state, typing: { ...state.typing, [action.peerId]: true } };
    case "blocked_loaded":
      return { ...state, blocked: Object.fromEntries(action.userIds.map((id) => [id, true as const])) };
    case "block_changed": {
      const blocked = { ...state.blocked };
      if (action.isBlocked) blocked[action.userId] = true;
      else delete blocked[action.userId];
      return { ...state, blocked };
    }
    case "connection":
      return state.connection === action.state ? state : { ...state, connection: action.state };
    case "active_changed":
      return state.activePeerId === action.peerId ? state : { ...state, activePeerId: action.peerId };
    case "visibility":
      return state.isVisible === action.isVisible ? state : { ...state, isVisible: action.isVisible };
    case "requests_abandoned": {
      const conversations = Object.fromEntries(
        Object.entries(state.conversations).map(([peerId, conversation]) => [
          peerId,
          conversation.history === "loading" || conversation.isLoadingOlder
            ? {
                ...conversation,
                history: conversation.history === "loading" ? "idle" : conversation.history,
                isLoadingOlder: false,
              }
            : conversation,
        ]),
      );
      return { ...state, conversations };
    }
    case "resynced": {
      // What was loaded may be missing events: keep what is typed, reload the rest.
      const conversations = Object.fromEntries(
        Object.entries(state.conversations).map(([peerId, conversation]) => [
          peerId,
          { ...emptyConversation, outbox: conversation.outbox },
        ]),
      );
      return { ...state, conversations, typing: {} };
    }
  }
}

/** Chats newest first, a message still on its way counting as the newest. */
export function sortedChats(state: Pick<ChatState, "chats" | "conversations">): ChatSummary[] {
  const activity = (chat: ChatSummary) => {
    const pending = state.conversations[chat.peerId]?.outbox.at(-1);
    const times = [chat.lastMessageAt, pending?.created_at].filter((value): value is string => Boolean(value));
    return Math.max(0, ...times.map((value) => Date.parse(value)));
  };
  return Object.values(state.chats)
    .filter((chat) => chat.chatId !== null || (state.conversations[chat.peerId]?.outbox.length ?? 0) > 0)
    .map((chat) => ({ chat, at: activity(chat) }))
    .sort((a, b) => b.at - a.at || b.chat.peerId - a.chat.peerId)
    .map(({ chat }) => chat);
}
