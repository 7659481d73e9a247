import type { TRPCRouterRecord } from "@trpc/server";

import {
  ACK_BATCH_LIMIT,
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

import * as chatMessages from "../services/chat-messages";
import { ackDelivered } from "../services/delivery-acks";
import * as groupMessages from "../services/group-messages";
import * as actions from "../services/message-actions";
import * as search from "../services/message-search";
import { countMessages } from "../services/rate-limit";
import { protectedProcedure } from "../trpc";

const tags = ["messages"];

// Sending 1:1 and to a group alike; the body rules are checkMessageBody's, which the JSON Schema can't say.
const sendRules = [
  "Idempotent by client_msg_id: sending again with the same one returns the first message (409 if it was used for a different one).",
  "What a message carries depends on message_type (default text): text needs content that isn't blank, and no media_id or location;",
  "image, video, audio and document need the media_id of your upload, with content as an optional caption of at most 1,024 characters;",
  "location needs location, and no content (name the place in location.name).",
].join(" ");

export const messageRouter = {
  send: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/messages/chat",
        tags,
        summary: "Send a message (creates the chat)",
        description: `${sendRules} 403 across a block; 404 for a receiver you have no tie with (see GET /users/{id}) or an upload that isn't yours. Counts against the per-minute message limit (429).`,
        protect: true,
        errorResponses: [403, 404, 409],
      },
    })
    .input(sendChatMessageInput)
    .output(messageOutput)
    .mutation(async ({ ctx, input }) => {
      await countMessages(ctx.deps, ctx.session.userId);
      return chatMessages.sendChatMessage(ctx.deps, ctx.session.userId, input);
    }),

  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/{chat_id}/messages",
        tags,
        summary: "A chat's history, newest first",
        description:
          "Newest first, below before_seq if given. With after_seq instead, oldest first above it (to fill a gap). Give before_seq or after_seq, not both (400). For the next page, pass next_cursor as the same parameter.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(listMessagesInput)
    .output(messagePageOutput)
    .query(({ ctx, input }) => chatMessages.listMessages(ctx.deps, ctx.session.userId, input)),

  sendGroup: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/messages/group",
        tags,
        summary: "Send a message to a group",
        description: `${sendRules} 403 once you are no longer a member; 404 for an upload that isn't yours. Counts against the per-minute message limit (429).`,
        protect: true,
        errorResponses: [403, 404, 409],
      },
    })
    .input(sendGroupMessageInput)
    .output(groupMessageOutput)
    .mutation(async ({ ctx, input }) => {
      await countMessages(ctx.deps, ctx.session.userId);
      return groupMessages.sendGroupMessage(ctx.deps, ctx.session.userId, input);
    }),

  listGroup: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/messages/group/{group_id}",
        tags,
        summary: "A group's history, newest first",
        description:
          "The messages from when you joined to when you left (if you did). Newest first, below before_seq if given. With after_seq instead, oldest first above it (to fill a gap). Give before_seq or after_seq, not both (400). For the next page, pass next_cursor as the same parameter.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(listGroupMessagesInput)
    .output(groupMessagePageOutput)
    .query(({ ctx, input }) => groupMessages.listGroupMessages(ctx.deps, ctx.session.userId, input)),

  info: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/messages/{message_id}/info",
        tags,
        summary: "Who received and read your message, and when",
        description:
          "Only for messages you sent (403 otherwise). In a group: each member who was there when it was sent.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(messageInfoInput)
    .output(messageInfoOutput)
    .query(({ ctx, input }) => actions.messageInfo(ctx.deps, ctx.session.userId, input.message_id)),

  updateStatus: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/messages/{message_id}/status",
        tags,
        summary: "Mark delivered or read",
        description:
          "Only a recipient may (403 for the sender), and a status only moves forward: sent, delivered, read. Answers the status it now has.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(updateMessageStatusInput)
    .output(statusUpdatedOutput)
    .mutation(({ ctx, input }) => actions.updateMessageStatus(ctx.deps, ctx.session.userId, input)),

  ackDelivered: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/messages/delivered",
        tags,
        summary: "Acknowledge received messages",
        description: `Up to ${ACK_BATCH_LIMIT} message ids (1:1 or group) and ${ACK_BATCH_LIMIT} group watermarks; give at least one of them (400). Ids you can't acknowledge are skipped; answers how many changed.`,
        protect: true,
      },
    })
    .input(ackDeliveredInput)
    .output(ackDeliveredOutput)
    .mutation(({ ctx, input }) => ackDelivered(ctx.deps, ctx.session.userId, input)),

  delete: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/messages/{message_id}",
        tags,
        summary: "Delete for you or for everyone",
        description:
          "By default the message is hidden for you only. With for_everyone=true it is blanked for everyone: only by its sender (403 otherwise), within DELETE_FOR_EVERYONE_WINDOW_HOURS of sending (60 by default; 400 after).",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(deleteMessageInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => actions.deleteMessage(ctx.deps, ctx.session.userId, input)),

  edit: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/messages/{message_id}",
        tags,
        summary: "Edit your text message (within 15 minutes)",
        description:
          "Only your own text messages (403 for someone else's), within MESSAGE_EDIT_WINDOW_MINUTES of sending (15 by default; 400 after); 403 across a block. The same words again change nothing.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(editMessageInput)
    .output(editMessageOutput)
    .mutation(({ ctx, input }) => actions.editMessage(ctx.deps, ctx.session.userId, input)),

  forward: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/messages/forward",
        tags,
        summary: "Forward messages to chats and groups",
        description:
          "Give at least one of user_ids and group_ids (400). Each copy is an ordinary send marked forwarded, so blocks and membership apply (403, 404); a file is reused, not uploaded again. Idempotent by client_batch_id: forwarding again with the same one returns the same messages. Every copy counts against the per-minute message limit (429).",
        protect: true,
        errorResponses: [403, 404, 409],
      },
    })
    .input(forwardMessagesInput)
    .output(forwardMessagesOutput)
    .mutation(async ({ ctx, input }) => {
      const copies = input.message_ids.length * (input.user_ids.length + input.group_ids.length);
      await countMessages(ctx.deps, ctx.session.userId, copies);
      return actions.forwardMessages(ctx.deps, ctx.session.userId, input);
    }),

  react: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/messages/{message_id}/reaction",
        tags,
        summary: "Set, change or (null) remove your reaction",
        description:
          "One reaction per person per message; null takes yours back. 403 across a block or once you left the group.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(reactInput)
    .output(reactOutput)
    .mutation(({ ctx, input }) => actions.react(ctx.deps, ctx.session.userId, input)),

  star: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/messages/{message_id}/star",
        tags,
        summary: "Star or unstar a message",
        description: "Your own bookmark, on any message you can see.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(starInput)
    .output(starOutput)
    .mutation(({ ctx, input }) => actions.starMessage(ctx.deps, ctx.session.userId, input)),

  starred: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/messages/starred",
        tags,
        summary: "Your starred messages, most recent first",
        protect: true,
      },
    })
    .input(listStarredInput)
    .output(starredPageOutput)
    .query(({ ctx, input }) => search.listStarred(ctx.deps, ctx.session.userId, input)),

  search: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/messages/search",
        tags,
        summary: "Search your chats' messages by words",
        description:
          'Word-prefix search ("din tom" finds "dinner tomorrow") over the messages you may see, newest first.',
        protect: true,
      },
    })
    .input(searchMessagesInput)
    .output(searchPageOutput)
    .query(({ ctx, input }) => search.searchMessages(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
