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
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/register",
        tags,
        summary: "Start sign-up: send a code by SMS",
        description:
          "Sends a 6-digit code to the number, valid for 5 minutes. At most 3 codes an hour per number (fewer per network and per block of numbers), then 429. 409 if the number already has an account; 503 if the SMS could not be sent.",
        protect: false,
        errorResponses: [409, 503],
      },
    })
    .input(registerInput)
    .output(otpSentOutput)
    .mutation(({ ctx, input }) => auth.register(ctx.deps, input, ctx.client)),

  verifyOtp: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/verify-otp",
        tags,
        summary: "Finish sign-up with the code",
        description:
          "Creates the account (with the name given to /auth/register and this password) and signs in. A code works once and is void after 5 wrong tries (400). 409 if the number got an account meanwhile.",
        protect: false,
        errorResponses: [409],
      },
    })
    .input(verifyOtpInput)
    .output(authOutput)
    .mutation(({ ctx, input }) => auth.verifyOtp(ctx.deps, input, ctx.client)),

  login: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/login",
        tags,
        summary: "Log in with phone number and password",
        description:
          "401 for a wrong number or password (the same answer for both). After 10 wrong passwords for a number in 15 minutes, 429.",
        protect: false,
        errorResponses: [401],
      },
    })
    .input(loginInput)
    .output(authOutput)
    .mutation(({ ctx, input }) => auth.login(ctx.deps, input, ctx.client)),

  logout: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/logout",
        tags,
        summary: "End this session",
        description:
          "The token stops working at once, on HTTP and on open WebSockets; with all_devices, so does every other session of the account. The body may be empty.",
        protect: true,
      },
    })
    .input(logoutInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => auth.logout(ctx.deps, ctx.session, { allDevices: input?.all_devices })),

  requestPasswordReset: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/forgot-password",
        tags,
        summary: "Send a code to reset the password",
        description:
          "Answers the same whether or not the number has an account (a code is sent only if it has). Counts against the same code limits as /auth/register (429); 503 if the SMS could not be sent.",
        protect: false,
        errorResponses: [503],
      },
    })
    .input(requestPasswordResetInput)
    .output(otpSentOutput)
    .mutation(({ ctx, input }) => auth.requestPasswordReset(ctx.deps, input, ctx.client)),

  resetPassword: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/reset-password",
        tags,
        summary: "Set a new password with the code",
        description:
          "Sets the password, ends every other session of the account and signs in. 400 for a wrong, expired or used code.",
        protect: false,
      },
    })
    .input(resetPasswordInput)
    .output(authOutput)
    .mutation(({ ctx, input }) => auth.resetPassword(ctx.deps, input, ctx.client)),
} satisfies TRPCRouterRecord;
