import type { FoundMessage, OpenedMessage, ReactionSummary } from "@parley/sdk";

import type { ReplyPreview, ThreadMessage } from "./state";

/**
 * How a message of an encrypted conversation, opened on this device, shows: the server's copy
 * (its place, its ticks) with what only this device could read filled in. Without React or the
 * SDK's client, so it is tested as it is.
 */

/** What a bubble, a search result and a starred message have in common. */
type Revealable = Omit<FoundMessage["message"], "message_type"> & { message_type: ThreadMessage["message_type"] };

/** Each person's reaction (as the device folded them) as the bubbles count them: most used first. */
export function reactionSummaries(reactions: Record<string, string>): ReactionSummary[] {
  const byEmoji = new Map<string, number[]>();
  for (const [userId, emoji] of Object.entries(reactions)) {
    byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), Number(userId)]);
  }
  return [...byEmoji.entries()]
    .map(([emoji, userIds]) => ({ emoji, count: userIds.length, user_ids: userIds.sort((a, b) => a - b) }))
    .sort((a, b) => b.count - a.count || a.emoji.localeCompare(b.emoji));
}

/** The quote a reply carries inside the ciphertext, as the bubble's quote shows it. */
function quoteOf(opened: OpenedMessage & { state: "opened" }): ReplyPreview | null {
  const { body } = opened;
  if (body.type === "edit" || body.type === "reaction" || !body.reply_to) return null;
  const quoted = body.reply_to;
  return {
    id: quoted.id,
    sender_id: quoted.sender_id,
    content: quoted.content,
    message_type: quoted.message_type,
    is_deleted: false,
    media: null,
    location_name: quoted.location_name,
  };
}

/**
 * The message to show, or null for what is not one: a commit (a change of devices), an edit or
 * a reaction (folded into the message it names), or a message from before this device was in
 * the conversation (`opened` null: history reaches a new device only through a backup). One it
 * could not open (tampered, replayed) shows as "couldn't decrypt".
 */
export function shownMessage<M extends Revealable>(server: M, opened: OpenedMessage | null): M | null {
  if (server.message_type !== "encrypted") return server;
  if (server.encrypted?.kind === "commit") return null;
  if (server.is_deleted || opened?.state === "deleted") {
    return { ...server, is_deleted: true, content: null, reply_to: null, location: null };
  }
  if (!opened) return null;
  if (opened.state !== "opened") return { ...server, content: null };
  const { body } = opened;
  if (body.type === "edit" || body.type === "reaction") return null;
  const common = {
    ...server,
    reply_to: quoteOf(opened),
    reply_to_message_id: body.reply_to?.id ?? null,
    is_forwarded: body.forwarded ?? false,
    edited_at: opened.edited_at,
    reactions: reactionSummaries(opened.reactions),
  };
  if (body.type === "text") return { ...common, message_type: "text", content: body.content, location: null };
  if (body.type === "file") {
    // The file is the server's (not encrypted yet); only its caption came in the ciphertext.
    if (!server.media) return { ...server, content: null };
    return { ...common, message_type: server.media.kind, content: body.caption ?? null, location: null };
  }
  const { latitude, longitude, name } = body.location;
  return { ...common, message_type: "location", content: null, location: { latitude, longitude, name: name ?? null } };
}

/** Whether a message shown came through encryption (a revealed copy keeps its MLS framing). */
export const isEncryptedMessage = (message: ThreadMessage) => message.encrypted !== null;

/** The quote a reply sends inside the ciphertext, from the preview the composer holds. */
export function quoteToSend(preview: ReplyPreview) {
  return {
    id: preview.id,
    sender_id: preview.sender_id,
    message_type: preview.message_type,
    content: preview.content,
    location_name: preview.location_name,
  };
}
