import { z } from "zod";

import { fullNameSchema, otpSchema, passwordSchema, phoneNumberSchema } from "./common";
import { userSummaryOutput } from "./user";

export const registerInput = z.object({
  phone_number: phoneNumberSchema,
  full_name: fullNameSchema,
});

export const otpSentOutput = z
  .object({
    message: z.string(),
    otp_expires_in: z.number().int().meta({ description: "Seconds until the code expires" }),
  })
  .meta({ id: "CodeSent" });

export const verifyOtpInput = z.object({
  phone_number: phoneNumberSchema,
  otp: otpSchema,
  password: passwordSchema,
});

export const loginInput = z.object({
  phone_number: phoneNumberSchema,
  password: z.string({ error: "Password is required" }).min(1, "Password is required").max(128, "Password is too long"),
});

export const authOutput = z
  .object({
    user: userSummaryOutput,
    token: z.string().meta({ description: "Bearer token for the Authorization header and WebSocket connectionParams" }),
  })
  .meta({ id: "AuthSession" });

export const requestPasswordResetInput = z.object({
  phone_number: phoneNumberSchema,
});

export const resetPasswordInput = verifyOtpInput;

export const logoutInput = z
  .object({
    all_devices: z.boolean().optional().meta({ description: "Also end every other session of this account" }),
  })
  .optional();

export type RegisterInput = z.infer<typeof registerInput>;
export type VerifyOtpInput = z.infer<typeof verifyOtpInput>;
export type LoginInput = z.infer<typeof loginInput>;
export type AuthOutput = z.infer<typeof authOutput>;
