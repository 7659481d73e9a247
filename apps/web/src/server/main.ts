import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

import next from "next";

import { createApiHttpHandler, createRuntime, createWebSocketEndpoint, startMaintenance } from "@parley/api";

import { exportSettingsForNext, readWebServerEnv } from "./env";

/**
 * The web process: the API (tRPC, REST, OpenAPI, health) and the Next.js app
 * on one port. In the embedded shape it also answers WebSocket upgrades on
 * /ws, because PGlite is one in-process database and cannot be shared with a
 * separate ws process.
 */
export async function startWebServer(options: { dev: boolean; dir: string }) {
  let env;
  let runtime;
  try {
    env = readWebServerEnv();
    runtime = await createRuntime({ name: "web" });
    exportSettingsForNext(env, runtime.config.shape);
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
  const handleApi = createApiHttpHandler(runtime, { passThroughPrefixes: ["/api/nextauth/"] });
  const ws = runtime.config.shape === "embedded" ? createWebSocketEndpoint(runtime, { path: "/ws" }) : null;
  const stopMaintenance = startMaintenance(runtime);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
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
