import { z } from "zod";

import { INT4_MAX, wholeNumberSchema } from "./common";

/** The spec's limit (16 MB); the server's is configurable (MEDIA_MAX_BYTES). */
export const MEDIA_MAX_BYTES = 16 * 1024 * 1024;
export const MEDIA_FILE_NAME_MAX_LENGTH = 255;
export const CAPTION_MAX_LENGTH = 1024;
export const LOCATION_NAME_MAX_LENGTH = 256;

export const mediaKindSchema = z.enum(["image", "video", "audio", "document"], {
  error: "kind is image, video, audio or document",
});
export const mediaPurposeSchema = z.enum(["message", "profile_picture", "group_picture"], {
  error: "purpose is message, profile_picture or group_picture",
});

/**
 * What the server accepts by default, per kind (MEDIA_ALLOWED_TYPES overrides it). The spec
 * names JPEG, PNG, MP4 and MP3; these are what phones and browsers actually produce: voice
 * notes recorded in a browser are WebM/Opus or MP4/AAC, photos often WebP.
 */
export const DEFAULT_ALLOWED_MEDIA_TYPES: Record<z.infer<typeof mediaKindSchema>, readonly string[]> = {
  image: ["image/jpeg", "image/png", "image/webp", "image/gif"],
  video: ["video/mp4", "video/webm", "video/quicktime"],
  audio: ["audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/webm", "audio/wav"],
  document: [
    "application/pdf",
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/rtf",
    "text/plain",
    "text/csv",
  ],
};

export const mediaIdSchema = z.uuid({ error: "media_id must be the id createUpload returned" });

const mimeTypeSchema = z
  .string({ error: "mime_type is required" })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;.*)?$/, "mime_type must look like image/jpeg")
  .max(127, "mime_type is at most 127 characters")
  // Parameters (audio/webm;codecs=opus) don't change what the file is.
  .transform((value) => value.split(";")[0]?.trim() ?? value);

export const createUploadInput = z.object({
  kind: mediaKindSchema,
  mime_type: mimeTypeSchema,
  size: wholeNumberSchema({ min: 1, max: INT4_MAX, name: "the file's size in bytes", minMessage: "The file is empty" }),
  file_name: z
    .string()
    .trim()
    .max(MEDIA_FILE_NAME_MAX_LENGTH, `file_name is at most ${MEDIA_FILE_NAME_MAX_LENGTH} characters`)
    // Only the last path segment, without control characters: it ends up in Content-Disposition.
    .transform((value) =>
      [...(value.split(/[\\/]/).pop() ?? "")]
        .filter((char) => char >= " " && char !== "\u007f" && char !== '"')
        .join(""),
    )
    .optional(),
  purpose: mediaPurposeSchema.default("message"),
  is_voice_note: z
    .boolean()
    .default(false)
    .meta({ description: "Recorded in the app (shown as a voice note, not an audio file)" }),
  duration_seconds: z
    .number()
    .min(0)
    .max(24 * 60 * 60)
    .optional()
    .meta({ description: "What the recorder measured; used when the server can't read the duration from the file" }),
});

export const uploadTicketOutput = z
  .object({
    media_id: z.uuid(),
    upload: z.object({
      method: z.literal("PUT"),
      url: z
        .string()
        .meta({ description: "Where to PUT the bytes: absolute (S3) or relative to the API's origin (local storage)" }),
      headers: z.record(z.string(), z.string()).meta({ description: "Send these headers with the PUT, exactly" }),
    }),
    expires_at: z.iso.datetime().meta({ description: "The upload URL stops working then" }),
    max_bytes: z.number().int(),
  })
  .meta({ id: "UploadTicket" });

/** A checked file as messages and pictures carry it. URLs are fetched separately (media.url), short-lived. */
export const mediaOutput = z
  .object({
    id: z.uuid(),
    kind: mediaKindSchema,
    mime_type: z.string().meta({ description: "Sniffed from the file's bytes, not the uploader's claim" }),
    size: z.number().int(),
    file_name: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    duration_seconds: z.number().int().nullable(),
    has_thumbnail: z.boolean(),
    is_voice_note: z.boolean(),
  })
  .meta({ id: "Media" });

export const mediaIdInput = z.object({ media_id: mediaIdSchema });

export const mediaVariantSchema = z.enum(["original", "thumbnail"], { error: "variant is original or thumbnail" });

export const mediaUrlInput = z.object({
  media_id: mediaIdSchema,
  variant: mediaVariantSchema
    .default("original")
    .meta({ description: "The file itself, or its 320 px JPEG thumbnail (has_thumbnail)" }),
});

export const mediaUrlOutput = z
  .object({
    url: z
      .string()
      .meta({ description: "Signed, short-lived: absolute (S3) or relative to the API's origin (local storage)" }),
    expires_at: z.iso.datetime(),
    mime_type: z.string(),
  })
  .meta({ id: "MediaUrl" });

export const latitudeSchema = z
  .number({ error: "latitude must be a number" })
  .min(-90, "latitude is between -90 and 90")
  .max(90, "latitude is between -90 and 90");
export const longitudeSchema = z
  .number({ error: "longitude must be a number" })
  .min(-180, "longitude is between -180 and 180")
  .max(180, "longitude is between -180 and 180");

export const locationInput = z.object({
  latitude: latitudeSchema,
  longitude: longitudeSchema,
  name: z
    .string()
    .trim()
    .max(LOCATION_NAME_MAX_LENGTH, `A place name is at most ${LOCATION_NAME_MAX_LENGTH} characters`)
    .optional()
    .meta({ description: "A place name or address, if the sender gave one" }),
});

export const locationOutput = z
  .object({
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().nullable(),
  })
  .meta({ id: "Location" });

export type MediaKind = z.infer<typeof mediaKindSchema>;
export type MediaPurpose = z.infer<typeof mediaPurposeSchema>;
export type CreateUploadInput = z.infer<typeof createUploadInput>;
export type UploadTicket = z.infer<typeof uploadTicketOutput>;
export type MediaOutput = z.infer<typeof mediaOutput>;
export type MediaUrlInput = z.infer<typeof mediaUrlInput>;
export type MediaUrl = z.infer<typeof mediaUrlOutput>;
export type LocationInput = z.infer<typeof locationInput>;
export type LocationOutput = z.infer<typeof locationOutput>;
