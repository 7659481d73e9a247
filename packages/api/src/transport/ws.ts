import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";

import { appRouter } from "../root";
import type { Runtime } from "../runtime";
import { createContext } from "../trpc";
import { clientInfo } from "./client-info";

export const WS_MAX_PAYLOAD_BYTES = 1024 * 1024;

export type WebSocketEndpoint = {
  wss: WebSocketServer;
  /** Handles an HTTP upgrade; false if the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Tells every client to reconnect (elsewhere), then closes. */
  shutdown(options?: { graceMs?: number }): Promise<void>;
  /** Drops every connection at once, as a crash would (for fault tests). */
  terminate(): Promise<void>;
};

function tokenFrom(connectionParams: Record<string, string | undefined> | null | undefined): string | null {
  const token = connectionParams?.token;
  return typeof token === "string" && token.length > 0 ? token : null;
}

/**
 * tRPC over WebSocket: every router, queries, mutations and subscriptions.
 * Clients authenticate with `connectionParams: { token }`; a bad token is
 * refused at connect and the socket closed.
 */
export function createWebSocketEndpoint(runtime: Runtime, options: { path: string; server?: Server }): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES });
  const log = runtime.log.child({ component: "ws" });
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: ({ req, res, info }) =>
      createContext({
        deps: runtime,
        token: tokenFrom(info.connectionParams),
        client: clientInfo(req),
        // 1013 "try again later": the client reconnects and resumes from its last event id.
        connection: { bufferedAmount: () => res.bufferedAmount, drop: (reason) => res.close(1013, reason) },
        strict: true,
      }),
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") log.error({ err: error, path }, "ws request failed");
    },
  });

  let connectionCount = 0;
  wss.on("connection", (socket) => {
    connectionCount += 1;
    const connectionId = connectionCount;
    log.debug({ connectionId, clients: wss.clients.size }, "connected");
    socket.once("close", (code) => log.debug({ connectionId, code, clients: wss.clients.size }, "disconnected"));
  });

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname !== options.path) return false;
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    return true;
  };
  options.server?.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!handleUpgrade(req, socket, head)) socket.destroy();
  });

  return {
    wss,
    handleUpgrade,
    shutdown: async ({ graceMs = 1_000 } = {}) => {
      handler.broadcastReconnectNotification();
      // Give clients a moment to move before the sockets drop.
      await new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      for (const client of wss.clients) client.close(1012, "server restarting");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    terminate: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
