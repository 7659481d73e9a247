import { z } from "zod";

import { idSchema, pageLimitSchema } from "./common";
import { groupMessageOutput, groupSummaryOutput } from "./group";
import { messageOutput } from "./message";
import { publicProfileOutput } from "./user";

export const chatOutput = z
  .object({
    type: z.literal("direct"),
    id: z.number().int(),
    peer: publicProfileOutput,
    last_message: messageOutput.nullable(),
    last_message_at: z.iso.datetime().nullable(),
    unread_count: z.number().int(),
    last_seq: z.number().int(),
    e2ee: z.boolean().meta({ description: "End-to-end encrypted: messages are MLS ciphertext (see encrypted)" }),
  })
  .meta({ id: "Chat" });

/** A group in the chat list: same previews and badges as a 1:1 chat; `id` is the group id. */
export const groupChatOutput = z
  .object({
    type: z.literal("group"),
    id: z.number().int(),
    group: groupSummaryOutput,
    last_message: groupMessageOutput.nullable(),
    last_message_at: z.iso.datetime().nullable(),
    unread_count: z.number().int(),
    last_seq: z.number().int(),
  })
  .meta({ id: "GroupChat" });

export const chatListItemOutput = z.discriminatedUnion("type", [chatOutput, groupChatOutput]);

export const listChatsInput = z
  .object({
    limit: pageLimitSchema(100, 30),
    cursor: z.string().max(100).meta({ description: "next_cursor of the previous page" }).optional(),
  })
  .default({ limit: 30 });

export const chatPageOutput = z.object({
  chats: z
    .array(chatListItemOutput)
    .meta({ description: "1:1 chats (type direct) and groups (type group), most recent first" }),
  next_cursor: z.string().nullable(),
});

export const chatIdInput = z.object({ chat_id: idSchema });

export const openChatInput = z.object({ user_id: idSchema });

export const typingInput = z.object({
  chat_id: idSchema,
  is_typing: z.boolean(),
});

export type ChatOutput = z.infer<typeof chatOutput>;
export type GroupChatOutput = z.infer<typeof groupChatOutput>;
export type ChatListItem = z.infer<typeof chatListItemOutput>;

export const chatReadOutput = z.object({
  chat_id: z.number().int(),
  up_to_seq: z.number().int(),
  unread_count: z.number().int(),
});

export const okOutput = z.object({ ok: z.literal(true) });
