import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createOpenApiNodeHttpHandler } from "trpc-to-openapi";

import { INTERNAL_CALLER_HEADER } from "@parley/validators";

import { createOpenApiDocument, refuseUnknownQuery } from "../openapi";
import { appRouter } from "../root";
import type { Runtime } from "../runtime";
import { isLocalMediaStorage, LOCAL_MEDIA_PATH } from "../services/media/local-storage";
import { RetryAfter } from "../services/rate-limit";
import { bearerToken, createContext, type FlattenedZodError, MAX_INPUT_DEPTH } from "../trpc";
import { clientInfo } from "./client-info";
import { handleDocs } from "./docs";

/** What every REST error answers (the OpenAPI document's ErrorResponse). */
export type RestErrorBody = {
  code: string;
  message: string;
  request_id: string | null;
  field_errors?: Record<string, string[] | undefined>;
  retry_after_seconds?: number;
};

type FormattedErrorShape = {
  message: string;
  data: { requestId: string | null; zodError: FlattenedZodError | null; retryAfterSeconds: number | null };
};

// Messages are at most 4,096 characters; no JSON request needs more than this.
export const MAX_BODY_BYTES = 1024 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/** An answer written straight to a socket no handler owns yet (a refused upgrade, a request Node's parser refused). */
export function writeRawAnswer(
  socket: Duplex,
  status: string,
  body: RestErrorBody,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status}`,
    "Content-Type: application/json; charset=utf-8",
    `Content-Length: ${Buffer.byteLength(payload)}`,
    "Connection: close",
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.end(`${lines.join("\r\n")}\r\n\r\n${payload}`);
}

/**
 * For `server.on("clientError")`: Node's HTTP parser refuses some requests before any handler
 * sees them (a URL or headers over 16 KB, a malformed request line). They get JSON like the rest.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex) {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const isTooLarge = error.code === "HPE_HEADER_OVERFLOW";
  writeRawAnswer(socket, isTooLarge ? "431 Request Header Fields Too Large" : "400 Bad Request", {
    code: "BAD_REQUEST",
    message: isTooLarge ? "The request's URL or headers are too large." : "The request is not valid HTTP.",
    request_id: null,
  });
}

/** Liveness plus a real round trip to the database and the store. */
export async function checkHealth(
  runtime: Runtime,
): Promise<{ status: "ok" | "unavailable"; checks: Record<string, string> }> {
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
export function createApiHttpHandler(
  runtime: Runtime,
  options: {
    passThroughPrefixes?: string[];
    /** Proves a request came from this process's own server side (next-auth's checks): no client IP limit counts it. */
    internalKey?: string;
  } = {},
) {
  const deps = runtime;
  const passThrough = options.passThroughPrefixes ?? [];
  const internalKey = options.internalKey ? Buffer.from(options.internalKey) : null;
  const isInternalCaller = (req: IncomingMessage) => {
    const presented = req.headers[INTERNAL_CALLER_HEADER];
    if (!internalKey || typeof presented !== "string") return false;
    const candidate = Buffer.from(presented);
    return candidate.length === internalKey.length && timingSafeEqual(candidate, internalKey);
  };
  const context = (req: IncomingMessage, res: ServerResponse) =>
    createContext({
      deps,
      token: bearerToken(req.headers.authorization),
      client: clientInfo(req, runtime.config.limits.trustProxyHops),
      isInternalCaller: isInternalCaller(req),
      requestId: String(res.getHeader("x-request-id")),
      strict: false,
    });
  const logServerError = ({
    error,
    path,
    ctx,
  }: {
    error: { code: string };
    path?: string;
    ctx?: { requestId: string };
  }) => {
    if (error.code === "INTERNAL_SERVER_ERROR")
      runtime.log.error({ err: error, path, requestId: ctx?.requestId }, "request failed");
  };

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/api/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => context(req, res),
    onError: logServerError,
  });

  // The node-http core (not the "standalone" wrapper, which turns the request
  // into a fetch Request and loses the body-size and JSON-parse errors).
  const rest = createOpenApiNodeHttpHandler<typeof appRouter, IncomingMessage, ServerResponse>({
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => context(req, res),
    onError: logServerError,
    errorBody: ({ error, shape }) => {
      const { message, data } = shape as FormattedErrorShape;
      const body: RestErrorBody = { code: error.code, message, request_id: data.requestId };
      if (data.zodError) body.field_errors = data.zodError.fieldErrors;
      if (data.retryAfterSeconds !== null) body.retry_after_seconds = data.retryAfterSeconds;
      return body;
    },
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
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);

    // Signed uploads and downloads of local media: raw bytes, not JSON, so before the REST adapter.
    if (path.startsWith(LOCAL_MEDIA_PATH) && isLocalMediaStorage(runtime.media)) {
      await runtime.media.handle(req, res);
      return true;
    }
    if (path.startsWith("/api/trpc/")) {
      if (!(await takeJsonBody(req, res, requestId, "text"))) return true;
      trpc(req, res);
      return true;
    }
    if (path === "/api/openapi.json") {
      openApiJson ??= JSON.stringify(createOpenApiDocument("/api"));
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(openApiJson);
      return true;
    }
    if (handleDocs(req, res, path)) return true;
    normalizeJsonContentType(req);
    if (!(await takeJsonBody(req, res, requestId, "parsed"))) return true;
    // The REST adapter matches paths relative to its mount point, and hands path parameters over
    // as they came: decode each segment (a phone number arrives as %2B14155550123), keeping an
    // encoded slash encoded so it can't split a segment in two.
    const segments = decodeSegments(path.slice("/api".length));
    if (segments === null) {
      sendError(res, 400, {
        code: "BAD_REQUEST",
        message: "The path is not validly percent-encoded.",
        request_id: requestId,
      });
      return true;
    }
    req.url = `${segments}${url.search}`;
    const unknownQuery = refuseUnknownQuery(req.method ?? "GET", req.url);
    if (unknownQuery) {
      sendError(res, 400, { ...unknownQuery, request_id: requestId });
      return true;
    }
    await rest(req, res);
    return true;
  };
}

function sendError(res: ServerResponse, status: number, body: RestErrorBody) {
  sendJson(res, status, body);
}

/**
 * Reads a JSON request body before the tRPC or REST adapter does, so that size and nesting are
 * refused with a clear 4xx before anything parses, stringifies or walks them recursively (a body
 * nested 100,000 deep overflows the stack of a recursive reader). Hands the adapters the text
 * (tRPC) or the parsed value (REST), which they take instead of reading the stream. False when
 * it has answered the request itself.
 */
async function takeJsonBody(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  as: "text" | "parsed",
): Promise<boolean> {
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && "content-type" in req.headers && !("body" in req);
  if (!hasBody || !/^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "")) return true;
  let text: string;
  try {
    text = await readBody(req, MAX_BODY_BYTES);
  } catch {
    sendError(res, 413, {
      code: "PAYLOAD_TOO_LARGE",
      message: `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
      request_id: requestId,
    });
    return false;
  }
  if (jsonDepth(text) > MAX_INPUT_DEPTH) {
    sendError(res, 400, {
      code: "BAD_REQUEST",
      message: `The JSON body is nested more than ${MAX_INPUT_DEPTH} levels deep.`,
      request_id: requestId,
    });
    return false;
  }
  if (as === "text") {
    Object.assign(req, { body: text });
    return true;
  }
  try {
    Object.assign(req, { body: text.trim() === "" ? undefined : (JSON.parse(text) as unknown) });
    return true;
  } catch {
    sendError(res, 400, { code: "PARSE_ERROR", message: "The request body is not valid JSON.", request_id: requestId });
    return false;
  }
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners("data");
        req.resume();
        reject(new Error("body too large"));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

/** The deepest nesting of arrays and objects in JSON text, counted without parsing (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
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
