import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  conversationInput,
  encryptedSendOutput,
  encryptionStateOutput,
  messageOnlyOutput,
  pendingWelcomesOutput,
  sendEncryptedInput,
  startEncryptionInput,
  welcomeIdInput,
  welcomeOutput,
} from "@parley/validators";

import * as e2ee from "../services/e2ee";
import { protectedProcedure } from "../trpc";

// The delivery service for encrypted clients (the SDK, the web app): no REST face, as plaintext
// clients have no keys. Encrypted messages are read back with the message and chat procedures.
export const e2eeRouter = {
  start: protectedProcedure
    .input(startEncryptionInput)
    .output(encryptedSendOutput)
    .mutation(({ ctx, input }) => e2ee.startEncryption(ctx.deps, ctx.session, input)),

  send: protectedProcedure
    .input(sendEncryptedInput)
    .output(encryptedSendOutput)
    .mutation(({ ctx, input }) => e2ee.sendEncrypted(ctx.deps, ctx.session, input)),

  state: protectedProcedure
    .input(conversationInput)
    .output(encryptionStateOutput)
    .query(({ ctx, input }) => e2ee.encryptionState(ctx.deps, ctx.session, input)),

  welcomes: protectedProcedure
    .input(z.void())
    .output(pendingWelcomesOutput)
    .query(({ ctx }) => e2ee.pendingWelcomes(ctx.deps, ctx.session)),

  welcome: protectedProcedure
    .input(welcomeIdInput)
    .output(welcomeOutput)
    .query(({ ctx, input }) => e2ee.welcomeById(ctx.deps, ctx.session, input.welcome_id)),

  takeWelcome: protectedProcedure
    .input(welcomeIdInput)
    .output(messageOnlyOutput)
    .mutation(({ ctx, input }) => e2ee.takeWelcome(ctx.deps, ctx.session, input.welcome_id)),
} satisfies TRPCRouterRecord;
