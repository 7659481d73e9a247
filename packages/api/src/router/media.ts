import type { TRPCRouterRecord } from "@trpc/server";

import { createUploadInput, mediaIdInput, mediaOutput, mediaUrlInput, mediaUrlOutput, uploadTicketOutput } from "@parley/validators";

import * as media from "../services/media/media";
import { protectedProcedure } from "../trpc";

const tags = ["media"];

export const mediaRouter = {
  createUpload: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/media/uploads",
        tags,
        summary: "Start an upload: a media id and a short-lived URL to PUT the file to",
        protect: true,
      },
    })
    .input(createUploadInput)
    .output(uploadTicketOutput)
    .mutation(({ ctx, input }) => media.createUpload(ctx.deps, ctx.session.userId, input)),

  complete: protectedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/media/{media_id}/complete",
        tags,
        summary: "Check an uploaded file (real type and size, thumbnail); sending does this too",
        protect: true,
      },
    })
    .input(mediaIdInput)
    .output(mediaOutput)
    .mutation(async ({ ctx, input }) => media.toMediaOutput(await media.completeUpload(ctx.deps, ctx.session.userId, input.media_id))),

  url: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/media/{media_id}",
        tags,
        summary: "A short-lived signed URL for a file you may see (original or thumbnail)",
        protect: true,
      },
    })
    .input(mediaUrlInput)
    .output(mediaUrlOutput)
    .query(({ ctx, input }) => media.mediaUrl(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
