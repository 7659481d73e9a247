import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError, z } from "zod";

import { findMalformedText } from "@parley/validators";

import type { Logger } from "./logger";
import type { Deps } from "./runtime";
import type { LiveConnection } from "./services/live";
import { consumeCapacityLimit, limits, RetryAfter } from "./services/rate-limit";
import { authenticateToken, type ClientInfo, type SessionAuth } from "./services/session";

/** Zod issues by field, as clients receive them in `error.data.zodError`. */
export type FlattenedZodError = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };

/** What a WebSocket lets the calls it carries do: its own call budget, one live stream. */
export type Connection = LiveConnection & {
  /** Counts one call against the connection's budget; throws TOO_MANY_REQUESTS past it. */
  admitCall(): void;
  /** Takes the connection's one live-event stream; the returned function gives it back. */
  claimStream(): () => void;
};

export type Context = {
  deps: Deps;
  /** The bearer token the caller presented, if any; checked again on every protected call. */
  token: string | null;
  client: ClientInfo;
  /** The WebSocket behind this call, when there is one: its limits, and live streams shed slow readers. */
  connection?: Connection;
  /** Set for the web process's own server-side calls (proved by a per-process key), which no client IP limit counts. */
  isInternalCaller: boolean;
  /** Names this request (HTTP) or connection (WebSocket) in logs and in the message of an unexpected error. */
  requestId: string;
  log: Logger;
};

/**
 * One context for every transport: HTTP passes the Authorization header,
 * WebSocket its connectionParams. `strict` refuses a bad token up front
 * (a WebSocket must not stay open on a revoked token).
 */
export async function createContext(options: {
  deps: Deps;
  token: string | null;
  client: ClientInfo;
  connection?: Connection;
  isInternalCaller?: boolean;
  requestId: string;
  strict: boolean;
}): Promise<Context> {
  const { deps, token, client, connection, requestId, strict } = options;
  if (strict && token !== null && !(await authenticateToken(deps, token))) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Your session has ended or the token is invalid. Sign in again.",
    });
  }
  return {
    deps,
    token,
    client,
    connection,
    isInternalCaller: options.isInternalCaller ?? false,
    requestId,
    log: deps.log.child({ requestId }),
  };
}

/** `Authorization: Bearer <token>` → token. Anything else → null. */
export function bearerToken(header: string | string[] | undefined | null): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1] ?? null;
}

function firstIssueMessage(error: ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "Invalid input";
  const path = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return `${path}${issue.message}`;
}

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      // Declared rather than inferred: this return type is the error shape clients see, and Zod's
      // flattened type for an error of unknown input has no field keys.
      const flattened: FlattenedZodError | null = zodError ? z.flattenError(zodError) : null;
      const requestId = ctx?.requestId ?? null;
      return {
        code: shape.code,
        // A sentence a person can act on instead of a JSON dump of Zod issues. An unexpected error
        // says nothing of itself (its text may quote SQL, parameters or paths): the log has it, by request id.
        message: zodError
          ? firstIssueMessage(zodError)
          : error.code === "INTERNAL_SERVER_ERROR"
            ? `Something went wrong on our side.${requestId ? ` If it keeps happening, quote request ${requestId}.` : ""}`
            : shape.message,
        // Built field by field: nothing tRPC adds by default (a stack, a cause) reaches a client.
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          requestId,
          zodError: flattened,
          retryAfterSeconds: error.cause instanceof RetryAfter ? error.cause.seconds : null,
        },
      };
    },
  });

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

// Raw input is walked without recursion, so no nesting can overflow the stack; JSON requests are
// also refused deeper than this before they are parsed (transport/http.ts).
export const MAX_INPUT_DEPTH = 32;

/** The first string anywhere in the input that PostgreSQL can't store (NUL, lone surrogates), by its path. */
export function findMalformedInput(input: unknown): { path: string; problem: string } | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: input, path: "", depth: 0 }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, path, depth } = item;
    if (typeof value === "string") {
      const problem = findMalformedText(value);
      if (problem) return { path, problem };
    } else if (value !== null && typeof value === "object") {
      if (depth >= MAX_INPUT_DEPTH) return { path, problem: `is nested more than ${MAX_INPUT_DEPTH} levels deep` };
      for (const [key, child] of Object.entries(value)) {
        const problem = findMalformedText(key);
        if (problem) return { path: path ? `${path}.${key}` : key, problem: `has a field name that ${problem}` };
        pending.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
      }
    }
  }
  return null;
}

/**
 * Every call, whatever its transport, is counted before any work: a WebSocket against its own
 * budget, anything else against its client IP (a tRPC batch counts each call it carries).
 */
async function admitCall(ctx: Context): Promise<void> {
  if (ctx.connection) return ctx.connection.admitCall();
  if (ctx.isInternalCaller) return;
  await consumeCapacityLimit(
    { store: ctx.deps.store, log: ctx.log },
    limits.requestsByIp(ctx.deps.config.limits, ctx.client.ipAddress ?? "unknown"),
  );
}

const guardedProcedure = t.procedure.use(async ({ ctx, getRawInput, next }) => {
  await admitCall(ctx);
  const malformed = findMalformedInput(await getRawInput());
  if (malformed) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `${malformed.path || "input"} ${malformed.problem}.` });
  }
  return next();
});

export const publicProcedure = guardedProcedure;

export const protectedProcedure = guardedProcedure.use(async ({ ctx, next }) => {
  if (!ctx.token) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Sign in first: send your token as 'Authorization: Bearer <token>'.",
    });
  }
  const session: SessionAuth | null = await authenticateToken(ctx.deps, ctx.token);
  if (!session) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "Your session has ended or the token is invalid. Sign in again.",
    });
  }
  return next({ ctx: { ...ctx, session, log: ctx.log.child({ userId: session.userId }) } });
});
