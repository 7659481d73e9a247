import type { MessageStatus, ReactionSummary } from "@parley/sdk";

import { isLaterEdit, isSystemMessage, laterStatus, sameReactions, type MessageChange } from "./messages";
import {
  directKey,
  groupKey,
  type ChatAction,
  type ChatState,
  type ConversationKey,
  type ThreadMessage,
} from "./types";

/*
 * What an action does to single messages, written once: the conversations
 * slice applies it to the loaded messages and the chat list slice to each
 * chat's preview, so the two never disagree.
 */

/** Ticks on my own messages move forward, never on a system line or someone else's message. */
export function bumpMine(
  selfId: number,
  applies: (message: ThreadMessage) => boolean,
  status: MessageStatus,
): MessageChange {
  return (message) =>
    message.sender_id === selfId &&
    !isSystemMessage(message) &&
    applies(message) &&
    laterStatus(message.status, status) !== message.status
      ? { ...message, status }
      : message;
}

/** The other person read their messages (from me) up to a seq. */
export function readUpTo(peerId: number, upToSeq: number): MessageChange {
  return (message) =>
    message.sender_id === peerId && message.seq <= upToSeq && message.status !== "read"
      ? { ...message, status: "read" as const }
      : message;
}

/** New text, on the message and on the quotes of it; an older edit than the one shown is ignored. */
export function edited(messageId: number, content: string, editedAt: string): MessageChange {
  return (message) => {
    const isIt = message.id === messageId && !message.is_deleted && !isLaterEdit(message.edited_at, editedAt);
    const quotesIt = message.reply_to?.id === messageId && !message.reply_to.is_deleted;
    if (!isIt && !quotesIt) return message;
    return {
      ...message,
      ...(isIt ? { content, edited_at: editedAt } : {}),
      reply_to: quotesIt && message.reply_to ? { ...message.reply_to, content } : message.reply_to,
    };
  };
}

export function withReactions(messageId: number, reactions: ReactionSummary[]): MessageChange {
  return (message) =>
    message.id === messageId && !sameReactions(message.reactions, reactions) ? { ...message, reactions } : message;
}

/** Deleted for everyone: the message is blanked, and so are the quotes of it. */
export function deletedForEveryone(messageId: number): MessageChange {
  return (message) => {
    const quotesIt = message.reply_to?.id === messageId;
    if (message.id !== messageId && !quotesIt) return message;
    if (message.id === messageId && message.is_deleted) return message;
    return {
      ...message,
      ...(message.id === messageId
        ? { is_deleted: true, content: null, media: null, location: null, reactions: [] }
        : {}),
      reply_to:
        quotesIt && message.reply_to ? { ...message.reply_to, is_deleted: true, content: null } : message.reply_to,
    };
  };
}

/**
 * The conversation an action changes messages in and the change, for the
 * actions that change messages in place (ticks, reads, edits, reactions).
 * Deletes are not here: they also drop messages and move the preview.
 */
export function messageChangeOf(
  state: Pick<ChatState, "selfId" | "chatPeers">,
  action: ChatAction,
): { key: ConversationKey; change: MessageChange } | null {
  switch (action.type) {
    case "status_updated": {
      const peerId = state.chatPeers[action.chatId];
      if (peerId === undefined) return null;
      const ids = new Set(action.messageIds);
      const { status, upToSeq } = action;
      const applies = (message: ThreadMessage) =>
        ids.has(message.id) || (status === "read" && upToSeq !== null && message.seq <= upToSeq);
      return { key: directKey(peerId), change: bumpMine(state.selfId, applies, status) };
    }
    case "group_status_updated":
      return {
        key: groupKey(action.groupId),
        change: bumpMine(state.selfId, (message) => message.seq <= action.upToSeq, action.status),
      };
    case "chat_read": {
      const peerId = state.chatPeers[action.chatId];
      if (peerId === undefined) return null;
      return { key: directKey(peerId), change: readUpTo(peerId, action.upToSeq) };
    }
    case "message_edited":
      return { key: action.key, change: edited(action.messageId, action.content, action.editedAt) };
    case "reactions_updated":
      return { key: action.key, change: withReactions(action.messageId, action.reactions) };
    default:
      return null;
  }
}
