import { deletedForEveryone, messageChangeOf } from "./message-changes";
import { mergeMessages, peerOf, updateMessages, type MessageChange } from "./messages";
import {
  directKey,
  groupKey,
  type ChatAction,
  type ChatState,
  type Conversation,
  type ConversationKey,
  type ThreadMessage,
} from "./types";

/** The conversations slice: each conversation's loaded messages and outbox, and the messages I starred. */
export type ConversationsSlice = Pick<ChatState, "conversations" | "starred">;

type Conversations = ChatState["conversations"];

export const emptyConversation: Conversation = {
  messages: [],
  outbox: [],
  history: "idle",
  hasOlder: false,
  isLoadingOlder: false,
  hiddenIds: [],
};

export function withConversation(
  conversations: Conversations,
  key: ConversationKey,
  update: (conversation: Conversation) => Conversation,
): Conversations {
  const current = conversations[key] ?? emptyConversation;
  const next = update(current);
  if (next === current) return conversations;
  return { ...conversations, [key]: next };
}

/** A change to every loaded message of a conversation; the same conversation back when it changed none. */
export function updateConversationMessages(conversation: Conversation, change: MessageChange): Conversation {
  const messages = updateMessages(conversation.messages, change);
  return messages === conversation.messages ? conversation : { ...conversation, messages };
}

/** Adds a confirmed message to its conversation, replacing the optimistic copy it came from. */
function addMessage(conversations: Conversations, key: ConversationKey, message: ThreadMessage, selfId: number) {
  const isMine = message.sender_id === selfId;
  return withConversation(conversations, key, (conversation) => {
    const messages = mergeMessages(conversation.messages, [message], conversation.hiddenIds);
    const outbox =
      isMine && message.client_msg_id !== null
        ? conversation.outbox.filter((item) => item.client_msg_id !== message.client_msg_id)
        : conversation.outbox;
    if (messages === conversation.messages && outbox.length === conversation.outbox.length) return conversation;
    return { ...conversation, messages, outbox };
  });
}

function reduceMessages(state: ChatState, action: ChatAction): Conversations {
  const { conversations, selfId } = state;
  const update = (key: ConversationKey, change: (conversation: Conversation) => Conversation) =>
    withConversation(conversations, key, change);
  switch (action.type) {
    case "conversation_gone":
      return { ...conversations, [action.key]: { ...emptyConversation, history: "gone" } };
    case "history_loading":
      return update(action.key, (conversation) => ({ ...conversation, history: "loading" }));
    case "history_loaded":
      return update(action.key, (conversation) => ({
        ...conversation,
        history: "ready",
        hasOlder: action.hasOlder,
        messages: mergeMessages(conversation.messages, action.messages, conversation.hiddenIds),
      }));
    case "history_failed":
      return update(action.key, (conversation) => ({ ...conversation, history: "error" }));
    case "older_loading":
      return update(action.key, (conversation) => ({ ...conversation, isLoadingOlder: true }));
    case "older_loaded":
      return update(action.key, (conversation) => ({
        ...conversation,
        isLoadingOlder: false,
        hasOlder: action.hasOlder,
        messages: mergeMessages(conversation.messages, action.messages, conversation.hiddenIds),
      }));
    case "older_failed":
      return update(action.key, (conversation) => ({ ...conversation, isLoadingOlder: false }));
    case "messages_received":
      return action.messages.reduce(
        (next, message) => addMessage(next, directKey(peerOf(message, selfId)), message, selfId),
        conversations,
      );
    case "group_messages_received":
      return action.messages.reduce(
        (next, message) => addMessage(next, groupKey(message.group_id), message, selfId),
        conversations,
      );
    case "outbox_added":
      return update(action.key, (conversation) => ({
        ...conversation,
        outbox: [...conversation.outbox, action.message],
      }));
    case "outbox_updated":
      return update(action.key, (conversation) => ({
        ...conversation,
        outbox: conversation.outbox.map((item) =>
          item.client_msg_id === action.clientMsgId
            ? { ...item, state: action.state, error: action.error, can_retry: action.canRetry ?? true }
            : item,
        ),
      }));
    case "outbox_media_updated":
      return update(action.key, (conversation) => {
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
    case "outbox_removed":
      return update(action.key, (conversation) => ({
        ...conversation,
        outbox: conversation.outbox.filter((item) => item.client_msg_id !== action.clientMsgId),
      }));
    case "status_updated":
    case "group_status_updated":
    case "chat_read":
    case "message_edited":
    case "reactions_updated": {
      const found = messageChangeOf(state, action);
      if (!found) return conversations;
      return update(found.key, (conversation) => updateConversationMessages(conversation, found.change));
    }
    case "message_deleted":
      return update(action.key, (conversation) =>
        action.forEveryone
          ? updateConversationMessages(conversation, deletedForEveryone(action.messageId))
          : {
              ...conversation,
              messages: conversation.messages.filter((message) => message.id !== action.messageId),
              hiddenIds: [...conversation.hiddenIds, action.messageId],
            },
      );
    case "requests_abandoned":
      return Object.fromEntries(
        Object.entries(conversations).map(([key, conversation]) => [
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
    case "resynced":
      // What was loaded may be missing events: keep what is typed, reload the rest.
      return Object.fromEntries(
        Object.entries(conversations).map(([key, conversation]) => [
          key,
          { ...emptyConversation, outbox: conversation.outbox },
        ]),
      );
    default:
      return conversations;
  }
}

function reduceStarred(starred: ChatState["starred"], action: ChatAction): ChatState["starred"] {
  switch (action.type) {
    case "starred_loaded":
      return Object.fromEntries(action.messageIds.map((id) => [id, true as const]));
    case "starred_changed": {
      if (Boolean(starred[action.messageId]) === action.isStarred) return starred;
      const next = { ...starred };
      if (action.isStarred) next[action.messageId] = true;
      else delete next[action.messageId];
      return next;
    }
    default:
      return starred;
  }
}

export function reduceConversations(state: ChatState, action: ChatAction): ConversationsSlice {
  return { conversations: reduceMessages(state, action), starred: reduceStarred(state.starred, action) };
}
