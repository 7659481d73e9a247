import { z } from "zod";

import { fullNameSchema, idSchema } from "./common";
import { mediaIdSchema } from "./media";

const pictureMediaId = z.uuid().nullable().meta({
  description: "A picture uploaded with media.createUpload (purpose profile_picture); fetch it with media.url",
});

/** The public face of a user: what anyone who may see them gets. */
export const userSummaryOutput = z
  .object({
    id: z.number().int(),
    phone_number: z.string(),
    full_name: z.string().nullable(),
  })
  .meta({ id: "UserSummary" });

/** Another user as the caller may see them. */
export const publicProfileOutput = userSummaryOutput
  .extend({
    profile_picture_url: z.string().nullable(),
    profile_picture_media_id: pictureMediaId,
    status_message: z.string().nullable(),
    is_online: z.boolean(),
    last_seen: z.iso.datetime().nullable(),
  })
  .meta({ id: "PublicProfile" });

export const userIdInput = z.object({ id: idSchema });

export const setOnlineInput = z.object({ is_online: z.boolean() });

export const onlineOutput = z.object({ is_online: z.boolean() });

export const lastSeenOutput = z.object({ last_seen: z.iso.datetime() });

export const visibilitySchema = z.enum(["everyone", "contacts", "nobody"], {
  error: "Choose everyone, contacts or nobody",
});

/** Who sees what of me (as in WhatsApp): "contacts" means people in my contacts. */
export const privacyOutput = z
  .object({
    last_seen: visibilitySchema.meta({ description: "Who sees your last seen and when you are online" }),
    profile_picture: visibilitySchema,
    about: visibilitySchema.meta({ description: "Who sees your status message" }),
    read_receipts: z.boolean().meta({ description: "Off: you neither send nor see blue ticks in 1:1 chats" }),
  })
  .meta({ id: "Privacy" });

export const updatePrivacyInput = privacyOutput
  .partial()
  .refine((input) => Object.values(input).some((value) => value !== undefined), {
    message: "Give at least one of last_seen, profile_picture, about or read_receipts",
  });

/** The caller's own profile. */
export const meOutput = userSummaryOutput
  .extend({
    username: z.string().nullable(),
    profile_picture_url: z.string().nullable(),
    profile_picture_media_id: pictureMediaId,
    status_message: z.string().nullable(),
    last_seen: z.iso.datetime().nullable(),
    is_online: z.boolean(),
    created_at: z.iso.datetime(),
    privacy: privacyOutput,
  })
  .meta({ id: "Me" });

const optionalUrl = z
  .url({ protocol: /^https?$/, error: "Profile picture must be an http(s) URL" })
  .max(2048, "Profile picture URL is at most 2048 characters");

export const updateMeInput = z
  .object({
    full_name: fullNameSchema.optional(),
    status_message: z.string().trim().max(139, "Status message is at most 139 characters").nullable().optional(),
    profile_picture_url: optionalUrl.nullable().optional(),
    profile_picture_media_id: mediaIdSchema
      .nullable()
      .optional()
      .meta({ description: "An upload made with purpose profile_picture; null removes the picture" }),
  })
  .strict()
  .refine((input) => Object.values(input).some((value) => value !== undefined), {
    message: "Give at least one of full_name, status_message, profile_picture_url or profile_picture_media_id",
  });

export type UserSummary = z.infer<typeof userSummaryOutput>;
export type Me = z.infer<typeof meOutput>;
export type PublicProfile = z.infer<typeof publicProfileOutput>;
export type UpdateMeInput = z.infer<typeof updateMeInput>;
export type Visibility = z.infer<typeof visibilitySchema>;
export type Privacy = z.infer<typeof privacyOutput>;
export type UpdatePrivacyInput = z.infer<typeof updatePrivacyInput>;
