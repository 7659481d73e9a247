import type { GroupMessageOutput } from "@parley/sdk";

import { dayKey } from "./format";
import { isSystemMessage, type OutgoingMessage, type ThreadMessage } from "./state";

export type MessageRow =
  | { kind: "day"; key: string; at: string }
  | { kind: "unread"; key: string; count: number }
  | { kind: "system"; key: string; message: GroupMessageOutput }
  | { kind: "message"; key: string; message: ThreadMessage; isMine: boolean; startsGroup: boolean }
  | { kind: "outgoing"; key: string; message: OutgoingMessage; startsGroup: boolean };

/** The key a bubble keeps from the moment it is typed to its confirmation, so it never remounts. */
export function messageKey(message: Pick<ThreadMessage, "id" | "client_msg_id" | "sender_id">, selfId: number): string {
  return message.sender_id === selfId && message.client_msg_id ? `c:${message.client_msg_id}` : `m:${message.id}`;
}

/**
 * What the conversation shows, top to bottom: day separators, the
 * "N unread messages" line, confirmed messages and then those still on
 * their way. A bubble starts a group (and gets a tail) when the sender or
 * the day changes, or after a group's system line ("Ana added Ben").
 */
export function buildRows(
  messages: ThreadMessage[],
  outbox: OutgoingMessage[],
  selfId: number,
  firstUnreadSeq: number | null,
): MessageRow[] {
  const rows: MessageRow[] = [];
  let lastDay: string | null = null;
  let lastSender: number | null = null;
  let hasUnreadLine = false;

  const startDay = (at: string) => {
    const day = dayKey(at);
    if (day === lastDay) return false;
    lastDay = day;
    rows.push({ kind: "day", key: `d:${day}`, at });
    return true;
  };

  for (const [index, message] of messages.entries()) {
    const isNewDay = startDay(message.created_at);
    const isMine = message.sender_id === selfId;
    if (isSystemMessage(message)) {
      rows.push({ kind: "system", key: `m:${message.id}`, message });
      lastSender = null;
      continue;
    }
    let isUnreadStart = false;
    if (!hasUnreadLine && firstUnreadSeq !== null && !isMine && message.seq >= firstUnreadSeq) {
      hasUnreadLine = true;
      isUnreadStart = true;
      const count = messages
        .slice(index)
        .filter((later) => later.sender_id !== selfId && !isSystemMessage(later)).length;
      rows.push({ kind: "unread", key: "unread", count });
    }
    rows.push({
      kind: "message",
      key: messageKey(message, selfId),
      message,
      isMine,
      startsGroup: isNewDay || isUnreadStart || lastSender !== message.sender_id,
    });
    lastSender = message.sender_id;
  }

  for (const message of outbox) {
    const isNewDay = startDay(message.created_at);
    rows.push({
      kind: "outgoing",
      key: `c:${message.client_msg_id}`,
      message,
      startsGroup: isNewDay || lastSender !== selfId,
    });
    lastSender = selfId;
  }
  return rows;
}
