import type { IncomingMessage, ServerResponse } from "node:http";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";

import { createOpenApiDocument } from "../openapi";
import { appRouter } from "../root";
import type { Runtime } from "../runtime";
import { isLocalMediaStorage, LOCAL_MEDIA_PATH } from "../services/media/local-storage";
import { RetryAfter } from "../services/rate-limit";
import { bearerToken, createContext } from "../trpc";
import { clientInfo } from "./client-info";

// Messages are at most 4,096 characters; no JSON request needs more than this.
export const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/** Liveness plus a real round trip to the database and the store. */
export async function checkHealth(runtime: Runtime): Promise<{ status: "ok" | "unavailable"; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  await Promise.all([
    runtime.database.ping().then(
      () => (checks.database = "ok"),
      (error: unknown) => (checks.database = String(error)),
    ),
    runtime.store.ping().then(
      () => (checks.store = "ok"),
      (error: unknown) => (checks.store = String(error)),
    ),
  ]);
  return { status: Object.values(checks).every((v) => v === "ok") ? "ok" : "unavailable", checks };
}

export async function handleHealth(runtime: Runtime, res: ServerResponse, extra: Record<string, unknown> = {}) {
  const health = await checkHealth(runtime);
  sendJson(res, health.status === "ok" ? 200 : 503, { ...health, shape: runtime.config.shape, ...extra });
}

/**
 * The API's HTTP face: tRPC at /api/trpc, the spec's REST endpoints under
 * /api, the OpenAPI document at /api/openapi.json. Returns false for paths it
 * does not own (the web app's pages, next-auth).
 */
export function createApiHttpHandler(runtime: Runtime, options: { passThroughPrefixes?: string[] } = {}) {
  const deps = runtime;
  const passThrough = options.passThroughPrefixes ?? [];
  const context = (req: IncomingMessage) =>
    createContext({ deps, token: bearerToken(req.headers.authorization), client: clientInfo(req), strict: false });
  const logServerError = ({ error, path }: { error: { code: string }; path?: string }) => {
    if (error.code === "INTERNAL_SERVER_ERROR") runtime.log.error({ err: error, path }, "request failed");
  };

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }) => context(req),
    onError: logServerError,
  });

  // The node-http core (not the "standalone" wrapper, which turns the request
  // into a fetch Request and loses the body-size and JSON-parse errors).
  const rest = createOpenApiNodeHttpHandler<typeof appRouter, IncomingMessage, ServerResponse>({
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }) => context(req),
    onError: logServerError,
    responseMeta: ({ errors }) => {
      const retryAfter = errors.find((error) => error.cause instanceof RetryAfter)?.cause;
      return retryAfter instanceof RetryAfter ? { headers: { "retry-after": String(retryAfter.seconds) } } : {};
    },
  });

  let openApiJson: string | undefined;

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (path === "/healthz") {
      await handleHealth(runtime, res);
      return true;
    }
    if (!path.startsWith("/api/") || passThrough.some((prefix) => path.startsWith(prefix))) return false;

    // Signed uploads and downloads of local media: raw bytes, not JSON, so before the REST adapter.
    if (path.startsWith(LOCAL_MEDIA_PATH) && isLocalMediaStorage(runtime.media)) {
      await runtime.media.handle(req, res);
      return true;
    }
    if (path.startsWith("/api/trpc/")) {
      trpc(req, res);
      return true;
    }
    if (path === "/api/openapi.json") {
      openApiJson ??= JSON.stringify(createOpenApiDocument("/api"));
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(openApiJson);
      return true;
    }
    normalizeJsonContentType(req);
    // The REST adapter matches paths relative to its mount point, and hands path parameters over
    // as they came: decode each segment (a phone number arrives as %2B14155550123), keeping an
    // encoded slash encoded so it can't split a segment in two.
    const segments = decodeSegments(path.slice("/api".length));
    if (segments === null) {
      sendJson(res, 400, { code: "BAD_REQUEST", message: "The path is not validly percent-encoded." });
      return true;
    }
    req.url = `${segments}${url.search}`;
    await rest(req, res);
    return true;
  };
}

function decodeSegments(path: string): string | null {
  try {
    return path
      .split("/")
      .map((segment) => decodeURIComponent(segment).replaceAll("/", "%2F"))
      .join("/");
  } catch {
    return null;
  }
}

/**
 * The REST adapter only parses bodies labelled exactly `application/json`:
 * accept the charset parameter, and treat an empty body (e.g. a bare POST to
 * logout, with or without a JSON label) as no input rather than bad JSON.
 */
function normalizeJsonContentType(req: IncomingMessage) {
  const contentType = req.headers["content-type"];
  const isEmpty = !req.headers["transfer-encoding"] && (req.headers["content-length"] ?? "0") === "0";
  if (isEmpty) {
    req.headers["content-type"] = "application/json";
    // The adapter reads a pre-parsed `body` instead of the stream when present.
    Object.assign(req, { body: undefined });
  } else if (contentType && /^application\/json\s*(;|$)/i.test(contentType)) {
    req.headers["content-type"] = "application/json";
  }
}
