import { pino } from "pino";

export type Logger = pino.Logger;

export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    // Never log credentials, even by accident in a request dump.
    redact: ["req.headers.authorization", "*.password", "*.otp", "*.token"],
  });
}
