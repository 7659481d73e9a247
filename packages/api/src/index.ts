export { appRouter, createCaller, type AppRouter } from "./root";
export { createContext, bearerToken, type Context } from "./trpc";
export { createRuntime, type Deps, type Runtime } from "./runtime";
export { startMaintenance } from "./maintenance";
export {
  ConfigError,
  buildServerConfig,
  failOnInvalidEnv,
  persistentSecret,
  parseOtpTestNumbers,
  type ServerConfig,
} from "./config";
export { readServerEnv, type ServerEnv } from "./env";
export { createLogger, type Logger } from "./logger";
export { createOpenApiDocument } from "./openapi";
export { answerClientError, createApiHttpHandler, checkHealth, handleHealth, MAX_BODY_BYTES } from "./transport/http";
export { createWebSocketEndpoint, type WebSocketEndpoint } from "./transport/ws";
export type { SmsSender } from "./services/sms";
