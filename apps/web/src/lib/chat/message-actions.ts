import { EDIT_WINDOW_MINUTES, type FoundMessage, type ReactionSummary } from "@parley/validators";

import { directKey, groupKey, isSystemMessage, type ConversationKey, type ThreadMessage } from "./state";

/**
 * The rules behind a message's menu, without React: which reaction is mine,
 * what a tap on an emoji does, and whether a message may still be edited.
 */

/** The emoji the quick bar offers, in WhatsApp's order. */
export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"] as const;

/** What "more" adds: the reactions people reach for next. */
export const MORE_REACTIONS = [
  "🔥",
  "🎉",
  "👏",
  "😍",
  "🥰",
  "😊",
  "😁",
  "🤣",
  "😅",
  "😉",
  "😎",
  "🤔",
  "🙄",
  "😬",
  "😡",
  "😭",
  "😱",
  "🤯",
  "🥳",
  "😴",
  "🤝",
  "🙌",
  "💪",
  "👀",
  "👎",
  "👌",
  "✅",
  "❌",
  "💯",
  "⭐",
  "💔",
  "🤗",
] as const;

/** The emoji this person reacted with, if any. */
export function myReaction(reactions: readonly ReactionSummary[], userId: number): string | null {
  return reactions.find((reaction) => reaction.user_ids.includes(userId))?.emoji ?? null;
}

/** Picking the emoji one already reacted with takes it back, as in WhatsApp. */
export function toggledReaction(reactions: readonly ReactionSummary[], userId: number, emoji: string): string | null {
  return myReaction(reactions, userId) === emoji ? null : emoji;
}

/**
 * The reactions after `userId` reacts with `emoji` (null takes theirs back): one per person,
 * ordered as the server orders them (most used first, then the one used first).
 */
export function withReaction(
  reactions: readonly ReactionSummary[],
  userId: number,
  emoji: string | null,
): ReactionSummary[] {
  const next = reactions
    .map((reaction) =>
      reaction.user_ids.includes(userId)
        ? { ...reaction, count: reaction.count - 1, user_ids: reaction.user_ids.filter((id) => id !== userId) }
        : reaction,
    )
    .filter((reaction) => reaction.count > 0);
  if (emoji !== null) {
    const index = next.findIndex((reaction) => reaction.emoji === emoji);
    const current = next[index];
    if (current) next[index] = { ...current, count: current.count + 1, user_ids: [...current.user_ids, userId] };
    else next.push({ emoji, count: 1, user_ids: [userId] });
  }
  // A stable sort: equal counts keep their order, which is the order they were first used in.
  return next.sort((a, b) => b.count - a.count);
}

export const EDIT_WINDOW_MS = EDIT_WINDOW_MINUTES * 60 * 1000;

/** My own text message, not deleted, within the server's edit window. */
export function canEdit(message: ThreadMessage, selfId: number, now: Date): boolean {
  return (
    message.sender_id === selfId &&
    message.message_type === "text" &&
    !isSystemMessage(message) &&
    !message.is_deleted &&
    now.getTime() - Date.parse(message.created_at) < EDIT_WINDOW_MS
  );
}

/** Deleted messages and group notices are not passed on. */
export function canForward(message: ThreadMessage): boolean {
  return !message.is_deleted && !isSystemMessage(message);
}

/** The conversation a starred message or a search result was said in. */
export function foundKey(found: Pick<FoundMessage, "conversation">): ConversationKey {
  const { conversation } = found;
  return conversation.type === "group" ? groupKey(conversation.group_id) : directKey(conversation.peer_id);
}
