import type { NextRequest } from "next/server";

// A host name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The request's URL as the browser addressed it. Next's request URL says "localhost" for
 * 127.0.0.1 and ::1 (NextURL rewrites loopback addresses), and next-auth makes every redirect
 * and callback URL from it: opened at http://127.0.0.1:4000, logging out landed on
 * http://localhost:4000/login, with the session's cookies left under the other host. Our
 * server has already made `x-forwarded-proto` truthful and dropped `x-forwarded-host` unless a
 * trusted proxy set it (server/security-headers.ts), so these headers name the browser's origin.
 */
export function browserUrl(req: Request): string | null {
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  if (!host || !HOST.test(host)) return null;
  const protocol = req.headers.get("x-forwarded-proto") === "https" ? "https" : "http";
  const { pathname, search } = new URL(req.url);
  return new URL(`${pathname}${search}`, `${protocol}://${host}`).href;
}

/**
 * The same request on the browser's URL, as a plain Request: a NextRequest would turn the
 * loopback address back into "localhost". next-auth's route handlers only read what a Request has.
 */
export function onBrowserOrigin(req: NextRequest): NextRequest {
  const url = browserUrl(req);
  if (!url) return req;
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const moved = new Request(url, {
    method: req.method,
    headers: req.headers,
    body: hasBody ? req.body : null,
    signal: req.signal,
    // Required by fetch for a streamed body.
    ...(hasBody ? { duplex: "half" } : {}),
  });
  // Typed as NextRequest only because next-auth's handler signature says so.
  return moved as NextRequest;
}
