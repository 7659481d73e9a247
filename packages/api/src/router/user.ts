import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import { meOutput, updateMeInput } from "@parley/validators";

import * as users from "../services/user";
import { protectedProcedure } from "../trpc";

const tags = ["users"];

export const userRouter = {
  me: protectedProcedure
    .meta({ openapi: { method: "GET", path: "/users/me", tags, summary: "Your profile", protect: true } })
    .input(z.void())
    .output(meOutput)
    .query(({ ctx }) => users.getMe(ctx.deps, ctx.session.userId)),

  updateMe: protectedProcedure
    .meta({ openapi: { method: "PUT", path: "/users/me", tags, summary: "Update your profile", protect: true } })
    .input(updateMeInput)
    .output(meOutput)
    .mutation(({ ctx, input }) => users.updateMe(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
