import { z } from "zod";

import { idSchema } from "./common";
import { base64OfLength, base64UpTo } from "./device";
import { CAPTION_MAX_LENGTH, LOCATION_NAME_MAX_LENGTH, locationInput } from "./media";
import { reactionEmojiSchema } from "./message-actions";
import {
  clientMsgIdSchema,
  MESSAGE_MAX_LENGTH,
  messageContentSchema,
  messageTypeSchema,
  mlsKindSchema,
} from "./message";

// The delivery service's side of end-to-end encryption (ADR 0033): what clients hand the server
// to route and order, none of which it can open.

/**
 * An application message carries one message's JSON (at most MESSAGE_MAX_LENGTH characters,
 * a reply's quote, a location) plus MLS framing and padding: 64 KiB is room to spare.
 */
export const MLS_APPLICATION_MAX_BYTES = 64 * 1024;
/** A commit that adds 255 devices inlines their key packages and a path: a few hundred KiB. */
export const MLS_COMMIT_MAX_BYTES = 512 * 1024;
/** A Welcome carries the ratchet tree of up to 256 members' devices and their secrets. */
export const MLS_WELCOME_MAX_BYTES = 512 * 1024;

export const mlsGroupIdSchema = base64OfLength(32, "mls_group_id");
const mlsMessageSchema = base64UpTo(MLS_COMMIT_MAX_BYTES, "message");
const welcomeSchema = base64UpTo(MLS_WELCOME_MAX_BYTES, "welcome");
const deviceIdsSchema = z.array(z.uuid({ error: "a device id is a UUID" })).max(1024);

const conversationTarget = {
  chat_id: idSchema.optional(),
  group_id: idSchema.optional(),
};

const oneConversation = [
  (input: { chat_id?: number; group_id?: number }) => (input.chat_id === undefined) !== (input.group_id === undefined),
  { message: "Give chat_id or group_id, exactly one" },
] as const;

/**
 * One MLSMessage into a conversation, at the epoch the server holds: an application message, or
 * a commit (with the devices it adds, and their Welcome, or removes).
 */
export const sendEncryptedInput = z
  .object({
    ...conversationTarget,
    client_msg_id: clientMsgIdSchema,
    message: mlsMessageSchema,
    welcome: welcomeSchema.optional(),
    added_device_ids: deviceIdsSchema.default([]),
    removed_device_ids: deviceIdsSchema.default([]),
    media_id: z.uuid({ error: "media_id is the UUID of an upload" }).optional().meta({
      description:
        "A file sent with this application message. Files are not encrypted yet: the file goes as today, its caption inside the ciphertext.",
    }),
  })
  .refine(...oneConversation)
  .refine((input) => (input.welcome === undefined) === (input.added_device_ids.length === 0), {
    message: "A commit that adds devices carries their welcome, and only such a commit does",
    path: ["welcome"],
  });

/**
 * Turns on end-to-end encryption for a 1:1 chat (made if new) or a group, for good: the
 * starting device made the MLS group alone and commits every other device in, from their
 * claimed key packages, with the Welcome for them.
 */
export const startEncryptionInput = z
  .object({
    receiver_id: idSchema.optional().meta({ description: "A 1:1 chat with this person (made if new)" }),
    group_id: idSchema.optional().meta({ description: "Or a group you are an admin of" }),
    client_msg_id: clientMsgIdSchema,
    mls_group_id: mlsGroupIdSchema,
    commit: mlsMessageSchema,
    welcome: welcomeSchema,
    welcome_device_ids: deviceIdsSchema.min(1, "Welcome the other members' devices"),
  })
  .refine((input) => (input.receiver_id === undefined) !== (input.group_id === undefined), {
    message: "Give receiver_id or group_id, exactly one",
  });

export const encryptedSendOutput = z.object({
  id: z.number().int(),
  chat_id: z.number().int().nullable(),
  group_id: z.number().int().nullable(),
  seq: z.number().int(),
  kind: mlsKindSchema,
  epoch: z.number().int().meta({ description: "The conversation's epoch now (one more after a commit)" }),
  created_at: z.iso.datetime(),
});

export const conversationInput = z.object(conversationTarget).refine(...oneConversation);

export const conversationDeviceOutput = z.object({
  device_id: z.uuid(),
  user_id: z.number().int(),
  signature_public_key: z.string().meta({ description: "The device's MLS signature key: how its leaf is found" }),
  in_group: z.boolean().meta({ description: "In the conversation's MLS group now" }),
  must_remove: z.boolean().meta({
    description: "In the group but no longer belongs there (person left, device unlinked): commit its removal",
  }),
});

/** The conversation as the delivery service holds it: what a member's client commits against. */
export const encryptionStateOutput = z.object({
  chat_id: z.number().int().nullable(),
  group_id: z.number().int().nullable(),
  e2ee: z.boolean(),
  mls_group_id: z.string().nullable(),
  epoch: z.number().int(),
  last_seq: z.number().int(),
  devices: z.array(conversationDeviceOutput),
});

export const welcomeIdInput = z.object({ welcome_id: z.number().int().positive() });

export const welcomeOutput = z.object({
  id: z.number().int(),
  chat_id: z.number().int().nullable(),
  group_id: z.number().int().nullable(),
  seq: z.number().int().meta({ description: "The commit's seq: this device reads the conversation after it" }),
  epoch: z.number().int().meta({ description: "The epoch the Welcome joins at" }),
  welcome: z.string(),
});

export const pendingWelcomesOutput = z.object({ welcomes: z.array(welcomeOutput) });

/** The message a reply quotes, as the sender saw it: the quote travels inside the ciphertext. */
const quotedSchema = z.object({
  id: z.number().int().positive(),
  sender_id: z.number().int(),
  message_type: messageTypeSchema,
  content: z.string().max(MESSAGE_MAX_LENGTH).nullable(),
  location_name: z.string().max(LOCATION_NAME_MAX_LENGTH).nullable(),
});

const shown = {
  /** Set on a reply. */
  reply_to: quotedSchema.optional(),
  /** A copy forwarded from another conversation. */
  forwarded: z.boolean().optional(),
};

/** Which earlier message of the conversation an edit or a reaction is about. */
const targetSeq = z.number().int().positive();

/**
 * What an application message holds once a device opens it: the message itself, which the server
 * never sees. Versioned, so a newer client's kinds are shown as "update the app", not dropped.
 * An edit or a reaction is a message of its own that names the one it changes by seq.
 */
export const encryptedBodySchema = z.discriminatedUnion("type", [
  z.object({ v: z.literal(1), type: z.literal("text"), content: messageContentSchema, ...shown }),
  z.object({ v: z.literal(1), type: z.literal("location"), location: locationInput, ...shown }),
  /** The file the message row carries (not encrypted yet), with its caption. */
  z.object({
    v: z.literal(1),
    type: z.literal("file"),
    caption: z.string().max(CAPTION_MAX_LENGTH).optional(),
    ...shown,
  }),
  z.object({ v: z.literal(1), type: z.literal("edit"), target_seq: targetSeq, content: messageContentSchema }),
  z.object({
    v: z.literal(1),
    type: z.literal("reaction"),
    target_seq: targetSeq,
    emoji: reactionEmojiSchema.nullable(),
  }),
]);

/** What a person sees as a message (a text, a place, a file), not a change to another one. */
export type ShownBody = Extract<EncryptedBody, { type: "text" | "location" | "file" }>;
export type EncryptedBody = z.infer<typeof encryptedBodySchema>;
export type StartEncryptionInput = z.infer<typeof startEncryptionInput>;
export type SendEncryptedInput = z.infer<typeof sendEncryptedInput>;
export type EncryptionState = z.infer<typeof encryptionStateOutput>;
export type WelcomeOutput = z.infer<typeof welcomeOutput>;
