import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { failOnInvalidEnv, persistentSecret } from "@parley/api";

/** The web process's own settings (the API's are in @parley/api's env). */
export function readWebServerEnv(runtimeEnv: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      HOST: z.string().default("127.0.0.1"),
      PORT: z.coerce.number().int().min(1).max(65_535).default(4000),
      DATA_DIR: z.string().default(".data"),
      DATABASE_URL: z.url().optional(),
      AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
      PUBLIC_WS_URL: z.url().optional(),
    },
    runtimeEnv,
    emptyStringAsUndefined: true,
    onValidationError: failOnInvalidEnv,
  });
}

export type WebServerEnv = ReturnType<typeof readWebServerEnv>;

/**
 * Settings the Next.js side reads from process.env (next-auth's secret, where
 * to reach the API from the server, the browser's WebSocket URL). The server
 * entry fills them in before Next starts, so zero configuration works.
 */
export function exportSettingsForNext(env: WebServerEnv, shape: "embedded" | "scaled", internalKey: string) {
  if (!env.AUTH_SECRET && shape === "scaled") {
    throw new Error("AUTH_SECRET is required when DATABASE_URL is set: every web instance must share it");
  }
  process.env.AUTH_SECRET = env.AUTH_SECRET ?? persistentSecret(env.DATA_DIR, "auth-secret");
  const apiHost = env.HOST === "0.0.0.0" || env.HOST === "::" ? "127.0.0.1" : env.HOST;
  process.env.PARLEY_INTERNAL_URL = `http://${apiHost.includes(":") ? `[${apiHost}]` : apiHost}:${env.PORT}`;
  if (env.PUBLIC_WS_URL) process.env.PUBLIC_WS_URL = env.PUBLIC_WS_URL;
  process.env.PARLEY_INTERNAL_KEY = internalKey;
}
