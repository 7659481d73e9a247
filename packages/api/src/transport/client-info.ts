import type { IncomingMessage } from "node:http";

import type { ClientInfo } from "../services/session";

/**
 * Who is calling: the socket's peer, or, behind `trustProxyHops` reverse proxies that each append
 * the address they saw to X-Forwarded-For, the entry the outermost trusted proxy appended. Entries
 * left of that were written by the client and are never believed.
 */
export function clientInfo(req: IncomingMessage, trustProxyHops = 0): ClientInfo {
  const userAgent = req.headers["user-agent"];
  return { ipAddress: clientIp(req, trustProxyHops), userAgent: typeof userAgent === "string" ? userAgent : null };
}

function clientIp(req: IncomingMessage, trustProxyHops: number): string | null {
  const peer = req.socket.remoteAddress ?? null;
  if (trustProxyHops === 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  // With N trusted hops the last N entries are theirs; the Nth from the end is the client they saw.
  return forwarded[forwarded.length - trustProxyHops] ?? peer;
}
