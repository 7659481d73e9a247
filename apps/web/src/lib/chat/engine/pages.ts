import type { EncryptedTarget, ParleyClient } from "@parley/sdk";
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
  if (kind === "group") return fetchTargetPage(ctx.api(), { group_id: id }, cursor, limit);
  const chatId = chatIdOf(ctx.getState(), key);
  if (chatId === null) return null;
  return fetchTargetPage(ctx.api(), { chat_id: chatId }, cursor, limit);
}

/** The same page for a conversation named by its chat or group id. */
export function fetchTargetPage(
  api: ParleyClient,
  target: EncryptedTarget,
  cursor: { before_seq: number } | { after_seq: number },
  limit: number,
) {
  return "group_id" in target
    ? api.message.listGroup.query({ group_id: target.group_id, limit, ...cursor })
    : api.message.list.query({ chat_id: target.chat_id, limit, ...cursor });
}
