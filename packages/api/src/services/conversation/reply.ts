import type { AnyPgColumn } from "drizzle-orm/pg-core";

import type { MessageOutput } from "@parley/validators";

import type { MediaRow } from "../media/media";
import type { MessageRow } from "./message-row";

/**
 * The columns a quote is made of, from a messages alias and a media alias left-joined on it
 * (`.leftJoin(quotedMedia, eq(quotedMedia.id, quoted.mediaId))`).
 */
export function replyColumns<
  Quoted extends Record<"id" | "senderId" | "content" | "messageType" | "deletedAt" | "locationName", AnyPgColumn>,
  QuotedMedia extends Record<"id" | "kind" | "fileName" | "isVoiceNote" | "thumbnailKey", AnyPgColumn>,
>(
  quoted: Quoted,
  quotedMedia: QuotedMedia,
): {
  id: Quoted["id"];
  senderId: Quoted["senderId"];
  content: Quoted["content"];
  messageType: Quoted["messageType"];
  deletedAt: Quoted["deletedAt"];
  locationName: Quoted["locationName"];
  mediaId: QuotedMedia["id"];
  mediaKind: QuotedMedia["kind"];
  mediaFileName: QuotedMedia["fileName"];
  isVoiceNote: QuotedMedia["isVoiceNote"];
  thumbnailKey: QuotedMedia["thumbnailKey"];
} {
  return {
    id: quoted.id,
    senderId: quoted.senderId,
    content: quoted.content,
    messageType: quoted.messageType,
    deletedAt: quoted.deletedAt,
    locationName: quoted.locationName,
    mediaId: quotedMedia.id,
    mediaKind: quotedMedia.kind,
    mediaFileName: quotedMedia.fileName,
    isVoiceNote: quotedMedia.isVoiceNote,
    thumbnailKey: quotedMedia.thumbnailKey,
  };
}

/** The quoted message as a left join brings it (all null when there is none). */
export type ReplyRow = {
  id: number | null;
  senderId: number | null;
  content: string | null;
  messageType: MessageRow["messageType"] | null;
  deletedAt: Date | null;
  locationName: string | null;
  mediaId: string | null;
  mediaKind: MediaRow["kind"] | null;
  mediaFileName: string | null;
  isVoiceNote: boolean | null;
  thumbnailKey: string | null;
} | null;

/** A reply's quote: the quoted message's sender and text, or "deleted message"; system messages aren't quoted. */
export function toReplyPreview(reply: ReplyRow): MessageOutput["reply_to"] {
  if (
    reply?.id == null ||
    reply.senderId == null ||
    reply.messageType == null ||
    reply.messageType === "system" ||
    // Encrypted messages are quoted inside the ciphertext of the reply, by the replying device.
    reply.messageType === "encrypted"
  )
    return null;
  const isDeleted = reply.deletedAt !== null;
  return {
    id: reply.id,
    sender_id: reply.senderId,
    content: isDeleted ? null : reply.content,
    message_type: reply.messageType,
    is_deleted: isDeleted,
    media:
      isDeleted || reply.mediaId === null || reply.mediaKind === null
        ? null
        : {
            id: reply.mediaId,
            kind: reply.mediaKind,
            file_name: reply.mediaFileName,
            is_voice_note: reply.isVoiceNote ?? false,
            has_thumbnail: reply.thumbnailKey !== null,
          },
    location_name: isDeleted ? null : reply.locationName,
  };
}
