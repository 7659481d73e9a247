import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";

/** PostgreSQL `integer`: users, chats, groups and per-conversation seqs are int4 columns. */
export const INT4_MAX = 2 ** 31 - 1;

/**
 * REST path and query parameters arrive as text: a plain decimal string becomes its number, and
 * nothing else is coerced (`true`, `""`, `"1e3"`, `" 5"` and `null` stay what they are and fail).
 */
const fromDecimalString = (value: unknown) =>
  typeof value === "string" && /^-?\d{1,20}$/.test(value) ? Number(value) : value;

/** A whole number within the range of the column it is compared with, so no value PostgreSQL can't hold gets that far. */
export function wholeNumberSchema(options: { min: number; max: number; name?: string; minMessage?: string }) {
  const what = options.name ?? "a whole number";
  return z.preprocess<number, z.ZodNumber, number>(
    fromDecimalString as (value: number) => number,
    z
      .number({ error: `Expected ${what}` })
      .int(`Expected ${what}`)
      .min(
        options.min,
        options.minMessage ??
          (options.min === 1 ? `Expected a positive ${options.name ?? "number"}` : `Expected at least ${options.min}`),
      )
      .max(options.max, `Out of range: at most ${options.max}`),
  );
}

/** Ids of users, chats and groups (SERIAL, int4). */
export const idSchema = wholeNumberSchema({ min: 1, max: INT4_MAX, name: "id" });

/** Ids of messages (BIGSERIAL): as far as a JavaScript number is exact. */
export const messageIdSchema = wholeNumberSchema({ min: 1, max: Number.MAX_SAFE_INTEGER, name: "message id" });

/** A position in a conversation (int4), 1 for the first message. */
export const seqSchema = wholeNumberSchema({ min: 1, max: INT4_MAX, name: "seq" });

/** A page size. */
export const pageLimitSchema = (max: number, fallback: number) =>
  wholeNumberSchema({ min: 1, max, name: "limit" })
    .default(fallback)
    .meta({ description: `How many to answer: 1 to ${max}, ${fallback} if not given` });

/** Query booleans: exactly `true` or `false` (a bare `z.coerce.boolean()` reads "false" as true). */
export const booleanSchema = z.preprocess<boolean, z.ZodBoolean, boolean>(
  ((value: unknown) => (value === "true" ? true : value === "false" ? false : value)) as (value: boolean) => boolean,
  z.boolean({ error: "Expected true or false" }),
);

// Format characters (zero-width spaces and joiners, bidi controls), default-ignorables and spaces.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}\p{White_Space}\p{Cc}]/gu;

/** True if a name shows nothing: empty, or only spaces and invisible characters. */
export function isInvisibleText(value: string): boolean {
  return value.replace(INVISIBLE, "").length === 0;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** NUL or a lone surrogate: text PostgreSQL refuses (and that no keyboard types). */
export function findMalformedText(value: string): string | null {
  if (value.includes("\u0000")) return "contains a NUL character";
  if (LONE_SURROGATE.test(value)) return "contains an unpaired surrogate (invalid Unicode)";
  return null;
}

/** A name people see: a person's, a contact's or a group's. */
export function displayNameSchema(options: { label: string; max: number }) {
  return z
    .string({ error: `${options.label} is required` })
    .trim()
    .min(1, `${options.label} is required`)
    .max(options.max, `${options.label} is at most ${options.max} characters`)
    .refine((value) => !isInvisibleText(value), `${options.label} must have visible characters`);
}

/**
 * A phone number in E.164. Accepts what people type ("+44 7700 900123") and
 * normalises it, so one person is one row whatever the spacing.
 */
export const phoneNumberSchema = z
  .string({ error: "Phone number is required" })
  .trim()
  .min(1, "Phone number is required")
  .max(32, "Phone number is too long")
  .transform((value, ctx) => {
    const parsed = value.startsWith("+") ? parsePhoneNumberFromString(value) : undefined;
    if (!parsed?.isValid()) {
      ctx.addIssue({
        code: "custom",
        message:
          "Enter a valid phone number in international format, starting with + and the country code (e.g. +14155550123)",
      });
      return z.NEVER;
    }
    return parsed.number;
  })
  .meta({ description: "Phone number in E.164 format", example: "+14155550123" });

/** Normalises a phone number the way `phoneNumberSchema` does, or returns null. */
export function normalizePhoneNumber(value: string): string | null {
  const result = phoneNumberSchema.safeParse(value);
  return result.success ? result.data : null;
}

export const otpSchema = z
  .string({ error: "Code is required" })
  .trim()
  .regex(/^\d{6}$/, "The code is the 6 digits we sent by SMS")
  .meta({ description: "6-digit one-time code sent by SMS", example: "123456" });

// 8 characters is NIST SP 800-63B's minimum; the upper bound keeps argon2 input bounded.
export const passwordSchema = z
  .string({ error: "Password is required" })
  .min(8, "Use at least 8 characters for your password")
  .max(128, "Use at most 128 characters for your password");

export const fullNameSchema = displayNameSchema({ label: "Name", max: 255 });

/** The header the web process's own server-side calls to its API carry, with the key it started with. */
export const INTERNAL_CALLER_HEADER = "x-parley-internal";

export const messageOnlyOutput = z.object({ message: z.string() });
