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

import * as chats from "../services/chats";
import { markChatRead } from "../services/messages";
import { protectedProcedure } from "../trpc";

const tags = ["chats"];

export const chatRouter = {
  list: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/chats", tags, summary: "Your chats, most recent first", protect: true } })
    .input(listChatsInput)
    .output(chatPageOutput)
    .query(({ ctx, input }) => chats.listChats(ctx.deps, ctx.session.userId, input)),

  get: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/chats/{chat_id}", tags, summary: "One of your chats", protect: true } })
    .input(chatIdInput)
    .output(chatOutput)
    .query(({ ctx, input }) => chats.getChat(ctx.deps, ctx.session.userId, input.chat_id)),

  findWith: protectedProcedure
    .input(openChatInput)
    .output(chatOutput.nullable())
    .query(({ ctx, input }) => chats.findChatWith(ctx.deps, ctx.session.userId, input.user_id)),

  read: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/chats/{chat_id}/read", tags, summary: "Mark the chat read", protect: true } })
    .input(markChatReadInput)
    .output(chatReadOutput)
    .mutation(({ ctx, input }) => markChatRead(ctx.deps, ctx.session.userId, input)),

  typing: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/chats/{chat_id}/typing", tags, summary: "Say you are (not) typing", protect: true } })
    .input(typingInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => chats.sendTyping(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
