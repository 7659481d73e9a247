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
  /** End-to-end encrypted: what is said is opened only on the devices (a group says so in `group.e2ee`). */
  e2ee: boolean;
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
