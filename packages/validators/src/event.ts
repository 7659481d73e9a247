import { z } from "zod";

import { groupMessageOutput, groupSummaryOutput } from "./group";
import { messageOutput, messageStatusSchema, reactionSummaryOutput } from "./message";

/**
 * Everything the live stream yields, one discriminated union on `type`.
 * Durable events (stored, resumable, carry a tracked id) and ephemeral ones
 * (presence, typing: current state only, never replayed).
 */
export const newMessageEvent = z.object({ type: z.literal("new_message"), message: messageOutput });

export const messageStatusEvent = z.object({
  type: z.literal("message_status_update"),
  chat_id: z.number().int(),
  user_id: z.number().int().meta({ description: "Whose status changed (the recipient)" }),
  status: messageStatusSchema,
  message_ids: z.array(z.number().int()),
  up_to_seq: z.number().int().nullable().meta({ description: "For read: every message of the chat up to this seq" }),
  updated_at: z.iso.datetime(),
});

export const messageDeletedEvent = z.object({
  type: z.literal("message_deleted"),
  chat_id: z.number().int(),
  message_id: z.number().int(),
  for_everyone: z.boolean(),
});

export const chatReadEvent = z.object({
  type: z.literal("chat_read"),
  chat_id: z.number().int(),
  up_to_seq: z.number().int(),
  unread_count: z.number().int(),
});

export const newGroupMessageEvent = z.object({ type: z.literal("new_group_message"), message: groupMessageOutput });

/** To senders: every current member has their messages up to `up_to_seq` (two ticks), or has read them (blue). */
export const groupMessageStatusEvent = z.object({
  type: z.literal("group_message_status"),
  group_id: z.number().int(),
  status: z.enum(["delivered", "read"]),
  up_to_seq: z.number().int(),
  updated_at: z.iso.datetime(),
});

export const groupMessageDeletedEvent = z.object({
  type: z.literal("group_message_deleted"),
  group_id: z.number().int(),
  message_id: z.number().int(),
  for_everyone: z.boolean(),
});

/** Name, picture, description, roles or members changed: refetch `group.get` for the roster. */
export const groupUpdatedEvent = z.object({ type: z.literal("group_updated"), group: groupSummaryOutput });

/** You are no longer in the group: nothing more of it will arrive. */
export const groupLeftEvent = z.object({
  type: z.literal("group_left"),
  group_id: z.number().int(),
  reason: z.enum(["left", "removed", "deleted"]),
});

/** Your other devices read the group up to here. */
export const groupReadEvent = z.object({
  type: z.literal("group_read"),
  group_id: z.number().int(),
  up_to_seq: z.number().int(),
  unread_count: z.number().int(),
});

export const groupTypingEvent = z.object({
  type: z.literal("group_typing"),
  group_id: z.number().int(),
  user_id: z.number().int(),
  is_typing: z.boolean(),
  expires_in_ms: z.number().int().meta({ description: "Hide the indicator after this unless refreshed" }),
});

/** Several group messages at once, oldest first: a busy stream batches what is waiting (live only). */
export const newGroupMessagesEvent = z.object({
  type: z.literal("new_group_messages"),
  messages: z.array(groupMessageOutput),
});

/**
 * Sent first on every live stream: the newest seq of each of your groups. Group messages are
 * published once per group, not stored per member, so a device that was away compares these
 * with the seqs it holds and fetches the difference (`message.listGroup` with `after_seq`);
 * the SDK does this for you.
 */
export const groupHeadsEvent = z.object({
  type: z.literal("group_heads"),
  groups: z.array(z.object({ group_id: z.number().int(), last_seq: z.number().int() })),
});

export const presenceEvent = z.object({
  type: z.literal("presence_update"),
  user_id: z.number().int(),
  is_online: z.boolean(),
  last_seen: z.iso.datetime().nullable(),
});

export const typingEvent = z.object({
  type: z.literal("typing"),
  chat_id: z.number().int(),
  user_id: z.number().int(),
  is_typing: z.boolean(),
  expires_in_ms: z.number().int().meta({ description: "Hide the indicator after this unless refreshed" }),
});

/** The sender edited a message's text (1:1: chat_id; group: group_id). */
export const messageEditedEvent = z.object({
  type: z.literal("message_edited"),
  chat_id: z.number().int().nullable(),
  group_id: z.number().int().nullable(),
  message_id: z.number().int(),
  content: z.string(),
  edited_at: z.iso.datetime(),
});

/** Someone reacted (or took their reaction back): the message's reactions now. */
export const reactionEvent = z.object({
  type: z.literal("reaction_updated"),
  chat_id: z.number().int().nullable(),
  group_id: z.number().int().nullable(),
  message_id: z.number().int(),
  user_id: z.number().int(),
  emoji: z.string().nullable(),
  reactions: z.array(reactionSummaryOutput),
});

/** To your other devices: you starred or unstarred a message. */
export const messageStarredEvent = z.object({
  type: z.literal("message_starred"),
  message_id: z.number().int(),
  starred: z.boolean(),
});

/**
 * One of your devices was committed into an encrypted conversation: the device named fetches
 * its Welcome (`e2ee.welcome`) and reads the conversation from the message after `seq`.
 */
export const mlsWelcomeEvent = z.object({
  type: z.literal("mls_welcome"),
  welcome_id: z.number().int(),
  chat_id: z.number().int().nullable(),
  group_id: z.number().int().nullable(),
  seq: z.number().int(),
  device_ids: z.array(z.uuid()),
});

/** Your contacts changed (on another device, or an import): refetch `contact.list`. */
export const contactsChangedEvent = z.object({ type: z.literal("contacts_changed") });

/**
 * Someone you share an encrypted conversation with (or you) linked or removed a device: your
 * devices commit it in or out of those conversations, so it reads (or stops reading) at once.
 */
export const devicesChangedEvent = z.object({ type: z.literal("devices_changed"), user_id: z.number().int() });

export const resyncEvent = z.object({
  type: z.literal("resync"),
  reason: z.string().meta({ description: "The stream position is older than what the server keeps: refetch chats" }),
});

const durableEvents = [
  newMessageEvent,
  messageStatusEvent,
  messageDeletedEvent,
  chatReadEvent,
  newGroupMessageEvent,
  groupMessageStatusEvent,
  groupMessageDeletedEvent,
  groupUpdatedEvent,
  groupLeftEvent,
  groupReadEvent,
  messageEditedEvent,
  reactionEvent,
  messageStarredEvent,
  contactsChangedEvent,
  mlsWelcomeEvent,
  devicesChangedEvent,
] as const;
const ephemeralEvents = [
  presenceEvent,
  typingEvent,
  groupTypingEvent,
  groupHeadsEvent,
  newGroupMessagesEvent,
  resyncEvent,
] as const;

export const durableEventSchema = z.discriminatedUnion("type", [...durableEvents]);
export const ephemeralEventSchema = z.discriminatedUnion("type", [...ephemeralEvents]);
export const parleyEventSchema = z.discriminatedUnion("type", [...durableEvents, ...ephemeralEvents]);

export const onEventInput = z
  .object({
    lastEventId: z
      .string()
      .regex(/^\d{1,16}$/, "lastEventId is the id of the last event received")
      .nullish(),
  })
  .optional();

export type DurableEvent = z.infer<typeof durableEventSchema>;
export type EphemeralEvent = z.infer<typeof ephemeralEventSchema>;
export type ParleyEvent = z.infer<typeof parleyEventSchema>;
