import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import {
  EDIT_WINDOW_MINUTES,
  FORWARD_DEFAULT_MAX_CHATS,
  FORWARD_DEFAULT_MAX_MESSAGES,
  FORWARD_MAX_CHATS,
  FORWARD_MAX_MESSAGES,
  GROUP_MAX_MEMBERS,
  MEDIA_MAX_BYTES,
} from "@parley/validators";

/** Configuration a process can't start with: a variable its schema rejects, or a combination config.ts does. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type EnvIssue = { message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> };

/** For createEnv's onValidationError: one readable line per bad variable, instead of a console dump. */
export function failOnInvalidEnv(issues: readonly EnvIssue[]): never {
  const lines = issues.map((issue) => {
    const name = issue.path?.map((part) => String(typeof part === "object" ? part.key : part)).join(".");
    return name ? `${name}: ${issue.message}` : issue.message;
  });
  throw new ConfigError(`Invalid configuration. ${lines.join("; ")}`);
}

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
      DELETE_FOR_EVERYONE_WINDOW_HOURS: z.coerce
        .number()
        .min(0)
        .max(24 * 365)
        .default(60),
      // A live reader further behind than this (bytes queued on its socket) is dropped and resumes from its last id.
      WS_MAX_BUFFERED_BYTES: z.coerce
        .number()
        .int()
        .min(16 * 1024)
        .default(4 * 1024 * 1024),
      // How long the durable event log keeps events for clients to resume from.
      EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
      // Members per group, the creator included (the spec's and WhatsApp's 256 is the ceiling).
      GROUP_MAX_MEMBERS: z.coerce.number().int().min(2).max(GROUP_MAX_MEMBERS).default(GROUP_MAX_MEMBERS),
      OTP_TEST_NUMBERS_IN_PRODUCTION: booleanString,
      // WhatsApp lets senders edit a text message for 15 minutes.
      MESSAGE_EDIT_WINDOW_MINUTES: z.coerce
        .number()
        .min(0)
        .max(7 * 24 * 60)
        .default(EDIT_WINDOW_MINUTES),
      // One forward: at most this many messages, to at most this many chats (WhatsApp: 5 chats).
      FORWARD_MAX_MESSAGES: z.coerce
        .number()
        .int()
        .min(1)
        .max(FORWARD_MAX_MESSAGES)
        .default(FORWARD_DEFAULT_MAX_MESSAGES),
      FORWARD_MAX_CHATS: z.coerce.number().int().min(1).max(FORWARD_MAX_CHATS).default(FORWARD_DEFAULT_MAX_CHATS),
      // Where uploads live: local disk under MEDIA_DIR (served by the app), or an S3-compatible store.
      MEDIA_STORAGE: z.enum(["local", "s3"]).default("local"),
      MEDIA_DIR: z.string().optional(),
      S3_BUCKET: z.string().optional(),
      S3_REGION: z.string().default("us-east-1"),
      // For MinIO, R2 and other S3 look-alikes; unset means AWS.
      S3_ENDPOINT: z.url().optional(),
      S3_ACCESS_KEY_ID: z.string().optional(),
      S3_SECRET_ACCESS_KEY: z.string().optional(),
      S3_FORCE_PATH_STYLE: booleanString,
      // The spec's 16 MB per file.
      MEDIA_MAX_BYTES: z.coerce
        .number()
        .int()
        .min(1024)
        .max(2 ** 31 - 1)
        .default(MEDIA_MAX_BYTES),
      // Comma-separated MIME types replacing the defaults (DEFAULT_ALLOWED_MEDIA_TYPES), e.g. image/jpeg,image/png,video/mp4.
      MEDIA_ALLOWED_TYPES: z.string().optional(),
      // The spec's 10 uploads per hour per user.
      MEDIA_UPLOADS_PER_HOUR: z.coerce.number().int().min(1).default(10),
      // How long a signed download URL works; short, so a URL kept after losing access soon gives nothing.
      MEDIA_URL_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(10)
        .max(7 * 24 * 3600)
        .default(300),
      MEDIA_UPLOAD_URL_TTL_SECONDS: z.coerce
        .number()
        .int()
        .min(10)
        .max(24 * 3600)
        .default(900),
      // Uploads never sent in a message (and files no message carries any more) are deleted after this.
      MEDIA_UNSENT_TTL_HOURS: z.coerce
        .number()
        .min(0.01)
        .max(24 * 365)
        .default(24),
      // Video posters need ffmpeg; unset means "ffmpeg" on PATH, if it is there.
      FFMPEG_PATH: z.string().optional(),
      // How many reverse proxies in front of us append to X-Forwarded-For; 0 means the header is ignored
      // (anybody can send one), and the client is the socket's peer.
      TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
      // The spec's limits: requests per client IP (each call of a tRPC batch counts) and messages per user.
      RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).default(100),
      RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(100),
      // SMS pumping: codes sent per client IP, and per block of 1,000 numbers (all but the last 3 digits).
      RATE_LIMIT_OTP_PER_HOUR_PER_IP: z.coerce.number().int().min(1).default(5),
      RATE_LIMIT_OTP_PER_HOUR_PER_PREFIX: z.coerce.number().int().min(1).default(10),
      // Wrong passwords per client IP (per number it is 10 per 15 minutes).
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
      RATE_LIMIT_CONTACT_IMPORTS_PER_DAY: z.coerce.number().int().min(1).default(20),
      // One WebSocket: calls per second, and sockets one session may hold open at once (tabs, devices).
      WS_CALLS_PER_SECOND: z.coerce.number().int().min(1).default(30),
      WS_SOCKETS_PER_SESSION: z.coerce.number().int().min(1).default(10),
    },
    runtimeEnv,
    emptyStringAsUndefined: true,
    onValidationError: failOnInvalidEnv,
  });
}

export type ServerEnv = ReturnType<typeof readServerEnv>;
