import { z } from "zod";

import { idSchema, messageIdSchema, pageLimitSchema } from "./common";
import { groupMessageOutput } from "./group";
import {
  conversationMessageOutput,
  messageContentSchema,
  messageOutput,
  storedMessageTypeSchema,
  reactionSummaryOutput,
} from "./message";

/** WhatsApp's: a text message can be edited for 15 minutes (the server's is configurable). */
export const EDIT_WINDOW_MINUTES = 15;
/** The most messages and chats one forward may take (the server's limits are configurable, never above these). */
export const FORWARD_MAX_MESSAGES = 100;
export const FORWARD_MAX_CHATS = 20;
/** The server's default limits (FORWARD_MAX_MESSAGES / FORWARD_MAX_CHATS settings): WhatsApp forwards to 5 chats. */
export const FORWARD_DEFAULT_MAX_MESSAGES = 30;
export const FORWARD_DEFAULT_MAX_CHATS = 5;

export const editMessageInput = z.object({ message_id: messageIdSchema, content: messageContentSchema });

export const editMessageOutput = z.object({
  message_id: z.number().int(),
  content: z.string(),
  edited_at: z.iso.datetime().nullable(),
});

const idList = (what: string, max: number) =>
  z
    .array(idSchema)
    .max(max, `Forward to at most ${max} ${what}`)
    .refine((ids) => new Set(ids).size === ids.length, `Each of the ${what} is listed once`)
    .default([]);

export const forwardMessagesInput = z
  .object({
    message_ids: z
      .array(messageIdSchema)
      .min(1, "Choose at least one message to forward")
      .max(FORWARD_MAX_MESSAGES, `Forward at most ${FORWARD_MAX_MESSAGES} messages at once`)
      .refine((ids) => new Set(ids).size === ids.length, "Each message is listed once")
      .meta({ description: "In the order they should arrive" }),
    user_ids: idList("people", FORWARD_MAX_CHATS).meta({
      description: "1:1 chats to forward to (by the other person)",
    }),
    group_ids: idList("groups", FORWARD_MAX_CHATS),
    client_batch_id: z
      .uuid({ error: "client_batch_id must be a UUID the client made for this forward" })
      .meta({ description: "Forwarding again with the same id returns the first forward's messages" }),
  })
  .refine((input) => input.user_ids.length + input.group_ids.length > 0, {
    message: "Choose at least one chat to forward to",
    path: ["user_ids"],
  });

export const forwardMessagesOutput = z.object({
  direct: z.array(messageOutput),
  group: z.array(groupMessageOutput),
});

/** One emoji (a whole grapheme), as a reaction takes it. */
export const reactionEmojiSchema = z
  .string()
  .trim()
  .max(32, "One emoji")
  .refine(
    (value) => /^\p{Extended_Pictographic}/u.test(value) && [...new Intl.Segmenter().segment(value)].length === 1,
    "React with one emoji",
  );

export const reactInput = z.object({
  message_id: messageIdSchema,
  emoji: reactionEmojiSchema.nullable().meta({ description: "Your reaction; null removes it" }),
});

export const reactOutput = z.object({ message_id: z.number().int(), reactions: z.array(reactionSummaryOutput) });

export const starInput = z.object({ message_id: messageIdSchema, starred: z.boolean() });

export const starOutput = z.object({ message_id: z.number().int(), starred: z.boolean() });

/** A message with where it was said: for starred messages and search results. */
export const foundMessageOutput = z
  .object({
    conversation: z.discriminatedUnion("type", [
      z.object({ type: z.literal("direct"), chat_id: z.number().int(), peer_id: z.number().int() }),
      z.object({ type: z.literal("group"), group_id: z.number().int(), name: z.string() }),
    ]),
    message: conversationMessageOutput.extend({ message_type: storedMessageTypeSchema }),
  })
  .meta({ id: "FoundMessage" });

const page = {
  limit: pageLimitSchema(100, 30),
  cursor: z.string().max(100).meta({ description: "next_cursor of the previous page" }).optional(),
};

export const listStarredInput = z.object(page).default({ limit: 30 });

export const starredPageOutput = z.object({
  messages: z.array(foundMessageOutput.extend({ starred_at: z.iso.datetime() })),
  next_cursor: z.string().nullable(),
});

export const searchMessagesInput = z.object({
  q: z.string().trim().min(1, "Type something to search for").max(200, "Search for at most 200 characters"),
  ...page,
});

export const searchPageOutput = z.object({
  messages: z.array(foundMessageOutput).meta({ description: "Newest first" }),
  next_cursor: z.string().nullable(),
});

export type EditMessageInput = z.infer<typeof editMessageInput>;
export type ForwardMessagesInput = z.infer<typeof forwardMessagesInput>;
export type ReactInput = z.infer<typeof reactInput>;
export type FoundMessage = z.infer<typeof foundMessageOutput>;
