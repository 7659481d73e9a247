import { createTRPCClient, createWSClient, httpBatchLink, type TRPCClient, wsLink } from "@trpc/client";

import type { AppRouter } from "@parley/api";

import type { MediaOutput } from "@parley/validators";

import { type LiveOptions, type LiveSubscription, subscribeToEvents } from "./live";
import { httpOrigin, uploadMedia, type UploadMediaOptions } from "./media";

export type TokenSource =
  string | null | undefined | (() => string | null | undefined | Promise<string | null | undefined>);

export type ParleyClientOptions = {
  /**
   * `ws(s)://host/ws` talks over one WebSocket (needed for live events);
   * `http(s)://host` uses batched HTTP requests to `/api/trpc`. Several
   * WebSocket URLs are tried in turn on each reconnect (client-side failover).
   */
  url: string | string[];
  /** The API token from `auth.login` / `auth.verifyOtp`, or a function that returns the current one. */
  token?: TokenSource;
  /** WebSocket implementation; the browser's by default (Node: use `@parley/sdk/node`). */
  WebSocket?: typeof globalThis.WebSocket;
  /**
   * Where relative upload URLs (a server keeping files itself) point when `url` is a WebSocket
   * URL served elsewhere: the web app's own address. By default the WebSocket URL's host.
   */
  httpUrl?: string;
  /** Called when the WebSocket opens or closes (e.g. to show "connecting…"). */
  onConnectionChange?: (state: "open" | "closed") => void;
};

export type ParleyClient = TRPCClient<AppRouter> & {
  /**
   * Live events (WebSocket URL only): resumed after reconnects, deduplicated,
   * gap-filled per chat. Pass your own user id to skip acknowledging your own messages.
   */
  subscribeEvents(options: LiveOptions & { selfUserId?: number }): LiveSubscription;
  /** Uploads a file (with progress and cancel) and checks it; send the answer's `id` as a message's `media_id`. */
  uploadMedia(options: UploadMediaOptions): Promise<MediaOutput>;
  /** Closes the WebSocket, if any. Idempotent. */
  close(): Promise<void>;
};

async function resolveToken(token: TokenSource): Promise<string | null> {
  const value = typeof token === "function" ? await token() : token;
  return value ?? null;
}

/** Backoff with jitter, capped at 10 s, so a restarting fleet isn't hit by every client at once. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(10_000, 250 * 2 ** attempt);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/**
 * A typed Parley client: every procedure of the API, with the same Zod
 * contract as the server (`client.auth.login.mutate(...)`, `client.user.me.query()`).
 */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  const urls = Array.isArray(options.url) ? options.url : [options.url];
  const [firstUrl] = urls;
  if (!firstUrl) throw new Error("createParleyClient needs a url");
  const url = new URL(firstUrl);
  let close = async () => {};
  let trpc: TRPCClient<AppRouter>;

  if (url.protocol === "ws:" || url.protocol === "wss:") {
    const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    if (!WebSocketImpl) {
      throw new Error("No WebSocket implementation: in Node, import createParleyClient from '@parley/sdk/node'");
    }
    let attempt = 0;
    const wsClient = createWSClient({
      // Called on every (re)connect: rotate through the instances.
      url: () => urls[attempt++ % urls.length] ?? firstUrl,
      WebSocket: WebSocketImpl,
      connectionParams: async () => {
        const token = await resolveToken(options.token);
        return token ? { token } : {};
      },
      retryDelayMs: reconnectDelayMs,
      keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
      onOpen: () => options.onConnectionChange?.("open"),
      onClose: () => options.onConnectionChange?.("closed"),
    });
    trpc = createTRPCClient<AppRouter>({ links: [wsLink<AppRouter>({ client: wsClient })] });
    close = () => wsClient.close();
  } else if (url.protocol === "http:" || url.protocol === "https:") {
    if (urls.length > 1) throw new Error("Several URLs are for WebSocket failover; give one http(s) URL");
    const endpoint = new URL("/api/trpc", url).toString();
    trpc = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink<AppRouter>({
          url: endpoint,
          headers: async () => {
            const token = await resolveToken(options.token);
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      ],
    });
  } else {
    throw new Error(`Unsupported URL ${firstUrl}: use ws(s):// or http(s)://`);
  }

  const extras: Pick<ParleyClient, "close" | "subscribeEvents" | "uploadMedia"> = {
    close: () => close(),
    subscribeEvents: (live) => subscribeToEvents(trpc, live, live.selfUserId),
    uploadMedia: (upload) => uploadMedia(trpc, httpOrigin(options.httpUrl ?? firstUrl), upload),
  };
  // The tRPC client is a proxy over procedure paths; these properties are ours.
  return new Proxy(trpc, {
    get: (target, property, receiver) =>
      typeof property === "string" && property in extras
        ? extras[property as keyof typeof extras]
        : (Reflect.get(target, property, receiver) as unknown),
  }) as ParleyClient;
}
