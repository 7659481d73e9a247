import { z } from "zod";

import {
  booleanSchema,
  idSchema,
  INT4_MAX,
  messageIdSchema,
  pageLimitSchema,
  seqSchema,
  wholeNumberSchema,
} from "./common";
import {
  CAPTION_MAX_LENGTH,
  locationInput,
  locationOutput,
  mediaIdSchema,
  mediaKindSchema,
  mediaOutput,
} from "./media";

export const MESSAGE_MAX_LENGTH = 4096;

export const messageTypeSchema = z.enum(["text", "image", "video", "audio", "document", "location"]);
/** What a stored message may be: one of those, or an end-to-end encrypted one (see `encrypted`). */
export const storedMessageTypeSchema = z.enum([...messageTypeSchema.options, "encrypted"]);
export const messageStatusSchema = z.enum(["sent", "delivered", "read"]);

export const clientMsgIdSchema = z
  .uuid({ error: "client_msg_id must be a UUID the client made for this message" })
  .meta({
    description: "A UUID the client makes per message; sending again with the same one returns the first message",
  });

export const messageContentSchema = z
  .string({ error: "content is required" })
  .max(MESSAGE_MAX_LENGTH, `A message is at most ${MESSAGE_MAX_LENGTH} characters`)
  .refine((value) => value.trim().length > 0, "A message can't be empty");

/** What a message carries besides its addressing: text, a file with an optional caption, or a location. */
export const messageBodyFields = {
  message_type: messageTypeSchema.default("text"),
  content: z
    .string({ error: "content must be text" })
    .max(MESSAGE_MAX_LENGTH, `A message is at most ${MESSAGE_MAX_LENGTH} characters`)
    .optional()
    .meta({ description: "The text; for a photo, video, audio or document, an optional caption" }),
  media_id: mediaIdSchema
    .optional()
    .meta({ description: "For image, video, audio and document messages: from media.createUpload" }),
  location: locationInput.optional().meta({ description: "For location messages" }),
};

type MessageBody = { message_type: MessageType; content?: string; media_id?: string; location?: unknown };

/** Each type carries exactly what it needs; a blank caption is no caption. */
export function checkMessageBody<T extends MessageBody>(input: T, ctx: z.RefinementCtx): T {
  const issue = (message: string, path: string) => ctx.addIssue({ code: "custom", message, path: [path] });
  const hasText = input.content !== undefined && input.content.trim().length > 0;
  if (input.message_type === "text") {
    if (!hasText) issue("A message can't be empty", "content");
    if (input.media_id !== undefined)
      issue("A text message has no media_id: set message_type to the file's kind", "media_id");
    if (input.location !== undefined) issue("A text message has no location: set message_type to location", "location");
    return input;
  }
  if (input.message_type === "location") {
    if (input.location === undefined) issue("A location message needs location { latitude, longitude }", "location");
    if (input.media_id !== undefined) issue("A location message has no media_id", "media_id");
    if (input.content !== undefined && hasText)
      issue("A location message has no content: put the place in location.name", "content");
    return { ...input, content: undefined };
  }
  const kind = { image: "A photo", video: "A video", audio: "An audio", document: "A document" }[input.message_type];
  if (input.media_id === undefined) issue(`${kind} message needs the media_id of an upload`, "media_id");
  if (input.location !== undefined) issue(`${kind} message has no location`, "location");
  if (hasText && (input.content?.length ?? 0) > CAPTION_MAX_LENGTH)
    issue(`A caption is at most ${CAPTION_MAX_LENGTH} characters`, "content");
  return { ...input, content: hasText ? input.content : undefined };
}

export const sendChatMessageInput = z
  .object({
    receiver_id: idSchema,
    ...messageBodyFields,
    client_msg_id: clientMsgIdSchema,
    reply_to_message_id: messageIdSchema.optional(),
  })
  .transform(checkMessageBody);

export const replyPreviewOutput = z
  .object({
    id: z.number().int(),
    sender_id: z.number().int(),
    content: z.string().nullable(),
    message_type: messageTypeSchema,
    is_deleted: z.boolean(),
    media: z
      .object({
        id: z.uuid(),
        kind: mediaKindSchema,
        file_name: z.string().nullable(),
        is_voice_note: z.boolean(),
        has_thumbnail: z.boolean(),
      })
      .nullable()
      .meta({
        description: 'The quoted file, enough to label it ("report.pdf", "Voice message") and show its thumbnail',
      }),
    location_name: z.string().nullable(),
  })
  .meta({ id: "ReplyPreview" });

/** Reactions on a message, one entry per emoji, most used first. */
export const reactionSummaryOutput = z
  .object({
    emoji: z.string(),
    count: z.number().int(),
    user_ids: z.array(z.number().int()),
  })
  .meta({ id: "ReactionSummary" });

export const mlsKindSchema = z.enum(["application", "commit"]);

/** What an encrypted message is to the server: its MLS framing, the sending device, the ciphertext. */
export const encryptedPayloadOutput = z
  .object({
    kind: mlsKindSchema.meta({ description: "application: a message; commit: a change of the group's devices" }),
    epoch: z.number().int().meta({ description: "The MLS epoch it was sent in" }),
    sender_device_id: z.uuid().nullable(),
    ciphertext: z.string().nullable().meta({
      description: "Base64 MLSMessage, which only the conversation's devices open; null once deleted for everyone",
    }),
  })
  .meta({ id: "EncryptedPayload" });

/** What 1:1 and group messages have in common. */
export const conversationMessageOutput = z.object({
  id: z.number().int(),
  seq: z.number().int().meta({ description: "Position in its chat or group: 1, 2, 3… with no gaps" }),
  sender_id: z.number().int(),
  client_msg_id: z.string().nullable(),
  content: z.string().nullable(),
  reply_to_message_id: z.number().int().nullable(),
  reply_to: replyPreviewOutput.nullable(),
  media: mediaOutput
    .nullable()
    .meta({ description: "The photo, video, audio or document, if the message carries one" }),
  location: locationOutput.nullable(),
  is_forwarded: z.boolean(),
  is_deleted: z.boolean(),
  edited_at: z.iso.datetime().nullable().meta({ description: "Set once the sender edited the text" }),
  reactions: z.array(reactionSummaryOutput),
  encrypted: encryptedPayloadOutput
    .nullable()
    .meta({ description: "Set on end-to-end encrypted messages (message_type encrypted): content is inside" }),
  created_at: z.iso.datetime(),
});

export const messageOutput = conversationMessageOutput
  .extend({
    chat_id: z.number().int(),
    receiver_id: z.number().int(),
    message_type: storedMessageTypeSchema,
    status: messageStatusSchema.meta({ description: "The recipient's status: sent, delivered or read" }),
  })
  .meta({ id: "Message" });

/** A conversation's history by seq: newest first before `before_seq`, or oldest first after `after_seq`. */
export const seqPage = z.object({
  limit: pageLimitSchema(200, 50),
  // Described inside .optional(): REST query parameters are documented from the unwrapped schema.
  before_seq: seqSchema
    .meta({ description: "Page backwards: messages with seq below this, newest first. Not with after_seq." })
    .optional(),
  after_seq: wholeNumberSchema({ min: 0, max: INT4_MAX, name: "seq" })
    .meta({ description: "Gap filling: messages with seq above this, oldest first. Not with before_seq." })
    .optional(),
});

export const oneDirection = [
  (input: { before_seq?: number; after_seq?: number }) =>
    input.before_seq === undefined || input.after_seq === undefined,
  { message: "Give before_seq or after_seq, not both" },
] as const;

export const listMessagesInput = seqPage.extend({ chat_id: idSchema }).refine(...oneDirection);

export const messagePageOutput = z.object({
  messages: z.array(messageOutput),
  next_cursor: z.number().int().nullable().meta({ description: "Pass as before_seq (or after_seq) for the next page" }),
});

export const updateMessageStatusInput = z.object({
  message_id: messageIdSchema,
  status: z.enum(["delivered", "read"], { error: "status is delivered or read" }),
});

/** The most message ids, and the most group watermarks, one `message.ackDelivered` carries. */
export const ACK_BATCH_LIMIT = 500;

export const ackDeliveredInput = z
  .object({
    message_ids: z
      .array(messageIdSchema)
      .max(ACK_BATCH_LIMIT)
      .default([])
      .meta({ description: "Messages this device received (1:1 or group)" }),
    groups: z
      .array(z.object({ group_id: idSchema, up_to_seq: seqSchema }))
      .max(ACK_BATCH_LIMIT)
      .default([])
      .meta({ description: "Group messages as watermarks: everything in the group up to this seq was received" }),
  })
  .refine((input) => input.message_ids.length > 0 || input.groups.length > 0, {
    message: "Give message_ids or groups",
  });

export const markChatReadInput = z.object({
  chat_id: idSchema,
  up_to_message_id: messageIdSchema.optional().meta({ description: "Defaults to the newest message" }),
});

export const deleteMessageInput = z.object({
  message_id: messageIdSchema,
  for_everyone: booleanSchema
    .default(false)
    .meta({ description: "Blank it for everyone (its sender only) instead of hiding it for you" }),
});

export const statusUpdatedOutput = z.object({ message: z.string(), status: messageStatusSchema });

export const ackDeliveredOutput = z.object({ updated: z.number().int() });

export type MessageOutput = z.infer<typeof messageOutput>;
export type ReactionSummary = z.infer<typeof reactionSummaryOutput>;
export type MessageType = z.infer<typeof messageTypeSchema>;
export type StoredMessageType = z.infer<typeof storedMessageTypeSchema>;
export type MessageStatus = z.infer<typeof messageStatusSchema>;
export type SendChatMessageInput = z.infer<typeof sendChatMessageInput>;
export type ListMessagesInput = z.infer<typeof listMessagesInput>;
export type AckDeliveredInput = z.infer<typeof ackDeliveredInput>;
