import { TRPCClientError } from "@trpc/client";
import { z } from "zod";

/** An API failure reduced to what a form needs to show. */
export type ApiProblem = {
  /** tRPC error code (e.g. CONFLICT), or null when the API could not be reached. */
  code: string | null;
  /** A sentence to show as is. */
  message: string;
  /** First message per input field, keyed by the API's field names. */
  fieldErrors: Partial<Record<string, string>>;
  retryAfterSeconds: number | null;
};

const errorData = z.object({
  code: z.string(),
  retryAfterSeconds: z.number().nullish(),
  zodError: z.object({ fieldErrors: z.record(z.string(), z.array(z.string()).optional()) }).nullish(),
});

const UNREACHABLE = "Can't reach Parley right now. Check your connection and try again.";
const SERVER_FAULT = "Something went wrong on our side. Please try again.";

export function toApiProblem(error: unknown): ApiProblem {
  const problem: ApiProblem = { code: null, message: UNREACHABLE, fieldErrors: {}, retryAfterSeconds: null };
  if (!(error instanceof TRPCClientError)) return { ...problem, message: SERVER_FAULT };
  const data = errorData.safeParse(error.data);
  // No error shape at all: the request never got an answer from the API.
  if (!data.success) return problem;
  const { code, retryAfterSeconds, zodError } = data.data;
  const fieldErrors: Partial<Record<string, string>> = {};
  for (const [field, messages] of Object.entries(zodError?.fieldErrors ?? {})) {
    if (messages?.[0]) fieldErrors[field] = messages[0];
  }
  const isServerFault = code === "INTERNAL_SERVER_ERROR";
  return {
    code,
    message: isServerFault ? SERVER_FAULT : error.message,
    fieldErrors,
    retryAfterSeconds: retryAfterSeconds ?? null,
  };
}

/** The message a Zod schema gives for a value, or undefined when it is valid. */
export function validationMessage(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? "This value is not valid");
}
