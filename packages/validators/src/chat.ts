import { z } from "zod";

import { idSchema } from "./common";
import { messageOutput } from "./message";
import { publicProfileOutput } from "./user";

export const chatOutput = z.object({
  id: z.number().int(),
  peer: publicProfileOutput,
  last_message: messageOutput.nullable(),
  last_message_at: z.iso.datetime().nullable(),
  unread_count: z.number().int(),
  last_seq: z.number().int(),
});

export const listChatsInput = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(30),
    cursor: z.string().max(100).optional().meta({ description: "next_cursor of the previous page" }),
  })
  .default({ limit: 30 });

export const chatPageOutput = z.object({
  chats: z.array(chatOutput),
  next_cursor: z.string().nullable(),
});

export const chatIdInput = z.object({ chat_id: idSchema });

export const openChatInput = z.object({ user_id: idSchema });

export const typingInput = z.object({
  chat_id: idSchema,
  is_typing: z.boolean(),
});

export type ChatOutput = z.infer<typeof chatOutput>;

export const chatReadOutput = z.object({
  chat_id: z.number().int(),
  up_to_seq: z.number().int(),
  unread_count: z.number().int(),
});

export const okOutput = z.object({ ok: z.literal(true) });
