import { randomUUID } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";

import { TRPCError } from "@trpc/server";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { type WebSocket, WebSocketServer } from "ws";

import { appRouter } from "../root";
import type { Runtime } from "../runtime";
import { consumeCapacityLimit, limits, RetryAfter, tooManyRequests } from "../services/rate-limit";
import { authenticateToken } from "../services/session";
import { type Connection, createContext } from "../trpc";
import { clientInfo } from "./client-info";
import { writeRawAnswer } from "./http";

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

// A socket's hold on one of its session's slots, renewed while it lives; a crashed instance's lapse.
const SOCKET_SLOT_TTL_SECONDS = 90;
const SOCKET_SLOT_RENEW_MS = 30_000;
// Past this many times its budget in one second a socket is not a client having a burst: close it.
const FLOOD_FACTOR = 10;

/** The limits one WebSocket lives under: calls per second, one live stream, a slot among its session's sockets. */
function createConnection(
  runtime: Runtime,
  socket: WebSocket,
  connectionId: string,
): Connection & { holdSlot(sessionId: string): Promise<void> } {
  const { wsCallsPerSecond, wsSocketsPerSession } = runtime.config.limits;
  let windowStartedAt = 0;
  let callsInWindow = 0;
  let hasStream = false;
  return {
    bufferedAmount: () => socket.bufferedAmount,
    // 1013 "try again later": the client reconnects and resumes from its last event id.
    drop: (reason) => socket.close(1013, reason),
    admitCall: () => {
      const now = Date.now();
      if (now - windowStartedAt >= 1_000) {
        windowStartedAt = now;
        callsInWindow = 0;
      }
      callsInWindow += 1;
      if (callsInWindow > wsCallsPerSecond * FLOOD_FACTOR) socket.close(1008, "too many calls");
      if (callsInWindow > wsCallsPerSecond) throw tooManyRequests("Too many calls on this connection.", 1);
    },
    claimStream: () => {
      if (hasStream) {
        throw new TRPCError({
          code: "CONFLICT",
          message: "This connection already has its live event stream: one per connection.",
        });
      }
      hasStream = true;
      return () => {
        hasStream = false;
      };
    },
    holdSlot: async (sessionId) => {
      const key = `ws-sockets:${sessionId}`;
      const claim = () => runtime.store.claimSlot(key, connectionId, wsSocketsPerSession, SOCKET_SLOT_TTL_SECONDS);
      if (!(await claim())) {
        throw tooManyRequests(`This session already has ${wsSocketsPerSession} connections open. Close one.`, 5);
      }
      const release = () => void runtime.store.releaseSlot(key, connectionId).catch(() => {});
      // A socket that closed while its claim was on the way has no close event left to see.
      if (socket.readyState !== socket.OPEN) {
        release();
        return;
      }
      const renew = setInterval(() => void claim().catch(() => {}), SOCKET_SLOT_RENEW_MS);
      renew.unref();
      socket.once("close", () => {
        clearInterval(renew);
        release();
      });
    },
  };
}

function tokenFrom(connectionParams: Record<string, string | undefined> | null | undefined): string | null {
  const token = connectionParams?.token;
  return typeof token === "string" && token.length > 0 ? token : null;
}

/**
 * tRPC over WebSocket: every router, queries, mutations and subscriptions.
 * Clients authenticate with `connectionParams: { token }`; a bad token is
 * refused at connect and the socket closed.
 */
export function createWebSocketEndpoint(
  runtime: Runtime,
  options: { path: string; server?: Server },
): WebSocketEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD_BYTES });
  const log = runtime.log.child({ component: "ws" });
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext: async ({ req, res, info }) => {
      const connectionId = randomUUID();
      // tRPC's adapter types name the socket `ws.WebSocket` through a default import that @types/ws's ESM
      // entry doesn't carry as a namespace, so `res` arrives unresolved; it is the socket our server accepted.
      const connection = createConnection(runtime, res as WebSocket, connectionId);
      const ctx = await createContext({
        deps: runtime,
        token: tokenFrom(info.connectionParams),
        client: clientInfo(req, runtime.config.limits.trustProxyHops),
        connection,
        requestId: connectionId,
        strict: true,
      });
      const session = ctx.token ? await authenticateToken(runtime, ctx.token) : null;
      if (session) await connection.holdSlot(session.sessionId);
      return ctx;
    },
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    onError: ({ error, path, ctx }) => {
      if (error.code === "INTERNAL_SERVER_ERROR")
        log.error({ err: error, path, requestId: ctx?.requestId }, "ws request failed");
    },
  });

  let connectionCount = 0;
  wss.on("connection", (socket) => {
    connectionCount += 1;
    const connectionId = connectionCount;
    log.debug({ connectionId, clients: wss.clients.size }, "connected");
    socket.once("close", (code) => log.debug({ connectionId, code, clients: wss.clients.size }, "disconnected"));
  });

  // A connection attempt is a request like any other: it counts against its client IP.
  const refusalOf = async (req: IncomingMessage): Promise<TRPCError | null> => {
    const { ipAddress } = clientInfo(req, runtime.config.limits.trustProxyHops);
    try {
      await consumeCapacityLimit(runtime, limits.requestsByIp(runtime.config.limits, ipAddress ?? "unknown"));
      return null;
    } catch (error) {
      return error instanceof TRPCError ? error : null;
    }
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname !== options.path) return false;
    void refusalOf(req).then((refusal) => {
      if (refusal) {
        const retryAfter = refusal.cause instanceof RetryAfter ? refusal.cause.seconds : 1;
        writeRawAnswer(
          socket,
          "429 Too Many Requests",
          { code: refusal.code, message: refusal.message, request_id: null, retry_after_seconds: retryAfter },
          {
            "Retry-After": String(retryAfter),
          },
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
    });
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
