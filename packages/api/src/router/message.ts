import type { TRPCRouterRecord } from "@trpc/server";

import {
  ackDeliveredInput,
  ackDeliveredOutput,
  deleteMessageInput,
  editMessageInput,
  editMessageOutput,
  forwardMessagesInput,
  forwardMessagesOutput,
  listStarredInput,
  reactInput,
  reactOutput,
  searchMessagesInput,
  searchPageOutput,
  starInput,
  starOutput,
  starredPageOutput,
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
import * as actions from "../services/message-actions";
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

  edit: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/messages/{message_id}", tags, summary: "Edit your text message (within 15 minutes)", protect: true } })
    .input(editMessageInput)
    .output(editMessageOutput)
    .mutation(({ ctx, input }) => actions.editMessage(ctx.deps, ctx.session.userId, input)),

  forward: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/messages/forward", tags, summary: "Forward messages to chats and groups", protect: true } })
    .input(forwardMessagesInput)
    .output(forwardMessagesOutput)
    .mutation(({ ctx, input }) => actions.forwardMessages(ctx.deps, ctx.session.userId, input)),

  react: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/messages/{message_id}/reaction", tags, summary: "Set, change or (null) remove your reaction", protect: true } })
    .input(reactInput)
    .output(reactOutput)
    .mutation(({ ctx, input }) => actions.react(ctx.deps, ctx.session.userId, input)),

  star: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/messages/{message_id}/star", tags, summary: "Star or unstar a message", protect: true } })
    .input(starInput)
    .output(starOutput)
    .mutation(({ ctx, input }) => actions.starMessage(ctx.deps, ctx.session.userId, input)),

  starred: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/messages/starred", tags, summary: "Your starred messages, most recent first", protect: true } })
    .input(listStarredInput)
    .output(starredPageOutput)
    .query(({ ctx, input }) => actions.listStarred(ctx.deps, ctx.session.userId, input)),

  search: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/messages/search", tags, summary: "Search your chats' messages by words", protect: true } })
    .input(searchMessagesInput)
    .output(searchPageOutput)
    .query(({ ctx, input }) => actions.searchMessages(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
