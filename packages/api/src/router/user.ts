import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  lastSeenOutput,
  meOutput,
  onlineOutput,
  phoneNumberSchema,
  publicProfileOutput,
  setOnlineInput,
  updateMeInput,
  updatePrivacyInput,
  userIdInput,
} from "@parley/validators";

import * as presence from "../services/presence";
import { consumeLimit } from "../services/rate-limit";
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
    .meta({
      openapi: {
        method: "PUT",
        path: "/users/me",
        tags,
        summary: "Update your profile",
        description:
          "Give at least one field; null clears it. profile_picture_media_id is an upload of yours made with purpose profile_picture: 404 if it isn't, 409 while it is still being checked.",
        protect: true,
        errorResponses: [404, 409],
      },
    })
    .input(updateMeInput)
    .output(meOutput)
    .mutation(({ ctx, input }) => users.updateMe(ctx.deps, ctx.session.userId, input)),

  updatePrivacy: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/users/me/privacy",
        tags,
        summary: "Who sees your last seen, picture and about; read receipts",
        description: "Give at least one field. A change to last_seen is heard at once by the people you chat with.",
        protect: true,
      },
    })
    .input(updatePrivacyInput)
    .output(meOutput)
    .mutation(({ ctx, input }) => presence.updatePrivacy(ctx.deps, ctx.session.userId, input)),

  setOnline: protectedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/users/me/online",
        tags,
        summary: "Set online (clients without WebSocket)",
        description:
          "Online set this way lapses after 5 minutes unless repeated; a WebSocket connection keeps you online by itself.",
        protect: true,
      },
    })
    .input(setOnlineInput)
    .output(onlineOutput)
    .mutation(({ ctx, input }) => presence.setOnline(ctx.deps, ctx.session, input.is_online)),

  touchLastSeen: protectedProcedure
    .meta({
      openapi: { method: "PUT", path: "/users/me/last-seen", tags, summary: "Record last seen now", protect: true },
    })
    .input(z.void())
    .output(lastSeenOutput)
    .mutation(({ ctx }) => presence.touchLastSeen(ctx.deps, ctx.session.userId)),

  // Declared before `get` so that /users/search is not read as /users/{id}.
  search: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/users/search",
        tags,
        summary: "Find a user by exact phone number",
        description:
          "An exact match on the E.164 number, not a directory: 404 if nobody has it. At most 30 lookups a minute and 300 a day (429). Once found, you may see their profile by id and message them.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(z.object({ phone_number: phoneNumberSchema }))
    .output(publicProfileOutput)
    .query(async ({ ctx, input }) => {
      // Exact lookups only, and few of them: nobody gets to walk the number space.
      await consumeLimit(ctx.deps.store, {
        key: `user-search:${ctx.session.userId}`,
        max: 30,
        windowSeconds: 60,
        message: "Too many phone number lookups.",
      });
      // And few over a day: bursts are for typing a number, not for walking the number space.
      await consumeLimit(ctx.deps.store, {
        key: `user-search-day:${ctx.session.userId}`,
        max: 300,
        windowSeconds: 24 * 60 * 60,
        message: "Too many phone number lookups today.",
      });
      return presence.findUserByPhone(ctx.deps, ctx.session.userId, input.phone_number);
    }),

  get: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/users/{id}",
        tags,
        summary: "A user's profile",
        description:
          "Only people you have a tie with (a chat, a group you share or shared, your contacts, someone you blocked or found by number); anyone else answers 404, as an id nobody has does. What you see follows their privacy settings.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(userIdInput)
    .output(publicProfileOutput)
    .query(({ ctx, input }) => presence.getUserProfile(ctx.deps, ctx.session.userId, input.id)),
} satisfies TRPCRouterRecord;
