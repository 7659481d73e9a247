import { INTERNAL_CALLER_HEADER, meOutput, type Me } from "@parley/validators";

import { env } from "~/env";

/**
 * Server-side calls from Next to the Parley API (same process, loopback).
 * Only for next-auth: the browser talks to the API itself through tRPC.
 */

const TIMEOUT_MS = 5_000;

export type MeResult = { status: "ok"; me: Me } | { status: "unauthorized" } | { status: "unavailable" };

// Every browser's session check comes from this one process: no client IP limit may count them together.
function internalCaller(): Record<string, string> {
  return { [INTERNAL_CALLER_HEADER]: env.PARLEY_INTERNAL_KEY };
}

function apiUrl(path: string): string {
  return new URL(path, env.PARLEY_INTERNAL_URL).toString();
}

/** Who owns this API token, telling "revoked" apart from "API unreachable". */
export async function fetchMe(token: string): Promise<MeResult> {
  let response: Response;
  try {
    response = await fetch(apiUrl("/api/users/me"), {
      headers: { authorization: `Bearer ${token}`, accept: "application/json", ...internalCaller() },
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { status: "unavailable" };
  }
  if (response.status === 401) return { status: "unauthorized" };
  if (!response.ok) return { status: "unavailable" };
  const parsed = meOutput.safeParse(await response.json().catch(() => null));
  return parsed.success ? { status: "ok", me: parsed.data } : { status: "unavailable" };
}

/** Ends the API session behind a token. Best effort: the web session ends regardless. */
export async function revokeApiToken(token: string): Promise<void> {
  try {
    await fetch(apiUrl("/api/auth/logout"), {
      method: "POST",
      // The REST adapter refuses an empty body (PARSE_ERROR), so send an empty object.
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...internalCaller() },
      body: "{}",
      cache: "no-store",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    // An unreachable API cannot be told; the token still expires on its own.
  }
}
