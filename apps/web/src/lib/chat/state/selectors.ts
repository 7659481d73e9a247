import type { ChatState, ChatSummary } from "./types";

/** Whether what is said in the conversation is end-to-end encrypted; null while that isn't known (no chat yet). */
export function isEncryptedChat(chat: ChatSummary | undefined): boolean | null {
  if (!chat) return null;
  if (chat.kind === "direct") return chat.chatId === null && !chat.e2ee ? null : chat.e2ee;
  return chat.group ? chat.group.e2ee : null;
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
