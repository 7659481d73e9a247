import type { TRPCRouterRecord } from "@trpc/server";

import {
  ackDeliveredInput,
  ackDeliveredOutput,
  deleteMessageInput,
  groupMessageOutput,
  groupMessagePageOutput,
  listGroupMessagesInput,
  messageInfoInput,
  messageInfoOutput,
  sendGroupMessageInput,
  listMessagesInput,
  messageOnlyOutput,
  messageOutput,
  messagePageOutput,
  sendChatMessageInput,
  statusUpdatedOutput,
  updateMessageStatusInput,
} from "@parley/validators";

import * as groupMessages from "../services/group-messages";
import * as messages from "../services/messages";
import { protectedProcedure } from "../trpc";

const tags = ["messages"];

export const messageRouter = {
  send: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/messages/chat", tags, summary: "Send a message (creates the chat)", protect: true } })
    .input(sendChatMessageInput)
    .output(messageOutput)
    .mutation(({ ctx, input }) => messages.sendChatMessage(ctx.deps, ctx.session.userId, input)),

  list: protectedProcedure
    .meta({
      openapi: { method: "GET", path: "/chats/{chat_id}/messages", tags, summary: "A chat's history, newest first", protect: true },
    })
    .input(listMessagesInput)
    .output(messagePageOutput)
    .query(({ ctx, input }) => messages.listMessages(ctx.deps, ctx.session.userId, input)),

  sendGroup: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/messages/group", tags, summary: "Send a message to a group", protect: true } })
    .input(sendGroupMessageInput)
    .output(groupMessageOutput)
    .mutation(({ ctx, input }) => groupMessages.sendGroupMessage(ctx.deps, ctx.session.userId, input)),

  listGroup: protectedProcedure
    .meta({
      openapi: { method: "GET", path: "/messages/group/{group_id}", tags, summary: "A group's history, newest first", protect: true },
    })
    .input(listGroupMessagesInput)
    .output(groupMessagePageOutput)
    .query(({ ctx, input }) => groupMessages.listGroupMessages(ctx.deps, ctx.session.userId, input)),

  info: protectedProcedure
    .meta({
      openapi: { method: "GET", path: "/messages/{message_id}/info", tags, summary: "Who received and read your message, and when", protect: true },
    })
    .input(messageInfoInput)
    .output(messageInfoOutput)
    .query(({ ctx, input }) => messages.messageInfo(ctx.deps, ctx.session.userId, input.message_id)),

  updateStatus: protectedProcedure
    .meta({
      openapi: { method: "PUT", path: "/messages/{message_id}/status", tags, summary: "Mark delivered or read", protect: true },
    })
    .input(updateMessageStatusInput)
    .output(statusUpdatedOutput)
    .mutation(({ ctx, input }) => messages.updateMessageStatus(ctx.deps, ctx.session.userId, input)),

  ackDelivered: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/messages/delivered", tags, summary: "Acknowledge received messages", protect: true } })
    .input(ackDeliveredInput)
    .output(ackDeliveredOutput)
    .mutation(({ ctx, input }) => messages.ackDelivered(ctx.deps, ctx.session.userId, input)),

  delete: protectedProcedure
    .meta({ openapi: { method: "DELETE", path: "/messages/{message_id}", tags, summary: "Delete for you or for everyone", protect: true } })
    .input(deleteMessageInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => messages.deleteMessage(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
