import type { IncomingMessage } from "node:http";

import type { ClientInfo } from "../services/session";

export function clientInfo(req: IncomingMessage): ClientInfo {
  const userAgent = req.headers["user-agent"];
  return { ipAddress: req.socket.remoteAddress ?? null, userAgent: typeof userAgent === "string" ? userAgent : null };
}
