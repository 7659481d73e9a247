import type { TRPCRouterRecord } from "@trpc/server";

import {
  createUploadInput,
  mediaIdInput,
  mediaOutput,
  mediaUrlInput,
  mediaUrlOutput,
  uploadTicketOutput,
} from "@parley/validators";

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
        description:
          "Then PUT the file to upload.url with upload.headers, and complete it (or just send it). 413 for a file larger than MEDIA_MAX_BYTES (16 MB by default); at most MEDIA_UPLOADS_PER_HOUR uploads an hour (10 by default), then 429.",
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
        description:
          "Idempotent: a checked file answers as it is, and a refused one says why again (400). 404 for an upload that isn't yours; 409 while another check of it is running.",
        protect: true,
        errorResponses: [404, 409],
      },
    })
    .input(mediaIdInput)
    .output(mediaOutput)
    .mutation(async ({ ctx, input }) =>
      media.toMediaOutput(await media.completeUpload(ctx.deps, ctx.session.userId, input.media_id)),
    ),

  url: protectedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/media/{media_id}",
        tags,
        summary: "A short-lived signed URL for a file you may see (original or thumbnail)",
        description:
          "Signed for MEDIA_URL_TTL_SECONDS (5 minutes by default). 404 for a file you may not see, whatever the reason (someone else's, never sent to you, from after you left a group), and for a thumbnail the file doesn't have.",
        protect: true,
        errorResponses: [404],
      },
    })
    .input(mediaUrlInput)
    .output(mediaUrlOutput)
    .query(({ ctx, input }) => media.mediaUrl(ctx.deps, ctx.session.userId, input)),
} satisfies TRPCRouterRecord;
