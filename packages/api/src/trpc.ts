import { initTRPC, TRPCError } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError, z } from "zod";

import type { Logger } from "./logger";
import type { Deps } from "./runtime";
import { RetryAfter } from "./services/rate-limit";
import type { LiveConnection } from "./services/live";
import { authenticateToken, type ClientInfo, type SessionAuth } from "./services/session";

/** Zod issues by field, as clients receive them in `error.data.zodError`. */
export type FlattenedZodError = { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };

export type Context = {
  deps: Deps;
  /** The bearer token the caller presented, if any; checked again on every protected call. */
  token: string | null;
  client: ClientInfo;
  /** The WebSocket behind this call, when there is one (lets live streams shed slow readers). */
  connection?: LiveConnection;
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
  connection?: LiveConnection;
  strict: boolean;
}): Promise<Context> {
  const { deps, token, client, connection, strict } = options;
  if (strict && token !== null && !(await authenticateToken(deps, token))) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended or the token is invalid. Sign in again." });
  }
  return { deps, token, client, connection, log: deps.log };
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
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      return {
        ...shape,
        // A sentence a person can act on instead of a JSON dump of Zod issues.
        message: zodError ? firstIssueMessage(zodError) : shape.message,
        data: {
          ...shape.data,
          stack: undefined,
          zodError: zodError ? (z.flattenError(zodError) as FlattenedZodError) : null,
          retryAfterSeconds: error.cause instanceof RetryAfter ? error.cause.seconds : null,
        },
      };
    },
  });

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (!ctx.token) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first: send your token as 'Authorization: Bearer <token>'." });
  }
  const session: SessionAuth | null = await authenticateToken(ctx.deps, ctx.token);
  if (!session) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your session has ended or the token is invalid. Sign in again." });
  }
  return next({ ctx: { ...ctx, session, log: ctx.log.child({ userId: session.userId }) } });
});
