import type { TRPCRouterRecord } from "@trpc/server";

import { onEventInput } from "@parley/validators";

import { streamEvents } from "../services/live";
import { authenticateToken } from "../services/session";
import { protectedProcedure } from "../trpc";

export const eventRouter = {
  /**
   * Every live event for the caller, resumable: tRPC clients resend the last
   * tracked id as `lastEventId` when they reconnect.
   */
  onEvent: protectedProcedure.input(onEventInput).subscription(({ ctx, input, signal }) =>
    streamEvents(ctx.deps, {
      userId: ctx.session.userId,
      sessionId: ctx.session.sessionId,
      lastEventId: input?.lastEventId,
      signal,
      connection: ctx.connection,
      isSessionLive: async () => (ctx.token ? (await authenticateToken(ctx.deps, ctx.token)) !== null : false),
    }),
  ),
} satisfies TRPCRouterRecord;
