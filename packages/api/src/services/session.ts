import { and, eq, gt, isNull } from "drizzle-orm";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";

import { schema, type Transaction } from "@parley/db";

import type { Deps } from "../runtime";
import { publishEphemeral } from "./events";

export type SessionAuth = { userId: number; sessionId: string };
export type ClientInfo = { ipAddress: string | null; userAgent: string | null };

// How long a positive session check is trusted before asking Postgres again.
// Revocation deletes the cached entry, so logout takes effect at once.
const SESSION_CACHE_SECONDS = 60;
const sessionCacheKey = (sessionId: string) => `session:${sessionId}`;

/** Creates a session row (inside the caller's transaction) and its token. */
export async function createSession(
  deps: Deps,
  tx: Transaction,
  userId: number,
  client: ClientInfo,
): Promise<{ token: string; sessionId: string }> {
  const expiresAt = new Date(Date.now() + deps.config.auth.sessionTtlSeconds * 1000);
  const [session] = await tx
    .insert(schema.sessions)
    .values({
      userId,
      expiresAt,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      ipAddress: client.ipAddress?.slice(0, 64) ?? null,
    })
    .returning({ id: schema.sessions.id });
  if (!session) throw new Error("session insert returned nothing");
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(String(userId))
    .setJti(session.id)
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(deps.config.auth.jwtSecret);
  return { token, sessionId: session.id };
}

// Verified signatures by token string (a forged token is a different string),
// per signing secret. Bounded; saves an HMAC per call on long-lived connections.
const MAX_VERIFIED_TOKENS = 10_000;
type VerifiedToken = { userId: number; sessionId: string; expiresAtMs: number };
const verifiedBySecret = new WeakMap<Uint8Array, Map<string, VerifiedToken>>();

async function verifyTokenSignature(deps: Deps, token: string): Promise<{ userId: number; sessionId: string } | null> {
  const secret = deps.config.auth.jwtSecret;
  let verifiedTokens = verifiedBySecret.get(secret);
  if (!verifiedTokens) {
    verifiedTokens = new Map();
    verifiedBySecret.set(secret, verifiedTokens);
  }
  const cached = verifiedTokens.get(token);
  if (cached && cached.expiresAtMs > Date.now()) return cached;
  try {
    const { payload } = await jwtVerify(token, secret, { algorithms: ["HS256"] });
    if (!payload.jti || !payload.sub || !/^\d+$/.test(payload.sub) || !/^[0-9a-f-]{36}$/i.test(payload.jti))
      return null;
    const verified = { userId: Number(payload.sub), sessionId: payload.jti, expiresAtMs: (payload.exp ?? 0) * 1000 };
    if (verifiedTokens.size >= MAX_VERIFIED_TOKENS) verifiedTokens.clear();
    verifiedTokens.set(token, verified);
    return verified;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
    throw error;
  }
}

/**
 * Resolves a bearer token to a live session, or null for anything else:
 * malformed, forged, expired, revoked, or belonging to a deactivated user.
 */
export async function authenticateToken(deps: Deps, token: string): Promise<SessionAuth | null> {
  const verified = await verifyTokenSignature(deps, token);
  if (!verified) return null;
  const { userId, sessionId } = verified;

  // The cache only saves a query: with Redis unreachable, Postgres answers.
  const cached = await deps.store.get(sessionCacheKey(sessionId)).catch(() => null);
  if (cached === String(userId)) return { userId, sessionId };

  const [row] = await deps.db
    .select({ userId: schema.sessions.userId, expiresAt: schema.sessions.expiresAt })
    .from(schema.sessions)
    .innerJoin(schema.users, eq(schema.users.id, schema.sessions.userId))
    .where(
      and(
        eq(schema.sessions.id, sessionId),
        isNull(schema.sessions.revokedAt),
        gt(schema.sessions.expiresAt, new Date()),
        eq(schema.users.isActive, true),
      ),
    )
    .limit(1);
  if (!row || row.userId !== userId) return null;
  const ttl = Math.min(SESSION_CACHE_SECONDS, Math.floor((row.expiresAt.getTime() - Date.now()) / 1000));
  if (ttl > 0) await deps.store.set(sessionCacheKey(sessionId), String(userId), ttl).catch(() => {});
  return { userId, sessionId };
}

export async function revokeSession(deps: Deps, sessionId: string): Promise<void> {
  const revoked = await deps.db
    .update(schema.sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(schema.sessions.id, sessionId), isNull(schema.sessions.revokedAt)))
    .returning({ userId: schema.sessions.userId });
  await forgetCachedSessions(deps, revoked[0] ? { userId: revoked[0].userId, sessionIds: [sessionId] } : null);
}

/**
 * After a revoking transaction commits: drops the cached checks and tells the
 * user's live streams, which end those sessions' subscriptions at once.
 */
export async function forgetCachedSessions(
  deps: Deps,
  revoked: { userId: number; sessionIds: string[] } | null,
): Promise<void> {
  if (!revoked || revoked.sessionIds.length === 0) return;
  await Promise.all(revoked.sessionIds.map((id) => deps.store.del(sessionCacheKey(id))));
  await publishEphemeral(deps, [revoked.userId], { type: "session_revoked", session_ids: revoked.sessionIds });
}

/** Revokes every live session of a user, returning their ids. */
export async function revokeUserSessions(db: Deps["db"] | Transaction, userId: number): Promise<string[]> {
  const revoked = await db
    .update(schema.sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(schema.sessions.userId, userId), isNull(schema.sessions.revokedAt)))
    .returning({ id: schema.sessions.id });
  return revoked.map((session) => session.id);
}
