import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { GROUP_MAX_MEMBERS } from "@parley/validators";

import { failOnInvalidEnv } from "./config";

const booleanString = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((value) => value === "true" || value === "1");

/**
 * Server configuration shared by every process that runs the API (web, ws).
 * Read once at start; invalid configuration stops the process with a message.
 */
export function readServerEnv(runtimeEnv: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
      LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      DATABASE_URL: z.url().optional(),
      DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
      REDIS_URL: z.url().optional(),
      REDIS_KEY_PREFIX: z.string().default("parley:"),
      DATA_DIR: z.string().default(".data"),
      JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 characters").optional(),
      SESSION_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
      SMS_PROVIDER: z.enum(["console", "twilio"]).default("console"),
      TWILIO_ACCOUNT_SID: z.string().optional(),
      TWILIO_AUTH_TOKEN: z.string().optional(),
      TWILIO_FROM_NUMBER: z.string().optional(),
      TWILIO_API_URL: z.url().default("https://api.twilio.com"),
      OTP_TEST_NUMBERS: z.string().optional(),
      // WhatsApp lets senders delete for everyone for about 60 hours.
      DELETE_FOR_EVERYONE_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 365).default(60),
      // A live reader further behind than this (bytes queued on its socket) is dropped and resumes from its last id.
      WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(16 * 1024).default(4 * 1024 * 1024),
      // How long the durable event log keeps events for clients to resume from.
      EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
      // Members per group, the creator included (the spec's and WhatsApp's 256 is the ceiling).
      GROUP_MAX_MEMBERS: z.coerce.number().int().min(2).max(GROUP_MAX_MEMBERS).default(GROUP_MAX_MEMBERS),
      OTP_TEST_NUMBERS_IN_PRODUCTION: booleanString,
    },
    runtimeEnv,
    emptyStringAsUndefined: true,
    onValidationError: failOnInvalidEnv,
  });
}

export type ServerEnv = ReturnType<typeof readServerEnv>;
