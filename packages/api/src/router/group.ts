import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  addGroupMembersInput,
  createGroupInput,
  groupIdInput,
  groupListOutput,
  groupMemberInput,
  groupOutput,
  groupReadOutput,
  groupTypingInput,
  markGroupReadInput,
  messageOnlyOutput,
  okOutput,
  setGroupRoleInput,
  updateGroupInput,
} from "@parley/validators";

import { markGroupRead } from "../services/group-messages";
import * as groups from "../services/groups";
import { protectedProcedure } from "../trpc";

const tags = ["groups"];

export const groupRouter = {
  create: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/groups",
        tags,
        summary: "Create a group (you become its admin)",
        description:
          "You become its admin. member_ids must be people you have a tie with (404) and no block with either way (403); a group has at most GROUP_MAX_MEMBERS (256) members. picture_media_id: 404 if it isn't your upload, 409 while it is still being checked.",
        protect: true,
        errorResponses: [403, 404, 409],
      },
    })
    .input(createGroupInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.createGroup(ctx.deps, ctx.session.userId, input)),

  list: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/groups",
        tags,
        summary: "Your groups (including ones you left)",
        protect: true,
      },
    })
    .input(z.void())
    .output(groupListOutput)
    .query(({ ctx }) => groups.listGroups(ctx.deps, ctx.session.userId)),

  get: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/groups/{group_id}",
        tags,
        summary: "A group with its members",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(groupIdInput)
    .output(groupOutput)
    .query(({ ctx, input }) => groups.getGroup(ctx.deps, ctx.session.userId, input.group_id)),

  update: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/groups/{group_id}",
        tags,
        summary: "Change name, description or picture (admins)",
        description:
          "Admins only (403). Give at least one field; null clears it. picture_media_id: 404 if it isn't your upload, 409 while it is still being checked.",
        protect: true,
        errorResponses: [403, 404, 409],
      },
    })
    .input(updateGroupInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.updateGroup(ctx.deps, ctx.session.userId, input)),

  delete: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/groups/{group_id}",
        tags,
        summary: "Delete the group for everyone (admins)",
        description: "Admins only (403). Its messages go with it, for everyone.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(groupIdInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => groups.deleteGroup(ctx.deps, ctx.session.userId, input.group_id)),

  addMembers: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/groups/{group_id}/members",
        tags,
        summary: "Add members (admins)",
        description:
          "Admins only (403). Give user_id or user_ids: people you have a tie with (404) and no block with (403). 409 if they all are members already.",
        protect: true,
        errorResponses: [403, 404, 409],
      },
    })
    .input(addGroupMembersInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.addMembers(ctx.deps, ctx.session.userId, input)),

  removeMember: protectedProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/groups/{group_id}/members/{user_id}",
        tags,
        summary: "Remove a member (admins), or yourself to leave",
        description:
          "Admins remove others (403 for anyone else); your own user_id leaves the group, as POST /groups/{group_id}/leave does.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(groupMemberInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => groups.removeMember(ctx.deps, ctx.session.userId, input)),

  setRole: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/groups/{group_id}/members/{user_id}",
        tags,
        summary: "Make or unmake an admin (admins)",
        description: "Admins only (403); a group keeps at least one admin (400).",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(setGroupRoleInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.setMemberRole(ctx.deps, ctx.session.userId, input)),

  leave: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/groups/{group_id}/leave",
        tags,
        summary: "Leave the group",
        description: "If you were its only admin, the longest-standing member becomes admin. 403 if you already left.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(groupIdInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => groups.leaveGroup(ctx.deps, ctx.session.userId, input.group_id)),

  read: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/groups/{group_id}/read",
        tags,
        summary: "Mark the group read",
        description:
          "Everything up to up_to_seq (default: all) becomes read by you; the group's receipts rise when every member has read.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(markGroupReadInput)
    .output(groupReadOutput)
    .mutation(({ ctx, input }) => markGroupRead(ctx.deps, ctx.session.userId, input)),

  typing: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/groups/{group_id}/typing",
        tags,
        summary: "Say you are (not) typing",
        description:
          "Relayed live to the other members (not stored), except anyone in a block with you. 403 once you are no longer a member.",
        protect: true,
        errorResponses: [403, 404],
      },
    })
    .input(groupTypingInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => groups.sendGroupTyping(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
