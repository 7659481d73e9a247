import { TRPCClientError } from "@trpc/client";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

type ErrorData = { code?: unknown; httpStatus?: unknown; retryAfterSeconds?: unknown };

/** The error shape's `data`, typed as unknown fields: a TRPCClientError's `data` is `any`. */
export const errorData = (error: { data: unknown }): ErrorData =>
  typeof error.data === "object" && error.data !== null ? error.data : {};

/**
 * The tRPC code (`"CONFLICT"`, `"FORBIDDEN"`, …) of an error the API answered with, or
 * `undefined` when the error is not one (a dropped connection, a bug in the caller).
 */
export function errorCode(error: unknown): TRPC_ERROR_CODE_KEY | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const { code } = errorData(error);
  return typeof code === "string" ? (code as TRPC_ERROR_CODE_KEY) : undefined;
}
