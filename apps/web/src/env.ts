import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

/**
 * Settings the Next.js side reads. The server entry (src/server/main.ts) fills
 * in PARLEY_INTERNAL_URL, PARLEY_INTERNAL_KEY and AUTH_SECRET before Next starts.
 */
export const env = createEnv({
  server: {
    PARLEY_INTERNAL_URL: z.url(),
    // Proves Next's own calls to the API (next-auth's session checks) are this process's, not a client's.
    PARLEY_INTERNAL_KEY: z.string().min(32),
    AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters"),
    PUBLIC_WS_URL: z.url().optional(),
    SMS_PROVIDER: z.enum(["console", "twilio"]).default("console"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
  // `next build` imports every route to collect its config, long before the
  // server entry has set these; they are validated when the server starts.
  skipValidation: process.env.NEXT_PHASE === "phase-production-build",
});
