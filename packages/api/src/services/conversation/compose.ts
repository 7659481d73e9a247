import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";

import type { MessageOutput, SendChatMessageInput } from "@parley/validators";

import type { Deps } from "../../runtime";
import { type MediaRow, resolveAttachment, storedLocation, toMediaOutput } from "../media/media";

/** What a sender writes, whichever conversation it goes to. */
type MessageBody = Pick<SendChatMessageInput, "client_msg_id" | "content" | "message_type" | "media_id" | "location">;

/** How a forward sends: the forwarded message's file (the forwarder's to reuse, not to own) and the flag. */
export type ForwardOptions = { forwardedMedia: MediaRow | null };

/** The columns `composeMessage`'s values fill, after the conversation's (id, chat or group, sender, seq). */
export const messageColumns = sql.raw(
  "client_msg_id, content, message_type, reply_to_message_id, media_id, location_latitude, location_longitude, location_name, is_forwarded, created_at, updated_at",
);

/**
 * What a new 1:1 or group message says before its statement gives it an id, a conversation and
 * a seq: the fields every client gets (`common`), the checked file it carries (the sender's own
 * upload, or for a forward the forwarded message's), and the row's values for `messageColumns`.
 */
export async function composeMessage(
  deps: Deps,
  senderId: number,
  input: MessageBody,
  replyTo: MessageOutput["reply_to"],
  forward: ForwardOptions | null,
) {
  const media = forward
    ? forward.forwardedMedia
    : input.media_id === undefined
      ? null
      : await resolveAttachment(deps, senderId, input.media_id, input.message_type);
  const location = input.location ? storedLocation(input.location) : null;
  const now = new Date().toISOString();
  const common = {
    sender_id: senderId,
    client_msg_id: input.client_msg_id,
    content: input.content ?? null,
    message_type: input.message_type,
    status: "sent" as const,
    reply_to_message_id: replyTo?.id ?? null,
    reply_to: replyTo,
    media: media ? toMediaOutput(media) : null,
    location,
    is_forwarded: forward !== null,
    is_deleted: false,
    edited_at: null,
    reactions: [],
    encrypted: null,
    created_at: now,
  };
  const values = sql`${input.client_msg_id}, ${common.content}, ${input.message_type}, ${replyTo?.id ?? null}, ${media?.id ?? null}::uuid,
    ${location?.latitude ?? null}::numeric, ${location?.longitude ?? null}::numeric, ${location?.name ?? null}, ${common.is_forwarded},
    ${now}::timestamptz, ${now}::timestamptz`;
  return { common, media, values, now };
}

/**
 * A send whose client_msg_id is already stored is a retry of that message only if it goes to the same
 * conversation and says the same (an edited or deleted original no longer can); else the id was reused.
 */
export function assertRetryOf(
  original: Pick<MessageOutput, "content" | "media" | "location" | "is_deleted" | "edited_at"> & {
    message_type: string;
  },
  input: Pick<SendChatMessageInput, "content" | "message_type" | "media_id" | "location">,
  sameConversation: boolean,
): void {
  const sameBody =
    original.content === (input.content ?? null) &&
    original.message_type === input.message_type &&
    (original.media?.id ?? undefined) === input.media_id &&
    (original.location === null) === (input.location === undefined);
  if (!sameConversation || (!original.is_deleted && original.edited_at === null && !sameBody)) {
    throw new TRPCError({
      code: "CONFLICT",
      message: "This client_msg_id was already used for a different message. Make a new UUID for each message.",
    });
  }
}
