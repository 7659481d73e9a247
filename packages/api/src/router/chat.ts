import type { TRPCRouterRecord } from "@trpc/server";

import {
  chatIdInput,
  chatOutput,
  chatPageOutput,
  chatReadOutput,
  listChatsInput,
  markChatReadInput,
  okOutput,
  openChatInput,
  typingInput,
} from "@parley/validators";

import { listChats } from "../services/chat-list";
import { markChatRead } from "../services/chat-messages";
import * as chats from "../services/chats";
import { protectedProcedure } from "../trpc";

const tags = ["chats"];

export const chatRouter = {
  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats",
        tags,
        summary: "Your chats, most recent first",
        description:
          "1:1 chats and groups in one list. For the next page, pass next_cursor as cursor; a cursor we didn't give out is 400.",
        protect: true,
      },
    })
    .input(listChatsInput)
    .output(chatPageOutput)
    .query(({ ctx, input }) => listChats(ctx.deps, ctx.session.userId, input)),

  get: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/{chat_id}",
        tags,
        summary: "One of your chats",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(chatIdInput)
    .output(chatOutput)
    .query(({ ctx, input }) => chats.getChat(ctx.deps, ctx.session.userId, input.chat_id)),

  findWith: protectedProcedure
    .input(openChatInput)
    .output(chatOutput.nullable())
    .query(({ ctx, input }) => chats.findChatWith(ctx.deps, ctx.session.userId, input.user_id)),

  read: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/{chat_id}/read",
        tags,
        summary: "Mark the chat read",
        description:
          "The other person's messages up to up_to_message_id (default: all) become read. With read receipts off on either side, the sender isn't told.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(markChatReadInput)
    .output(chatReadOutput)
    .mutation(({ ctx, input }) => markChatRead(ctx.deps, ctx.session.userId, input)),

  typing: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/{chat_id}/typing",
        tags,
        summary: "Say you are (not) typing",
        description: "Relayed live to the other person and never stored; nothing is relayed across a block.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(typingInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => chats.sendTyping(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
