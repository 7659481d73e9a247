import { join } from "node:path";

import { type Database, type DatabaseHandle, openDatabase } from "@parley/db";
import {
  createMemoryBus,
  createMemoryInbox,
  createMemoryPresence,
  createMemoryStore,
  createRedisBus,
  createRedisInbox,
  createRedisPresence,
  createRedisStore,
  type EphemeralStore,
  type EventBus,
  type Inbox,
  type Presence,
} from "@parley/realtime";

import { buildServerConfig, type ServerConfig } from "./config";
import { readServerEnv } from "./env";
import { createLogger, type Logger } from "./logger";
import { createLocalStorage } from "./services/media/local-storage";
import { createS3Storage } from "./services/media/s3-storage";
import type { MediaStorage } from "./services/media/storage";
import { createLogNotifier, type Notifier } from "./services/notifier";
import { createConsoleSmsSender, createTwilioSmsSender, type SmsSender } from "./services/sms";

/**
 * Everything a service needs, chosen once at start by the runtime shape:
 * PGlite + in-memory state (embedded) or PostgreSQL + Redis (scaled).
 */
export type Runtime = {
  config: ServerConfig;
  db: Database;
  database: DatabaseHandle;
  store: EphemeralStore;
  bus: EventBus;
  inbox: Inbox;
  presence: Presence;
  /** Where uploaded files live: local disk (served by the app) or S3. */
  media: MediaStorage;
  notifier: Notifier;
  sms: SmsSender;
  log: Logger;
  close(): Promise<void>;
};

/** The parts of a runtime the services use; tests build one directly. */
export type Deps = Pick<
  Runtime,
  "db" | "store" | "bus" | "inbox" | "presence" | "media" | "notifier" | "sms" | "log"
> & {
  config: Pick<ServerConfig, "auth" | "messaging" | "media" | "limits">;
};

/** The configured media store: S3 (any compatible service) or files under MEDIA_DIR. */
export function createMediaStorage(config: ServerConfig): MediaStorage {
  const { env } = config;
  if (env.MEDIA_STORAGE === "s3" && env.S3_BUCKET) {
    return createS3Storage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  return createLocalStorage({ dir: env.MEDIA_DIR ?? join(env.DATA_DIR, "media"), secret: config.auth.jwtSecret });
}

/** Redis-backed realtime parts (scaled) or in-process ones (embedded). */
export function createRealtime(
  redis: { url: string; keyPrefix: string } | null,
): Pick<Runtime, "store" | "bus" | "inbox" | "presence"> {
  if (!redis) {
    return {
      store: createMemoryStore(),
      bus: createMemoryBus(),
      inbox: createMemoryInbox(),
      presence: createMemoryPresence(),
    };
  }
  return {
    store: createRedisStore(redis),
    bus: createRedisBus({ url: redis.url, channelPrefix: redis.keyPrefix }),
    inbox: createRedisInbox(redis),
    presence: createRedisPresence(redis),
  };
}

export async function createRuntime(options: {
  name: string;
  env?: Record<string, string | undefined>;
  migrate?: boolean;
}): Promise<Runtime> {
  const config = buildServerConfig(readServerEnv(options.env));
  const { env } = config;
  const log = createLogger({ name: options.name, level: env.LOG_LEVEL });

  const database = env.DATABASE_URL
    ? await openDatabase({ kind: "postgres", url: env.DATABASE_URL, maxConnections: env.DATABASE_POOL_SIZE })
    : await openDatabase({ kind: "pglite", dataDir: join(env.DATA_DIR, "pglite") });
  if (options.migrate ?? true) await database.migrate();

  const realtime = createRealtime(env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX } : null);

  const sms =
    env.SMS_PROVIDER === "twilio" && env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER
      ? createTwilioSmsSender({
          accountSid: env.TWILIO_ACCOUNT_SID,
          authToken: env.TWILIO_AUTH_TOKEN,
          from: env.TWILIO_FROM_NUMBER,
          apiUrl: env.TWILIO_API_URL,
        })
      : createConsoleSmsSender(log);

  const media = createMediaStorage(config);
  if (config.shape === "scaled" && media.driver === "local") {
    log.warn(
      "MEDIA_STORAGE=local with several instances needs MEDIA_DIR on storage they all share; S3 is the usual choice",
    );
  }

  log.info(
    { shape: config.shape, database: database.kind, store: env.REDIS_URL ? "redis" : "memory", media: media.driver },
    "runtime ready",
  );

  return {
    config,
    db: database.db,
    database,
    ...realtime,
    media,
    notifier: createLogNotifier(log),
    sms,
    log,
    close: async () => {
      await closeRealtime(realtime);
      await media.close();
      await database.close();
    },
  };
}

export async function closeRealtime(parts: Pick<Runtime, "store" | "bus" | "inbox" | "presence">): Promise<void> {
  await Promise.all([parts.store.close(), parts.bus.close(), parts.inbox.close(), parts.presence.close()]);
}
