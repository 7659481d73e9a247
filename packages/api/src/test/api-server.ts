import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import { WebSocket } from "ws";

import type { AppRouter } from "../root";
import { answerClientError, createApiHttpHandler } from "../transport/http";
import { createWebSocketEndpoint, type WebSocketEndpoint } from "../transport/ws";
import { acquaint, randomPhoneNumber, type TestRuntime } from "./index";

export type Json = Record<string, unknown>;

/** The same wiring as the web process: API handler + WebSocket upgrades on one port. */
export async function startApi(runtime: TestRuntime, options: { internalKey?: string } = {}) {
  const handleApi = createApiHttpHandler(runtime, options);
  const server: Server = createServer((req, res) => {
    void handleApi(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 418;
        res.end();
      }
    });
  });
  server.on("clientError", answerClientError);
  const ws: WebSocketEndpoint = createWebSocketEndpoint(runtime, { path: "/ws", server });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      await ws.shutdown({ graceMs: 0 });
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export async function rest(
  base: string,
  method: string,
  path: string,
  options: {
    body?: unknown;
    token?: string;
    raw?: string;
    contentType?: string;
    headers?: Record<string, string>;
  } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined || options.raw !== undefined)
    headers["content-type"] = options.contentType ?? "application/json";
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Json };
}

/** Signs up over REST; the user has a tie to everyone made before them (see `acquaint`) unless `stranger`. */
export async function restSignUp(
  runtime: TestRuntime,
  base: string,
  options: { stranger?: boolean; headers?: Record<string, string> } = {},
) {
  const phone_number = randomPhoneNumber();
  await rest(base, "POST", "/api/auth/register", {
    body: { phone_number, full_name: "Ana Lima" },
    headers: options.headers,
  });
  const otp = runtime.sms.lastCodeFor(phone_number);
  const { body } = await rest(base, "POST", "/api/auth/verify-otp", {
    body: { phone_number, otp, password: "password123" },
    headers: options.headers,
  });
  const user = body.user as Json & { id: number };
  if (!options.stranger) await acquaint(runtime, user.id);
  return { phone_number, token: body.token as string, user };
}

export function wsClient(url: string, token: string | null, options: { headers?: Record<string, string> } = {}) {
  const { headers } = options;
  // The ws package takes request headers as a third argument, which tRPC's client never passes.
  const Socket = headers
    ? class extends WebSocket {
        constructor(address: string | URL, protocols?: string | string[]) {
          super(address, protocols, { headers });
        }
      }
    : WebSocket;
  const client = createWSClient({
    url,
    WebSocket: Socket as unknown as typeof globalThis.WebSocket,
    connectionParams: token ? { token } : {},
    retryDelayMs: () => 60_000,
  });
  return { trpc: createTRPCClient<AppRouter>({ links: [wsLink({ client })] }), close: () => client.close() };
}
