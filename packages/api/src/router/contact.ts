import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import { blockedListOutput, blockInput, messageOnlyOutput } from "@parley/validators";

import * as blocks from "../services/blocks";
import { protectedProcedure } from "../trpc";

const tags = ["contacts"];

export const contactRouter = {
  block: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/contacts/block", tags, summary: "Block a user", protect: true } })
    .input(blockInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => blocks.blockUser(ctx.deps, ctx.session.userId, input.user_id)),

  unblock: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/contacts/unblock", tags, summary: "Unblock a user", protect: true } })
    .input(blockInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => blocks.unblockUser(ctx.deps, ctx.session.userId, input.user_id)),

  blocked: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/contacts/blocked", tags, summary: "People you blocked", protect: true } })
    .input(z.void())
    .output(blockedListOutput)
    .query(({ ctx }) => blocks.listBlocked(ctx.deps, ctx.session.userId)),
} satisfies TRPCRouterRecord;
