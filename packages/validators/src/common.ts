import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";

/** Database ids are positive integers (SERIAL). */
export const idSchema = z.coerce
  .number({ error: "Expected a numeric id" })
  .int("Expected a whole-number id")
  .positive("Expected a positive id")
  .max(2 ** 53 - 1, "Id is out of range");

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
        message: "Enter a valid phone number in international format, starting with + and the country code (e.g. +14155550123)",
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

export const fullNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, "Name is required")
  .max(255, "Name is at most 255 characters");

export const messageOnlyOutput = z.object({ message: z.string() });
