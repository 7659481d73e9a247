import type { TRPCRouterRecord } from "@trpc/server";

import {
  authOutput,
  loginInput,
  logoutInput,
  messageOnlyOutput,
  otpSentOutput,
  registerInput,
  requestPasswordResetInput,
  resetPasswordInput,
  verifyOtpInput,
} from "@parley/validators";

import * as auth from "../services/auth";
import { protectedProcedure, publicProcedure } from "../trpc";

const tags = ["auth"];

export const authRouter = {
  register: publicProcedure
    .meta({ openapi: { method: "POST", path: "/auth/register", tags, summary: "Start sign-up: send a code by SMS" } })
    .input(registerInput)
    .output(otpSentOutput)
    .mutation(({ ctx, input }) => auth.register(ctx.deps, input)),

  verifyOtp: publicProcedure
    .meta({ openapi: { method: "POST", path: "/auth/verify-otp", tags, summary: "Finish sign-up with the code" } })
    .input(verifyOtpInput)
    .output(authOutput)
    .mutation(({ ctx, input }) => auth.verifyOtp(ctx.deps, input, ctx.client)),

  login: publicProcedure
    .meta({ openapi: { method: "POST", path: "/auth/login", tags, summary: "Log in with phone number and password" } })
    .input(loginInput)
    .output(authOutput)
    .mutation(({ ctx, input }) => auth.login(ctx.deps, input, ctx.client)),

  logout: protectedProcedure
    .meta({ openapi: { method: "POST", path: "/auth/logout", tags, summary: "End this session", protect: true } })
    .input(logoutInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => auth.logout(ctx.deps, ctx.session, { allDevices: input?.all_devices })),

  requestPasswordReset: publicProcedure
    .meta({ openapi: { method: "POST", path: "/auth/forgot-password", tags, summary: "Send a code to reset the password" } })
    .input(requestPasswordResetInput)
    .output(otpSentOutput)
    .mutation(({ ctx, input }) => auth.requestPasswordReset(ctx.deps, input)),

  resetPassword: publicProcedure
    .meta({ openapi: { method: "POST", path: "/auth/reset-password", tags, summary: "Set a new password with the code" } })
    .input(resetPasswordInput)
    .output(authOutput)
    .mutation(({ ctx, input }) => auth.resetPassword(ctx.deps, input, ctx.client)),
} satisfies TRPCRouterRecord;
