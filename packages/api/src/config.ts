import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { DEFAULT_ALLOWED_MEDIA_TYPES, type MediaKind } from "@parley/validators";

import { ConfigError, type ServerEnv } from "./env";

export type OtpTestNumber = { prefix: string; exact: boolean; code: string };

export type AuthConfig = {
  jwtSecret: Uint8Array;
  sessionTtlSeconds: number;
  otpTestNumbers: OtpTestNumber[];
};

export type MessagingConfig = {
  deleteForEveryoneWindowSeconds: number;
  eventRetentionDays: number;
  maxBufferedBytes: number;
  groupMaxMembers: number;
  editWindowSeconds: number;
  forwardMaxMessages: number;
  forwardMaxChats: number;
};

export type MediaConfig = {
  maxBytes: number;
  /** Per kind: the MIME types a file of that kind may turn out to be (sniffed). */
  allowedTypes: Record<MediaKind, readonly string[]>;
  uploadsPerHour: number;
  urlTtlSeconds: number;
  uploadUrlTtlSeconds: number;
  unsentTtlSeconds: number;
  ffmpegPath: string | null;
};

/** Every limit but those fixed by the product (OTP tries, login failures per number). */
export type LimitsConfig = {
  trustProxyHops: number;
  requestsPerMinute: number;
  messagesPerMinute: number;
  otpPerHourPerIp: number;
  otpPerHourPerPrefix: number;
  loginFailuresPerIp: number;
  contactImportsPerDay: number;
  wsCallsPerSecond: number;
  wsSocketsPerSession: number;
};

export type ServerConfig = {
  env: ServerEnv;
  shape: "embedded" | "scaled";
  auth: AuthConfig;
  messaging: MessagingConfig;
  media: MediaConfig;
  limits: LimitsConfig;
};

/**
 * `+14155550100:123456` gives that number a fixed code; `+1415555*:123456`
 * gives every number starting with +1415555 one (handy for test suites that
 * make fresh users per test). Firebase's test-number convention.
 */
export function parseOtpTestNumbers(value: string | undefined): OtpTestNumber[] {
  if (!value) return [];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const match = /^(\+\d{4,15})(\*?):(\d{6})$/.exec(entry);
      if (!match?.[1] || !match[3]) {
        throw new ConfigError(
          `OTP_TEST_NUMBERS entry "${entry}" must look like +14155550100:123456 or +1415555*:123456`,
        );
      }
      return { prefix: match[1], exact: match[2] !== "*", code: match[3] };
    });
}

/** MEDIA_ALLOWED_TYPES narrows (or widens) the defaults; each type lands under the kind its top-level type names. */
export function parseAllowedMediaTypes(value: string | undefined): Record<MediaKind, readonly string[]> {
  if (!value) return DEFAULT_ALLOWED_MEDIA_TYPES;
  const types = value
    .split(",")
    .map((type) => type.trim().toLowerCase())
    .filter(Boolean);
  const byKind: Record<MediaKind, string[]> = { image: [], video: [], audio: [], document: [] };
  for (const type of types) {
    if (!/^[a-z0-9][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/.test(type)) {
      throw new ConfigError(`MEDIA_ALLOWED_TYPES entry "${type}" must be a MIME type such as image/jpeg`);
    }
    const top = type.split("/")[0];
    byKind[top === "image" || top === "video" || top === "audio" ? top : "document"].push(type);
  }
  return byKind;
}

/** Embedded installs get a random secret on first start, kept in the data dir. */
export function persistentSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

export function buildServerConfig(env: ServerEnv): ServerConfig {
  const shape = env.DATABASE_URL ? "scaled" : "embedded";
  if (shape === "scaled" && !env.REDIS_URL) {
    throw new ConfigError(
      "REDIS_URL is required when DATABASE_URL is set (the scaled shape shares state through Redis)",
    );
  }
  if (shape === "scaled" && !env.JWT_SECRET) {
    throw new ConfigError(
      "JWT_SECRET is required when DATABASE_URL is set: every instance must sign with the same key",
    );
  }
  const otpTestNumbers = parseOtpTestNumbers(env.OTP_TEST_NUMBERS);
  if (otpTestNumbers.length > 0 && env.NODE_ENV === "production" && !env.OTP_TEST_NUMBERS_IN_PRODUCTION) {
    throw new ConfigError(
      "OTP_TEST_NUMBERS is set in production: anyone could sign in as those numbers. Remove it, or set OTP_TEST_NUMBERS_IN_PRODUCTION=true if you really mean it",
    );
  }
  if (env.SMS_PROVIDER === "twilio" && !(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER)) {
    throw new ConfigError("SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER");
  }
  if (env.MEDIA_STORAGE === "s3" && !env.S3_BUCKET) {
    throw new ConfigError("MEDIA_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT for MinIO, R2 or another non-AWS store)");
  }
  const jwtSecret = env.JWT_SECRET ?? persistentSecret(env.DATA_DIR, "jwt-secret");
  return {
    env,
    shape,
    auth: {
      jwtSecret: new TextEncoder().encode(jwtSecret),
      sessionTtlSeconds: env.SESSION_TTL_DAYS * 24 * 60 * 60,
      otpTestNumbers,
    },
    messaging: {
      deleteForEveryoneWindowSeconds: env.DELETE_FOR_EVERYONE_WINDOW_HOURS * 60 * 60,
      eventRetentionDays: env.EVENT_RETENTION_DAYS,
      maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      groupMaxMembers: env.GROUP_MAX_MEMBERS,
      editWindowSeconds: env.MESSAGE_EDIT_WINDOW_MINUTES * 60,
      forwardMaxMessages: env.FORWARD_MAX_MESSAGES,
      forwardMaxChats: env.FORWARD_MAX_CHATS,
    },
    media: {
      maxBytes: env.MEDIA_MAX_BYTES,
      allowedTypes: parseAllowedMediaTypes(env.MEDIA_ALLOWED_TYPES),
      uploadsPerHour: env.MEDIA_UPLOADS_PER_HOUR,
      urlTtlSeconds: env.MEDIA_URL_TTL_SECONDS,
      uploadUrlTtlSeconds: env.MEDIA_UPLOAD_URL_TTL_SECONDS,
      unsentTtlSeconds: Math.round(env.MEDIA_UNSENT_TTL_HOURS * 3600),
      ffmpegPath: env.FFMPEG_PATH ?? null,
    },
    limits: {
      trustProxyHops: env.TRUST_PROXY_HOPS,
      requestsPerMinute: env.RATE_LIMIT_REQUESTS_PER_MINUTE,
      messagesPerMinute: env.RATE_LIMIT_MESSAGES_PER_MINUTE,
      otpPerHourPerIp: env.RATE_LIMIT_OTP_PER_HOUR_PER_IP,
      otpPerHourPerPrefix: env.RATE_LIMIT_OTP_PER_HOUR_PER_PREFIX,
      loginFailuresPerIp: env.RATE_LIMIT_LOGIN_FAILURES_PER_IP,
      contactImportsPerDay: env.RATE_LIMIT_CONTACT_IMPORTS_PER_DAY,
      wsCallsPerSecond: env.WS_CALLS_PER_SECOND,
      wsSocketsPerSession: env.WS_SOCKETS_PER_SESSION,
    },
  };
}
