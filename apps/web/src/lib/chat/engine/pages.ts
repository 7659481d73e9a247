import { parseKey, type ChatState, type ConversationKey } from "../state";
import type { ChatContext } from "./context";

export function chatIdOf(state: ChatState, key: ConversationKey): number | null {
  const chat = state.chats[key];
  return chat?.kind === "direct" ? chat.chatId : null;
}

/** A page of a conversation's messages, older (before) or newer (after) than a seq; null for a chat not made yet. */
export function fetchPage(
  ctx: ChatContext,
  key: ConversationKey,
  cursor: { before_seq: number } | { after_seq: number },
  limit: number,
) {
  const { kind, id } = parseKey(key);
  if (kind === "group") return ctx.api().message.listGroup.query({ group_id: id, limit, ...cursor });
  const chatId = chatIdOf(ctx.getState(), key);
  if (chatId === null) return null;
  return ctx.api().message.list.query({ chat_id: chatId, limit, ...cursor });
}
