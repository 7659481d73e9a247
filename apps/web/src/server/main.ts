import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

import next from "next";

import {
  answerClientError,
  createApiHttpHandler,
  createRuntime,
  createWebSocketEndpoint,
  startMaintenance,
} from "@parley/api";

import { AUTH_BASE_PATH } from "../lib/auth-base-path";
import { exportSettingsForNext, readWebServerEnv } from "./env";
import {
  buildSecurityHeaders,
  buildSecuritySettings,
  createNonce,
  isSecureRequest,
  normalizeForwardedHeaders,
  type ResponseKind,
  type SecuritySettings,
} from "./security-headers";

/**
 * The web process: the API (tRPC, REST, OpenAPI, health) and the Next.js app
 * on one port. In the embedded shape it also answers WebSocket upgrades on
 * /ws, because PGlite is one in-process database and cannot be shared with a
 * separate ws process.
 */
export async function startWebServer(options: { dev: boolean; dir: string }) {
  // Next and the API share this process: a key made at start lets Next's own calls prove it.
  const internalKey = randomBytes(32).toString("base64url");
  let env;
  let runtime;
  try {
    env = readWebServerEnv();
    runtime = await createRuntime({ name: "web" });
    exportSettingsForNext(env, runtime.config.shape, internalKey);
  } catch (error) {
    if (error instanceof Error) {
      process.stderr.write(`Parley cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { log } = runtime;

  const app = next({ dev: options.dev, dir: options.dir, hostname: env.HOST, port: env.PORT });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const handleApi = createApiHttpHandler(runtime, { passThroughPrefixes: [NEXT_AUTH_PREFIX], internalKey });
  const security = buildSecuritySettings(runtime.config.env, env, options.dev);
  const ws = runtime.config.shape === "embedded" ? createWebSocketEndpoint(runtime, { path: "/ws" }) : null;
  const stopMaintenance = startMaintenance(runtime);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    secureResponse(req, res, security);
    handleApi(req, res)
      .then((handled) => (handled ? undefined : handleNext(req, res)))
      .catch((error: unknown) => {
        log.error({ err: error, url: req.url }, "unhandled request error");
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side." }));
        }
      });
  });
  const nextUpgrade = options.dev ? app.getUpgradeHandler() : null;
  server.on("upgrade", (req, socket, head) => {
    if (ws?.handleUpgrade(req, socket, head)) return;
    if (nextUpgrade) void nextUpgrade(req, socket, head);
    else socket.destroy();
  });

  server.on("clientError", answerClientError);
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const url = `http://${env.HOST.includes(":") ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
  log.info({ url, shape: runtime.config.shape }, "web server listening");
  process.stdout.write(`\nParley is running at ${url}  (${runtime.config.shape} shape)\n\n`);

  let isShuttingDown = false;
  const shutdown = async (signal: string) => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    log.info({ signal }, "shutting down");
    stopMaintenance();
    server.close();
    await ws?.shutdown();
    server.closeAllConnections();
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  return { server, runtime, url };
}

const NEXT_AUTH_PREFIX = `${AUTH_BASE_PATH}/`;

/** The paths createApiHttpHandler answers; everything else goes to Next. */
function responseKind(req: IncomingMessage): ResponseKind {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  return path === "/healthz" || (path.startsWith("/api/") && !path.startsWith(NEXT_AUTH_PREFIX)) ? "api" : "page";
}

/**
 * The security headers of every response, set before any handler runs so that one may replace
 * them (the local media driver's sandbox policy, an HTML page under /api with its own). A page's
 * nonce also goes on the request's own Content-Security-Policy header: that is where Next reads
 * it to put on the scripts it renders.
 */
function secureResponse(req: IncomingMessage, res: ServerResponse, security: SecuritySettings) {
  const isSecure = isSecureRequest(req, security.trustProxyHops);
  const kind = responseKind(req);
  const headers = buildSecurityHeaders(security, { kind, nonce: kind === "page" ? createNonce() : null, isSecure });
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (kind === "page") {
    normalizeForwardedHeaders(req, isSecure, security.trustProxyHops);
    req.headers["content-security-policy"] = headers["content-security-policy"];
  }
}
