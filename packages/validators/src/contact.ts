import { z } from "zod";

import { fullNameSchema, idSchema, phoneNumberSchema } from "./common";
import { publicProfileOutput, userSummaryOutput } from "./user";

export const blockInput = z.object({ user_id: idSchema });

export const blockedUserOutput = userSummaryOutput.extend({ blocked_at: z.iso.datetime() }).meta({ id: "BlockedUser" });

export const blockedListOutput = z.object({ blocked: z.array(blockedUserOutput) });

/** An address book holds a few thousand numbers at most; more in one request is not a phone's. */
export const CONTACT_IMPORT_MAX = 5000;

const contactName = fullNameSchema.meta({
  description: "The name you gave this contact (shown instead of theirs, to you only)",
});

export const addContactInput = z.object({ phone_number: phoneNumberSchema, name: contactName });

export const contactPhoneInput = z.object({ phone_number: phoneNumberSchema });

export const updateContactInput = z.object({ phone_number: phoneNumberSchema, name: contactName });

export const contactOutput = z
  .object({
    phone_number: z.string(),
    name: z.string(),
    user: publicProfileOutput
      .nullable()
      .meta({ description: "Their Parley profile as you may see it; null: not on Parley" }),
    is_blocked: z.boolean(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: "Contact" });

export const contactListOutput = z.object({ contacts: z.array(contactOutput) });

export const importContactsInput = z.object({
  contacts: z
    .array(z.object({ phone_number: z.string().max(64), name: contactName }))
    .min(1, "Give at least one contact")
    .max(CONTACT_IMPORT_MAX, `Import at most ${CONTACT_IMPORT_MAX} contacts at once`),
});

export const importContactsOutput = z.object({
  imported: z.number().int().meta({ description: "Contacts added or renamed" }),
  on_parley: z.array(contactOutput).meta({ description: "The imported contacts who are on Parley" }),
  invalid: z.array(z.string()).meta({ description: "Entries whose phone number isn't a valid number (skipped)" }),
});

export type ContactOutput = z.infer<typeof contactOutput>;
export type ImportContactsInput = z.infer<typeof importContactsInput>;
