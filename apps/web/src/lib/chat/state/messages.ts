import type { GroupMessageOutput, MessageOutput, MessageStatus, ReactionSummary } from "@parley/sdk";

import type { ReplyPreview, ThreadMessage } from "./types";

/** A change to one message, of either kind; returns the message itself when it leaves it alone. */
export type MessageChange = <M extends ThreadMessage>(message: M) => M;

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
  if (type === "system" || type === "encrypted") return null;
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

/** True when `known` was edited after `incoming` (or `incoming` is from before any edit). */
export function isLaterEdit(known: string | null, incoming: string | null): boolean {
  if (known === null) return false;
  return incoming === null || Date.parse(known) > Date.parse(incoming);
}

export function sameReactions(a: readonly ReactionSummary[], b: readonly ReactionSummary[]): boolean {
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

/** Two copies of one message (a page and a live event): the newer facts of each. */
export function mergeMessage<M extends ThreadMessage>(known: M, incoming: M): M {
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

/** Applies a change to every message of a list; the same list back when it changed none. */
export function updateMessages<M extends ThreadMessage>(messages: M[], change: MessageChange): M[] {
  let isChanged = false;
  const next = messages.map((message) => {
    const changed = change(message);
    if (changed !== message) isChanged = true;
    return changed;
  });
  return isChanged ? next : messages;
}

/** Everyone messages name: their senders, and the people a system message is about. */
export function peopleIn(messages: ThreadMessage[]): number[] {
  return messages.flatMap((message) =>
    isSystemMessage(message) && message.system
      ? [message.sender_id, message.system.actor_id, ...message.system.user_ids]
      : [message.sender_id],
  );
}
