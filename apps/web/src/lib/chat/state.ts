import type {
  ChatListItem,
  GroupMessageOutput,
  GroupOutput,
  GroupSummary,
  LocationOutput,
  MediaKind,
  MessageOutput,
  MessageStatus,
  MessageType,
  PublicProfile,
  ReactionSummary,
} from "@parley/sdk";

/**
 * Everything the chat screen shows, as one immutable value: chats and
 * groups, the messages loaded per conversation, messages still on their way
 * out, and the live bits (presence, typing, connection).
 *
 * Conversations are keyed by kind and id ("direct:7", "group:7"): chat ids
 * and group ids overlap. A 1:1 conversation is keyed by the other person's
 * user id, because a chat only gets an id with its first message and a new
 * conversation must exist before that.
 */

export type ConversationKey = `direct:${number}` | `group:${number}`;

export const directKey = (peerId: number): ConversationKey => `direct:${peerId}`;
export const groupKey = (groupId: number): ConversationKey => `group:${groupId}`;

export function parseKey(key: ConversationKey): { kind: "direct" | "group"; id: number } {
  const [kind, id] = key.split(":");
  return { kind: kind === "group" ? "group" : "direct", id: Number(id) };
}

export type GroupMember = GroupOutput["members"][number];

/** A message of either kind: the two share every field a bubble shows. */
export type ThreadMessage = MessageOutput | GroupMessageOutput;

export type ReplyPreview = NonNullable<MessageOutput["reply_to"]>;

/** A file on its way out: uploaded, checked by the server, then sent as a message. */
export type OutgoingMedia = {
  kind: MediaKind;
  file: Blob;
  file_name: string | null;
  mime_type: string;
  size: number;
  /** An object URL of the local file (photos and videos), shown until the server's copy is fetched. */
  preview_url: string | null;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  is_voice_note: boolean;
  /** "uploading" (with progress), "checking" (the server reads it), null once checked or stopped. */
  stage: "uploading" | "checking" | null;
  /** Fraction of the bytes sent, 0–1. */
  progress: number;
  /** Set once the server checked the upload: a retry then only sends the message again. */
  media_id: string | null;
};

/** A message typed here that the server has not confirmed yet. */
export type OutgoingMessage = {
  client_msg_id: string;
  message_type: MessageType;
  /** The text, or a file's caption ("" for none). */
  content: string;
  media: OutgoingMedia | null;
  location: LocationOutput | null;
  reply_to: ReplyPreview | null;
  created_at: string;
  state: "pending" | "failed";
  error: string | null;
  /** False when sending again can't help: the server refused the file itself. */
  can_retry: boolean;
};

type SummaryBase = {
  key: ConversationKey;
  lastMessageAt: string | null;
  unreadCount: number;
  lastSeq: number;
};

export type DirectChatSummary = SummaryBase & {
  kind: "direct";
  chatId: number | null;
  peerId: number;
  lastMessage: MessageOutput | null;
};

export type GroupChatSummary = SummaryBase & {
  kind: "group";
  groupId: number;
  /** Null until the group itself is fetched (its first message can arrive before). */
  group: GroupSummary | null;
  lastMessage: GroupMessageOutput | null;
  /** Why we are no longer a member (the server says, or this device saw it live): "You were removed". */
  leftReason: "left" | "removed" | null;
};

export type ChatSummary = DirectChatSummary | GroupChatSummary;

/** "gone": the group was deleted, or was never ours to see. */
export type HistoryState = "idle" | "loading" | "ready" | "error" | "gone";

export type Conversation = {
  /** Confirmed messages, oldest first, one per id. */
  messages: ThreadMessage[];
  /** Optimistic messages, in the order they were typed. */
  outbox: OutgoingMessage[];
  history: HistoryState;
  hasOlder: boolean;
  isLoadingOlder: boolean;
  /** Deleted for me: never shown again, even if a stale page brings them back. */
  hiddenIds: readonly number[];
};

export type ConnectionState = "connecting" | "online" | "offline";

/** A message to bring into view once its conversation shows it (a search result, a starred message). */
export type MessageFocus = { key: ConversationKey; messageId: number; seq: number };

export type ChatState = {
  selfId: number;
  chats: Readonly<Record<ConversationKey, ChatSummary>>;
  /** Chat id → the other person, for the live events that only name the chat. */
  chatPeers: Readonly<Record<number, number>>;
  profiles: Readonly<Record<number, PublicProfile>>;
  /** Group id → its current members, once fetched (admins first, as the server orders them). */
  rosters: Readonly<Record<number, readonly GroupMember[]>>;
  conversations: Readonly<Record<ConversationKey, Conversation>>;
  /** Who is typing in each conversation, in the order they started. */
  typing: Readonly<Record<ConversationKey, readonly number[]>>;
  blocked: Readonly<Record<number, true>>;
  /** The messages I starred, by id (the server's messages don't say, so this set is kept here). */
  starred: Readonly<Record<number, true>>;
  focus: MessageFocus | null;
  chatList: { status: "loading" | "ready" | "error"; error: string | null; cursor: string | null };
  connection: ConnectionState;
  active: ConversationKey | null;
  isVisible: boolean;
};

export type ChatAction =
  | { type: "chats_loaded"; chats: ChatListItem[]; cursor: string | null }
  | { type: "chats_loading" }
  | { type: "chats_failed"; error: string }
  | { type: "chat_upserted"; chat: ChatListItem }
  | { type: "group_loaded"; group: GroupOutput }
  | { type: "group_updated"; group: GroupSummary }
  | { type: "group_left"; groupId: number; reason: "left" | "removed" }
  | { type: "conversation_gone"; key: ConversationKey }
  | { type: "profile_upserted"; profile: PublicProfile }
  | { type: "history_loading"; key: ConversationKey }
  | { type: "history_loaded"; key: ConversationKey; messages: ThreadMessage[]; hasOlder: boolean }
  | { type: "history_failed"; key: ConversationKey }
  | { type: "older_loading"; key: ConversationKey }
  | { type: "older_loaded"; key: ConversationKey; messages: ThreadMessage[]; hasOlder: boolean }
  | { type: "older_failed"; key: ConversationKey }
  | { type: "messages_received"; messages: MessageOutput[] }
  | { type: "group_messages_received"; messages: GroupMessageOutput[] }
  | { type: "outbox_added"; key: ConversationKey; message: OutgoingMessage }
  | {
      type: "outbox_updated";
      key: ConversationKey;
      clientMsgId: string;
      state: OutgoingMessage["state"];
      error: string | null;
      canRetry?: boolean;
    }
  | {
      type: "outbox_media_updated";
      key: ConversationKey;
      clientMsgId: string;
      media: Partial<Pick<OutgoingMedia, "stage" | "progress" | "media_id">>;
    }
  | { type: "outbox_removed"; key: ConversationKey; clientMsgId: string }
  | { type: "status_updated"; chatId: number; status: MessageStatus; messageIds: number[]; upToSeq: number | null }
  | { type: "group_status_updated"; groupId: number; status: MessageStatus; upToSeq: number }
  | { type: "message_deleted"; key: ConversationKey; messageId: number; forEveryone: boolean }
  | { type: "message_edited"; key: ConversationKey; messageId: number; content: string; editedAt: string }
  | { type: "reactions_updated"; key: ConversationKey; messageId: number; reactions: ReactionSummary[] }
  | { type: "starred_loaded"; messageIds: number[] }
  | { type: "starred_changed"; messageId: number; isStarred: boolean }
  | { type: "focus_requested"; focus: MessageFocus }
  | { type: "focus_cleared" }
  | { type: "chat_read"; chatId: number; upToSeq: number; unreadCount: number }
  | { type: "group_read"; groupId: number; unreadCount: number }
  | { type: "presence"; userId: number; isOnline: boolean; lastSeen: string | null }
  | { type: "typing"; key: ConversationKey; userId: number; isTyping: boolean }
  | { type: "blocked_loaded"; userIds: number[] }
  | { type: "block_changed"; userId: number; isBlocked: boolean }
  | { type: "connection"; state: ConnectionState }
  | { type: "active_changed"; key: ConversationKey | null }
  | { type: "visibility"; isVisible: boolean }
  | { type: "resynced" }
  | { type: "requests_abandoned" };

export function initialChatState(selfId: number): ChatState {
  return {
    selfId,
    chats: {},
    chatPeers: {},
    profiles: {},
    rosters: {},
    conversations: {},
    typing: {},
    blocked: {},
    starred: {},
    focus: null,
    chatList: { status: "loading", error: null, cursor: null },
    connection: "connecting",
    active: null,
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

export function isSystemMessage(message: ThreadMessage): message is GroupMessageOutput & { message_type: "system" } {
  return message.message_type === "system";
}

/** The quote a reply carries; system lines ("Ana added Ben") can't be replied to. */
export function toReplyPreview(message: ThreadMessage): ReplyPreview | null {
  const { message_type: type } = message;
  if (type === "system") return null;
  return {
    id: message.id,
    sender_id: message.sender_id,
    content: message.content,
    message_type: type,
    is_deleted: message.is_deleted,
    media: message.media
      ? {
          id: message.media.id,
          kind: message.media.kind,
          file_name: message.media.file_name,
          is_voice_note: message.media.is_voice_note,
          has_thumbnail: message.media.has_thumbnail,
        }
      : null,
    location_name: message.location?.name ?? null,
  };
}

/** Two copies of one message (a page and a live event): the newer facts of each. */
function mergeMessage<M extends ThreadMessage>(known: M, incoming: M): M {
  const isDeleted = known.is_deleted || incoming.is_deleted;
  const status = laterStatus(known.status, incoming.status);
  const replyTo = incoming.reply_to ?? known.reply_to;
  // Edits only move forward: a replayed copy from before the edit keeps the edited text.
  const keepsEdit = isLaterEdit(known.edited_at, incoming.edited_at);
  const merged: M = {
    ...incoming,
    status,
    is_deleted: isDeleted,
    content: isDeleted ? null : keepsEdit ? known.content : incoming.content,
    edited_at: keepsEdit ? known.edited_at : incoming.edited_at,
    reactions: sameReactions(known.reactions, incoming.reactions) ? known.reactions : incoming.reactions,
    media: isDeleted ? null : incoming.media,
    location: isDeleted ? null : incoming.location,
    reply_to: replyTo && known.reply_to?.is_deleted ? { ...replyTo, is_deleted: true, content: null } : replyTo,
  };
  const isSame =
    merged.status === known.status &&
    merged.is_deleted === known.is_deleted &&
    merged.content === known.content &&
    merged.edited_at === known.edited_at &&
    merged.reactions === known.reactions &&
    merged.reply_to?.is_deleted === known.reply_to?.is_deleted &&
    merged.reply_to?.content === known.reply_to?.content;
  return isSame ? known : merged;
}

function isLaterEdit(known: string | null, incoming: string | null): boolean {
  if (known === null) return false;
  return incoming === null || Date.parse(known) > Date.parse(incoming);
}

function sameReactions(a: readonly ReactionSummary[], b: readonly ReactionSummary[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((entry, index) => {
    const other = b[index];
    return (
      other !== undefined &&
      entry.emoji === other.emoji &&
      entry.count === other.count &&
      entry.user_ids.length === other.user_ids.length &&
      entry.user_ids.every((id, at) => other.user_ids[at] === id)
    );
  });
}

/** Adds messages to an oldest-first list, one per id, keeping it sorted by seq. */
export function mergeMessages<M extends ThreadMessage>(
  existing: M[],
  incoming: M[],
  hiddenIds: readonly number[] = [],
): M[] {
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
  if (server.kind === "direct" && local.kind === "direct") return { ...local, chatId: server.chatId, unreadCount };
  if (server.kind === "group" && local.kind === "group") return { ...local, group: server.group, unreadCount };
  return server;
}

function withConversation(
  state: ChatState,
  key: ConversationKey,
  update: (conversation: Conversation) => Conversation,
): ChatState {
  const current = state.conversations[key] ?? emptyConversation;
  const next = update(current);
  if (next === current) return state;
  return { ...state, conversations: { ...state.conversations, [key]: next } };
}

function withChat(state: ChatState, key: ConversationKey, update: (chat: ChatSummary) => ChatSummary): ChatState {
  const current = state.chats[key];
  if (!current) return state;
  const next = update(current);
  if (next === current) return state;
  return { ...state, chats: { ...state.chats, [key]: next } };
}

function withGroup(state: ChatState, groupId: number, update: (chat: GroupChatSummary) => GroupChatSummary) {
  return withChat(state, groupKey(groupId), (chat) => (chat.kind === "group" ? update(chat) : chat));
}

function upsertChat(state: ChatState, item: ChatListItem): ChatState {
  const server = summaryFromItem(item);
  const summary = mergeSummary(state.chats[server.key], server);
  const next = { ...state, chats: { ...state.chats, [server.key]: summary } };
  if (item.type === "group") return next;
  return {
    ...next,
    chatPeers: { ...next.chatPeers, [item.id]: item.peer.id },
    profiles: { ...next.profiles, [item.peer.id]: item.peer },
  };
}

function loadGroup(state: ChatState, group: GroupOutput): ChatState {
  const { members, updated_at: _updatedAt, last_seq: lastSeq, ...summary } = group;
  const key = groupKey(group.id);
  const known = state.chats[key];
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
  const profiles = { ...state.profiles };
  for (const member of members) profiles[member.user_id] = member.profile;
  return {
    ...state,
    chats: { ...state.chats, [key]: chat },
    // Empty for someone who left: who is in the group now is no longer theirs to see.
    rosters: { ...state.rosters, [group.id]: members },
    profiles,
  };
}

function isReadingNow(state: ChatState, key: ConversationKey): boolean {
  return state.active === key && state.isVisible;
}

/** Adds a confirmed message to its conversation, replacing the optimistic copy it came from. */
function addToConversation(state: ChatState, key: ConversationKey, message: ThreadMessage): ChatState {
  const isMine = message.sender_id === state.selfId;
  return withConversation(state, key, (conversation) => {
    const messages = mergeMessages(conversation.messages, [message], conversation.hiddenIds);
    const outbox =
      isMine && message.client_msg_id !== null
        ? conversation.outbox.filter((item) => item.client_msg_id !== message.client_msg_id)
        : conversation.outbox;
    if (messages === conversation.messages && outbox.length === conversation.outbox.length) return conversation;
    return { ...conversation, messages, outbox };
  });
}

/** The list row's facts after a message: preview, time, seq and one more unread unless it is being read. */
function summaryAfter<S extends ChatSummary>(state: ChatState, known: S, message: ThreadMessage): S {
  const isNews = message.seq > known.lastSeq;
  const isMine = message.sender_id === state.selfId;
  const shouldCount = isNews && !isMine && !message.is_deleted && !isReadingNow(state, known.key);
  return {
    ...known,
    lastMessage: nextLastMessage(known.lastMessage, message, isNews),
    lastMessageAt: isNews ? message.created_at : known.lastMessageAt,
    lastSeq: Math.max(known.lastSeq, message.seq),
    unreadCount: known.unreadCount + (shouldCount ? 1 : 0),
  };
}

function receiveMessage(state: ChatState, message: MessageOutput): ChatState {
  const peerId = peerOf(message, state.selfId);
  const key = directKey(peerId);
  let next = addToConversation(state, key, message);
  const known = next.chats[key];
  const empty: DirectChatSummary = {
    kind: "direct",
    key,
    chatId: message.chat_id,
    peerId,
    lastMessage: null,
    lastMessageAt: null,
    unreadCount: 0,
    lastSeq: 0,
  };
  const summary: DirectChatSummary = {
    ...summaryAfter(state, known?.kind === "direct" ? known : empty, message),
    chatId: message.chat_id,
  };
  next = { ...next, chats: { ...next.chats, [key]: summary } };
  if (next.chatPeers[message.chat_id] !== peerId) {
    next = { ...next, chatPeers: { ...next.chatPeers, [message.chat_id]: peerId } };
  }
  // The message itself ends "typing…", as in every messenger.
  return message.sender_id === peerId ? withoutTyping(next, key, peerId) : next;
}

function receiveGroupMessage(state: ChatState, message: GroupMessageOutput): ChatState {
  const key = groupKey(message.group_id);
  let next = addToConversation(state, key, message);
  const known = next.chats[key];
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
  next = { ...next, chats: { ...next.chats, [key]: summary } };
  return withoutTyping(next, key, message.sender_id);
}

function nextLastMessage<M extends ThreadMessage>(current: M | null, message: M, isNews: boolean): M | null {
  if (current?.id === message.id) return mergeMessage(current, message);
  return isNews ? message : current;
}

function withoutTyping(state: ChatState, key: ConversationKey, userId: number): ChatState {
  const current = state.typing[key];
  if (!current?.includes(userId)) return state;
  const remaining = current.filter((id) => id !== userId);
  const typing = { ...state.typing };
  if (remaining.length > 0) typing[key] = remaining;
  else delete typing[key];
  return { ...state, typing };
}

/** Moves ticks on my own messages in one conversation, in the list and in its preview. */
function bumpMine(
  state: ChatState,
  key: ConversationKey,
  applies: (message: ThreadMessage) => boolean,
  status: MessageStatus,
): ChatState {
  const bump = <M extends ThreadMessage>(message: M): M =>
    message.sender_id === state.selfId &&
    !isSystemMessage(message) &&
    applies(message) &&
    laterStatus(message.status, status) !== message.status
      ? { ...message, status }
      : message;

  const next = withConversation(state, key, (conversation) => {
    let isChanged = false;
    const messages = conversation.messages.map((message) => {
      const bumped = bump(message);
      if (bumped !== message) isChanged = true;
      return bumped;
    });
    return isChanged ? { ...conversation, messages } : conversation;
  });
  return withChat(next, key, (chat) => {
    if (!chat.lastMessage) return chat;
    const lastMessage = bump(chat.lastMessage);
    return lastMessage === chat.lastMessage ? chat : ({ ...chat, lastMessage } as ChatSummary);
  });
}

function updateStatuses(state: ChatState, action: Extract<ChatAction, { type: "status_updated" }>): ChatState {
  const peerId = state.chatPeers[action.chatId];
  if (peerId === undefined) return state;
  const ids = new Set(action.messageIds);
  return bumpMine(
    state,
    directKey(peerId),
    (message) =>
      ids.has(message.id) || (action.status === "read" && action.upToSeq !== null && message.seq <= action.upToSeq),
    action.status,
  );
}

function deleteMessage(state: ChatState, action: Extract<ChatAction, { type: "message_deleted" }>): ChatState {
  const { key } = action;
  const blank = <M extends ThreadMessage>(message: M): M => {
    const quotesIt = message.reply_to?.id === action.messageId;
    if (message.id !== action.messageId && !quotesIt) return message;
    if (message.id === action.messageId && message.is_deleted) return message;
    return {
      ...message,
      ...(message.id === action.messageId
        ? { is_deleted: true, content: null, media: null, location: null, reactions: [] }
        : {}),
      reply_to:
        quotesIt && message.reply_to ? { ...message.reply_to, is_deleted: true, content: null } : message.reply_to,
    };
  };

  const next = withConversation(state, key, (conversation) => {
    if (!action.forEveryone) {
      return {
        ...conversation,
        messages: conversation.messages.filter((message) => message.id !== action.messageId),
        hiddenIds: [...conversation.hiddenIds, action.messageId],
      };
    }
    return { ...conversation, messages: conversation.messages.map(blank) };
  });

  return withChat(next, key, (chat) => {
    if (chat.lastMessage?.id !== action.messageId) return chat;
    if (action.forEveryone) return { ...chat, lastMessage: blank(chat.lastMessage) } as ChatSummary;
    // The preview falls back to the newest message still shown.
    const remaining = next.conversations[key]?.messages.at(-1) ?? null;
    return { ...chat, lastMessage: remaining } as ChatSummary;
  });
}

/** Applies a change to every message of a conversation and to its chat's preview, keeping what it leaves alone. */
function mapMessages(
  state: ChatState,
  key: ConversationKey,
  change: <M extends ThreadMessage>(message: M) => M,
): ChatState {
  const next = withConversation(state, key, (conversation) => {
    let isChanged = false;
    const messages = conversation.messages.map((message) => {
      const changed = change(message);
      if (changed !== message) isChanged = true;
      return changed;
    });
    return isChanged ? { ...conversation, messages } : conversation;
  });
  return withChat(next, key, (chat) => {
    if (!chat.lastMessage) return chat;
    const lastMessage = change(chat.lastMessage);
    return lastMessage === chat.lastMessage ? chat : ({ ...chat, lastMessage } as ChatSummary);
  });
}

function editMessage(state: ChatState, action: Extract<ChatAction, { type: "message_edited" }>): ChatState {
  const { messageId, content, editedAt } = action;
  return mapMessages(state, action.key, (message) => {
    const isIt = message.id === messageId && !message.is_deleted && !isLaterEdit(message.edited_at, editedAt);
    const quotesIt = message.reply_to?.id === messageId && !message.reply_to.is_deleted;
    if (!isIt && !quotesIt) return message;
    return {
      ...message,
      ...(isIt ? { content, edited_at: editedAt } : {}),
      reply_to: quotesIt && message.reply_to ? { ...message.reply_to, content } : message.reply_to,
    };
  });
}

function updateReactions(state: ChatState, action: Extract<ChatAction, { type: "reactions_updated" }>): ChatState {
  return mapMessages(state, action.key, (message) =>
    message.id === action.messageId && !sameReactions(message.reactions, action.reactions)
      ? { ...message, reactions: action.reactions }
      : message,
  );
}

function markRead(state: ChatState, action: Extract<ChatAction, { type: "chat_read" }>): ChatState {
  const peerId = state.chatPeers[action.chatId];
  if (peerId === undefined) return state;
  const key = directKey(peerId);
  const readIt = <M extends ThreadMessage>(message: M): M =>
    message.sender_id === peerId && message.seq <= action.upToSeq && message.status !== "read"
      ? { ...message, status: "read" as const }
      : message;
  const next = withChat(state, key, (chat) =>
    chat.kind === "direct"
      ? { ...chat, unreadCount: action.unreadCount, lastMessage: chat.lastMessage ? readIt(chat.lastMessage) : null }
      : chat,
  );
  return withConversation(next, key, (conversation) => {
    let isChanged = false;
    const messages = conversation.messages.map((message) => {
      const read = readIt(message);
      if (read !== message) isChanged = true;
      return read;
    });
    return isChanged ? { ...conversation, messages } : conversation;
  });
}

function leaveGroup(state: ChatState, action: Extract<ChatAction, { type: "group_left" }>): ChatState {
  const key = groupKey(action.groupId);
  const next = withGroup(state, action.groupId, (chat) => ({
    ...chat,
    leftReason: action.reason,
    group: chat.group ? { ...chat.group, is_member: false, my_role: null } : null,
  }));
  const typing = { ...next.typing };
  delete typing[key];
  return { ...next, typing };
}

function forgetConversation(state: ChatState, key: ConversationKey): ChatState {
  const chats = { ...state.chats };
  delete chats[key];
  const typing = { ...state.typing };
  delete typing[key];
  return {
    ...state,
    chats,
    typing,
    conversations: { ...state.conversations, [key]: { ...emptyConversation, history: "gone" } },
  };
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
    case "group_loaded":
      return loadGroup(state, action.group);
    case "group_updated":
      // Every member gets the same summary: their own role and membership are not in it.
      return withGroup(state, action.group.id, (chat) =>
        chat.group
          ? {
              ...chat,
              group: { ...action.group, is_member: chat.group.is_member, my_role: chat.group.my_role },
            }
          : chat,
      );
    case "group_left":
      return leaveGroup(state, action);
    case "conversation_gone":
      return forgetConversation(state, action.key);
    case "profile_upserted":
      return { ...state, profiles: { ...state.profiles, [action.profile.id]: action.profile } };
    case "history_loading":
      return withConversation(state, action.key, (conversation) => ({ ...conversation, history: "loading" }));
    case "history_loaded":
      return withConversation(state, action.key, (conversation) => ({
        ...conversation,
        history: "ready",
        hasOlder: action.hasOlder,
        messages: mergeMessages(conversation.messages, action.messages, conversation.hiddenIds),
      }));
    case "history_failed":
      return withConversation(state, action.key, (conversation) => ({ ...conversation, history: "error" }));
    case "older_loading":
      return withConversation(state, action.key, (conversation) => ({ ...conversation, isLoadingOlder: true }));
    case "older_loaded":
      return withConversation(state, action.key, (conversation) => ({
        ...conversation,
        isLoadingOlder: false,
        hasOlder: action.hasOlder,
        messages: mergeMessages(conversation.messages, action.messages, conversation.hiddenIds),
      }));
    case "older_failed":
      return withConversation(state, action.key, (conversation) => ({ ...conversation, isLoadingOlder: false }));
    case "messages_received":
      return action.messages.reduce(receiveMessage, state);
    case "group_messages_received":
      return action.messages.reduce(receiveGroupMessage, state);
    case "outbox_added": {
      const next = withConversation(state, action.key, (conversation) => ({
        ...conversation,
        outbox: [...conversation.outbox, action.message],
      }));
      const { kind, id } = parseKey(action.key);
      if (next.chats[action.key] || kind !== "direct") return next;
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
      };
      return { ...next, chats: { ...next.chats, [action.key]: chat } };
    }
    case "outbox_updated":
      return withConversation(state, action.key, (conversation) => ({
        ...conversation,
        outbox: conversation.outbox.map((item) =>
          item.client_msg_id === action.clientMsgId
            ? { ...item, state: action.state, error: action.error, can_retry: action.canRetry ?? true }
            : item,
        ),
      }));
    case "outbox_media_updated":
      return withConversation(state, action.key, (conversation) => {
        const item = conversation.outbox.find((message) => message.client_msg_id === action.clientMsgId);
        if (!item?.media) return conversation;
        const media = { ...item.media, ...action.media };
        const isSame = (Object.keys(action.media) as (keyof typeof action.media)[]).every(
          (field) => media[field] === item.media?.[field],
        );
        if (isSame) return conversation;
        return {
          ...conversation,
          outbox: conversation.outbox.map((message) => (message === item ? { ...message, media } : message)),
        };
      });
    case "outbox_removed": {
      const next = withConversation(state, action.key, (conversation) => ({
        ...conversation,
        outbox: conversation.outbox.filter((item) => item.client_msg_id !== action.clientMsgId),
      }));
      const chat = next.chats[action.key];
      // A first message given up on leaves no chat behind.
      if (chat?.kind === "direct" && chat.chatId === null && next.conversations[action.key]?.outbox.length === 0) {
        const chats = { ...next.chats };
        delete chats[action.key];
        return { ...next, chats };
      }
      return next;
    }
    case "status_updated":
      return updateStatuses(state, action);
    case "group_status_updated":
      return bumpMine(state, groupKey(action.groupId), (message) => message.seq <= action.upToSeq, action.status);
    case "message_deleted":
      return deleteMessage(state, action);
    case "message_edited":
      return editMessage(state, action);
    case "reactions_updated":
      return updateReactions(state, action);
    case "starred_loaded":
      return { ...state, starred: Object.fromEntries(action.messageIds.map((id) => [id, true as const])) };
    case "starred_changed": {
      if (Boolean(state.starred[action.messageId]) === action.isStarred) return state;
      const starred = { ...state.starred };
      if (action.isStarred) starred[action.messageId] = true;
      else delete starred[action.messageId];
      return { ...state, starred };
    }
    case "focus_requested":
      return { ...state, focus: action.focus };
    case "focus_cleared":
      return state.focus === null ? state : { ...state, focus: null };
    case "chat_read":
      return markRead(state, action);
    case "group_read":
      return withGroup(state, action.groupId, (chat) =>
        chat.unreadCount === action.unreadCount ? chat : { ...chat, unreadCount: action.unreadCount },
      );
    case "presence": {
      const profile = state.profiles[action.userId];
      if (!profile) return state;
      return {
        ...state,
        profiles: {
          ...state.profiles,
          // Going offline with no last seen means it is hidden from us now (privacy, a block): clear it.
          [action.userId]: {
            ...profile,
            is_online: action.isOnline,
            last_seen: action.isOnline ? profile.last_seen : action.lastSeen,
          },
        },
      };
    }
    case "typing": {
      if (!action.isTyping) return withoutTyping(state, action.key, action.userId);
      const current = state.typing[action.key] ?? [];
      if (current.includes(action.userId)) return state;
      return { ...state, typing: { ...state.typing, [action.key]: [...current, action.userId] } };
    }
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
      return state.active === action.key ? state : { ...state, active: action.key };
    case "visibility":
      return state.isVisible === action.isVisible ? state : { ...state, isVisible: action.isVisible };
    case "requests_abandoned": {
      const conversations = Object.fromEntries(
        Object.entries(state.conversations).map(([key, conversation]) => [
          key,
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
        Object.entries(state.conversations).map(([key, conversation]) => [
          key,
          { ...emptyConversation, outbox: conversation.outbox },
        ]),
      );
      return { ...state, conversations, typing: {} };
    }
  }
}

/** Chats and groups newest first, a message still on its way counting as the newest. */
export function sortedChats(state: Pick<ChatState, "chats" | "conversations">): ChatSummary[] {
  const activity = (chat: ChatSummary) => {
    const pending = state.conversations[chat.key]?.outbox.at(-1);
    const times = [chat.lastMessageAt, pending?.created_at].filter((value): value is string => Boolean(value));
    return Math.max(0, ...times.map((value) => Date.parse(value)));
  };
  return Object.values(state.chats)
    .filter(
      (chat) =>
        chat.kind === "group" || chat.chatId !== null || (state.conversations[chat.key]?.outbox.length ?? 0) > 0,
    )
    .map((chat) => ({ chat, at: activity(chat) }))
    .sort((a, b) => b.at - a.at || b.chat.key.localeCompare(a.chat.key))
    .map(({ chat }) => chat);
}
