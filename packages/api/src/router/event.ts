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
  onEvent: protectedProcedure.input(onEventInput).subscription(async function* ({ ctx, input, signal }) {
    // One stream per connection: each is a bus subscription, presence and a replay, and a second
    // one on the same socket only doubles every frame.
    const release = ctx.connection?.claimStream();
    try {
      yield* streamEvents(ctx.deps, {
        userId: ctx.session.userId,
        sessionId: ctx.session.sessionId,
        lastEventId: input?.lastEventId,
        signal,
        connection: ctx.connection,
        isSessionLive: async () => (ctx.token ? (await authenticateToken(ctx.deps, ctx.token)) !== null : false),
      });
    } finally {
      release?.();
    }
  }),
} satisfies TRPCRouterRecord;
