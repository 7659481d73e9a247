import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

import type { ServerEnv } from "@parley/api";

export type SecuritySettings = {
  /** `pnpm dev`: React Refresh evaluates code it receives, and Next's error overlay styles itself inline. */
  isDev: boolean;
  /** The origin of PUBLIC_WS_URL (scaled shape); null when the browser opens this origin's /ws ('self'). */
  webSocketOrigin: string | null;
  /** Where browsers PUT and GET media themselves (S3); empty when this process serves it. */
  mediaOrigins: readonly string[];
  /** How many proxies in front of this process may be believed about the client's protocol. */
  trustProxyHops: number;
};

/** Who answers a request: the API (JSON, local media bytes, health) or Next (pages, assets, next-auth). */
export type ResponseKind = "page" | "api";

// A handler may replace it (the local media driver's sandbox, an HTML docs page with its own policy).
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

// Voice notes need the microphone and sending a location needs geolocation, from our own pages
// only; nothing uses the rest. Only features Chromium knows: an unknown one is a console warning
// on every page (as "bluetooth" is in Chromium on Linux).
const PERMISSIONS_POLICY = [
  "microphone=(self)",
  "geolocation=(self)",
  "camera=()",
  "display-capture=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "hid=()",
  "midi=()",
  "accelerometer=()",
  "gyroscope=()",
  "magnetometer=()",
  "browsing-topics=()",
].join(", ");

/** 128 random bits per response: what a page's own scripts carry and an injected one cannot guess. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

export function buildSecuritySettings(
  serverEnv: Pick<
    ServerEnv,
    "MEDIA_STORAGE" | "S3_BUCKET" | "S3_REGION" | "S3_ENDPOINT" | "S3_FORCE_PATH_STYLE" | "TRUST_PROXY_HOPS"
  >,
  webEnv: { PUBLIC_WS_URL?: string },
  isDev: boolean,
): SecuritySettings {
  return {
    isDev,
    webSocketOrigin: webEnv.PUBLIC_WS_URL ? new URL(webEnv.PUBLIC_WS_URL).origin : null,
    mediaOrigins: mediaStoreOrigins(serverEnv),
    // The same proxies the API believes about the client's address (X-Forwarded-For).
    trustProxyHops: serverEnv.TRUST_PROXY_HOPS,
  };
}

/**
 * The origins of the URLs the S3 driver presigns, as the AWS SDK builds them: virtual-hosted
 * (`bucket.host`) unless path style is forced or the bucket name can't be a host label (dots,
 * or an IP address as the endpoint), in which case the endpoint's own host. A custom endpoint
 * gets both, since both are that one store; on AWS the shared path-style host (every bucket in
 * the region) is only allowed when it is really used.
 */
export function mediaStoreOrigins(
  env: Pick<ServerEnv, "MEDIA_STORAGE" | "S3_BUCKET" | "S3_REGION" | "S3_ENDPOINT" | "S3_FORCE_PATH_STYLE">,
): string[] {
  if (env.MEDIA_STORAGE !== "s3" || !env.S3_BUCKET) return [];
  const bucket = env.S3_BUCKET;
  if (env.S3_ENDPOINT) {
    const endpoint = new URL(env.S3_ENDPOINT);
    const origins = [endpoint.origin];
    if (!env.S3_FORCE_PATH_STYLE) origins.push(`${endpoint.protocol}//${bucket}.${endpoint.host}`);
    return origins;
  }
  const isPathStyle = env.S3_FORCE_PATH_STYLE || bucket.includes(".");
  return [
    isPathStyle ? `https://s3.${env.S3_REGION}.amazonaws.com` : `https://${bucket}.s3.${env.S3_REGION}.amazonaws.com`,
  ];
}

/**
 * The policy of an HTML page. Scripts run only with this response's nonce (Next puts it on its
 * own scripts when the request carries this header) or when loaded by one that has it
 * ('strict-dynamic': Next's chunks); 'self' is the fallback for browsers without CSP 3.
 */
export function buildPageContentSecurityPolicy(
  settings: SecuritySettings,
  options: { nonce: string; isSecure: boolean },
): string {
  const { isDev, webSocketOrigin, mediaOrigins } = settings;
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    ["script-src", "'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'", ...(isDev ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", ...(isDev ? ["'unsafe-inline'"] : [])],
    // blob: is a photo or video previewed before it is sent; data: is small images inlined in CSS.
    ["img-src", "'self'", "blob:", "data:", ...mediaOrigins],
    ["media-src", "'self'", "blob:", ...mediaOrigins],
    ["font-src", "'self'"],
    // 'self' covers ws: and wss: to this host (CSP 3): the embedded shape's /ws and the dev server's HMR socket.
    ["connect-src", "'self'", ...(webSocketOrigin ? [webSocketOrigin] : []), ...mediaOrigins],
    ["worker-src", "'self'"],
    ["manifest-src", "'self'"],
    ["frame-src", "'none'"],
    ["object-src", "'none'"],
    ["base-uri", "'none'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  // Over plain HTTP it would send every request to an https:// that isn't there.
  if (options.isSecure) directives.push(["upgrade-insecure-requests"]);
  return directives.map((directive) => directive.join(" ")).join("; ");
}

/** Every header this process adds to a response, for a page (given its nonce) or the API. */
export function buildSecurityHeaders(
  settings: SecuritySettings,
  options: { kind: ResponseKind; nonce: string | null; isSecure: boolean },
): Record<string, string> {
  const headers: Record<string, string> = {
    "content-security-policy":
      options.kind === "page" && options.nonce
        ? buildPageContentSecurityPolicy(settings, { nonce: options.nonce, isSecure: options.isSecure })
        : API_CONTENT_SECURITY_POLICY,
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-content-type-options": "nosniff",
    // frame-ancestors says the same to browsers that know CSP; this is for those that don't.
    "x-frame-options": "DENY",
    "permissions-policy": PERMISSIONS_POLICY,
    "cross-origin-opener-policy": "same-origin",
    // Our pages are the only ones that load our scripts, pictures and media bytes.
    "cross-origin-resource-policy": "same-origin",
  };
  // Only over TLS: a browser ignores it over plain HTTP, and a wrong one locks a host out of HTTP for two years.
  if (options.isSecure) headers["strict-transport-security"] = "max-age=63072000; includeSubDomains";
  return headers;
}

/**
 * Whether the client reached us over TLS: this socket, or the outermost of the trusted proxies
 * saying so. Each proxy that appends to X-Forwarded-Proto adds what it was reached by, so the
 * entry `trustProxyHops` from the end is the one the client's own connection set; anything
 * before it came from the client and proves nothing.
 */
export function isSecureRequest(
  req: { socket: object; headers: IncomingMessage["headers"] },
  trustProxyHops: number,
): boolean {
  if ("encrypted" in req.socket && req.socket.encrypted === true) return true;
  if (trustProxyHops === 0) return false;
  const header = req.headers["x-forwarded-proto"];
  const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((value) => value.trim().toLowerCase())
    .filter(Boolean);
  return hops[Math.max(hops.length - trustProxyHops, 0)] === "https";
}

/**
 * Next.js and next-auth believe X-Forwarded-Proto and X-Forwarded-Host from whoever sent them:
 * they decide the URLs next-auth builds and whether its cookies are Secure (`__Secure-`). Hand
 * them only what we believe: the protocol as `isSecureRequest` found it, and the forwarded host
 * only from a trusted proxy.
 */
export function normalizeForwardedHeaders(
  req: Pick<IncomingMessage, "headers">,
  isSecure: boolean,
  trustProxyHops: number,
) {
  req.headers["x-forwarded-proto"] = isSecure ? "https" : "http";
  if (trustProxyHops === 0) {
    delete req.headers["x-forwarded-host"];
    delete req.headers["x-forwarded-port"];
  }
}
