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
    .meta({ openapi: { method: "POST", path: "/groups", tags, summary: "Create a group (you become its admin)", protect: true } })
    .input(createGroupInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.createGroup(ctx.deps, ctx.session.userId, input)),

  list: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/groups", tags, summary: "Your groups (including ones you left)", protect: true } })
    .input(z.void())
    .output(groupListOutput)
    .query(({ ctx }) => groups.listGroups(ctx.deps, ctx.session.userId)),

  get: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/groups/{group_id}", tags, summary: "A group with its members", protect: true } })
    .input(groupIdInput)
    .output(groupOutput)
    .query(({ ctx, input }) => groups.getGroup(ctx.deps, ctx.session.userId, input.group_id)),

  update: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/groups/{group_id}", tags, summary: "Change name, description or picture (admins)", protect: true } })
    .input(updateGroupInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.updateGroup(ctx.deps, ctx.session.userId, input)),

  delete: protectedProcedure
    .meta({ openapi: { method: "DELETE", path: "/groups/{group_id}", tags, summary: "Delete the group for everyone (admins)", protect: true } })
    .input(groupIdInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => groups.deleteGroup(ctx.deps, ctx.session.userId, input.group_id)),

  addMembers: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/groups/{group_id}/members", tags, summary: "Add members (admins)", protect: true } })
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
        protect: true,
      },
    })
    .input(groupMemberInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => groups.removeMember(ctx.deps, ctx.session.userId, input)),

  setRole: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/groups/{group_id}/members/{user_id}", tags, summary: "Make or unmake an admin (admins)", protect: true } })
    .input(setGroupRoleInput)
    .output(groupOutput)
    .mutation(({ ctx, input }) => groups.setMemberRole(ctx.deps, ctx.session.userId, input)),

  leave: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/groups/{group_id}/leave", tags, summary: "Leave the group", protect: true } })
    .input(groupIdInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => groups.leaveGroup(ctx.deps, ctx.session.userId, input.group_id)),

  read: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/groups/{group_id}/read", tags, summary: "Mark the group read", protect: true } })
    .input(markGroupReadInput)
    .output(groupReadOutput)
    .mutation(({ ctx, input }) => markGroupRead(ctx.deps, ctx.session.userId, input)),

  typing: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/groups/{group_id}/typing", tags, summary: "Say you are (not) typing", protect: true } })
    .input(groupTypingInput)
    .output(okOutput)
    .mutation(({ ctx, input }) => groups.sendGroupTyping(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
