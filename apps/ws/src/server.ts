import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import {
  answerClientError,
  createRuntime,
  createWebSocketEndpoint,
  handleHealth,
  type Runtime,
  startMaintenance,
} from "@parley/api";

import { readWsEnv } from "./env";

export type WsServer = {
  url: string;
  runtime: Runtime;
  /** Graceful: tells clients to reconnect elsewhere, then closes. */
  shutdown(): Promise<void>;
  /** Abrupt: drops every socket without a word, like a crashed process (fault tests). */
  crash(): Promise<void>;
};

/**
 * The standalone tRPC WebSocket server of the scaled shape: every router over
 * one socket per client, authenticated by connectionParams. Any number of
 * these run behind a load balancer on shared PostgreSQL and Redis.
 */
export async function startWsServer(envSource?: Record<string, string | undefined>): Promise<WsServer> {
  const env = readWsEnv(envSource);
  const runtime = await createRuntime({ name: "ws", env: envSource });
  const server = createServer((req, res) => {
    if (req.url === "/healthz") {
      void handleHealth(runtime, res, { connections: endpoint.wss.clients.size });
      return;
    }
    res.statusCode = 426;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ code: "UPGRADE_REQUIRED", message: `Connect with WebSocket to ${env.WS_PATH}` }));
  });
  server.on("clientError", answerClientError);
  const endpoint = createWebSocketEndpoint(runtime, { path: env.WS_PATH, server });
  const stopMaintenance = startMaintenance(runtime);
  await new Promise<void>((resolve) => server.listen(env.WS_PORT, env.WS_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  const url = `ws://${env.WS_HOST}:${port}${env.WS_PATH}`;
  runtime.log.info({ url }, "ws server listening");

  let stopPromise: Promise<void> | undefined;
  const stop = (closeSockets: () => Promise<void>) =>
    (stopPromise ??= (async () => {
      stopMaintenance();
      server.close();
      await closeSockets();
      server.closeAllConnections();
      await runtime.close();
    })());
  return {
    url,
    runtime,
    shutdown: () => stop(() => endpoint.shutdown({ graceMs: env.WS_SHUTDOWN_GRACE_MS })),
    crash: () => stop(() => endpoint.terminate()),
  };
}
