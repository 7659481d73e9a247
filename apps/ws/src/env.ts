import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { failOnInvalidEnv } from "@parley/api";

export function readWsEnv(runtimeEnv: Record<string, string | undefined> = process.env) {
  return createEnv({
    server: {
      DATABASE_URL: z.url({
        error:
          "apps/ws serves the scaled shape and needs DATABASE_URL and REDIS_URL. In the embedded shape the web process answers WebSockets itself (pnpm start).",
      }),
      WS_HOST: z.string().default("127.0.0.1"),
      WS_PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
      WS_PATH: z.string().startsWith("/").default("/ws"),
      // How long clients get to move to another instance on shutdown.
      WS_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
    },
    runtimeEnv,
    emptyStringAsUndefined: true,
    onValidationError: failOnInvalidEnv,
  });
}
