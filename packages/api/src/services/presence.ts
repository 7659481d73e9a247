import { TRPCError } from "@trpc/server";
import { eq, type SQL } from "drizzle-orm";

import { schema } from "@parley/db";
import type { PublicProfile } from "@parley/validators";

import type { Deps } from "../runtime";
import { blockStateBetween } from "./blocks";
import { chatPeers } from "./chats";
import { publishEphemeral } from "./events";
import { toPublicProfile } from "./user";

// A live connection heartbeats every HEARTBEAT; it counts as gone after TTL without one.
export const PRESENCE_HEARTBEAT_MS = 20_000;
export const PRESENCE_TTL_SECONDS = 60;
// REST clients say "online" explicitly; it lapses unless repeated.
const REST_ONLINE_TTL_SECONDS = 5 * 60;

async function announce(deps: Deps, userId: number, isOnline: boolean, lastSeen: Date | null) {
  await deps.db.update(schema.users).set(isOnline ? { isOnline } : { isOnline, lastSeen }).where(eq(schema.users.id, userId));
  await publishEphemeral(deps, await chatPeers(deps, userId), {
    type: "presence_update",
    user_id: userId,
    is_online: isOnline,
    last_seen: lastSeen?.toISOString() ?? null,
  });
}

export async function connectPresence(deps: Deps, userId: number, connectionId: string) {
  const { cameOnline } = await deps.presence.connect(userId, connectionId, PRESENCE_TTL_SECONDS);
  if (cameOnline) await announce(deps, userId, true, null);
}

export async function heartbeatPresence(deps: Deps, userId: number, connectionId: string) {
  await deps.presence.heartbeat(userId, connectionId, PRESENCE_TTL_SECONDS);
}

export async function disconnectPresence(deps: Deps, userId: number, connectionId: string) {
  const { wentOffline } = await deps.presence.disconnect(userId, connectionId);
  if (wentOffline) await announce(deps, userId, false, new Date());
}

/** Users whose connections died with their instance: offline, last seen now. */
export async function sweepPresence(deps: Deps): Promise<void> {
  for (const userId of await deps.presence.sweepExpired()) {
    // A connection may have come back between the sweep's claim and now.
    if (!(await deps.presence.onlineUsers([userId])).has(userId)) await announce(deps, userId, false, new Date());
  }
}

/** PUT /users/me/online for clients without a WebSocket. */
export async function setOnline(deps: Deps, session: { userId: number; sessionId: string }, isOnline: boolean) {
  const connectionId = `rest:${session.sessionId}`;
  if (isOnline) {
    const { cameOnline } = await deps.presence.connect(session.userId, connectionId, REST_ONLINE_TTL_SECONDS);
    if (cameOnline) await announce(deps, session.userId, true, null);
  } else {
    await disconnectPresence(deps, session.userId, connectionId);
  }
  return { is_online: (await deps.presence.onlineUsers([session.userId])).has(session.userId) };
}

export async function touchLastSeen(deps: Deps, userId: number) {
  const lastSeen = new Date();
  await deps.db.update(schema.users).set({ lastSeen }).where(eq(schema.users.id, userId));
  return { last_seen: lastSeen.toISOString() };
}

/** A user as the viewer may see them; someone who blocked the viewer shows no presence or picture. */
async function loadPublicProfile(deps: Deps, viewerId: number, where: SQL, notFound: string): Promise<PublicProfile> {
  const [user] = await deps.db.select().from(schema.users).where(where).limit(1);
  if (!user?.isActive) throw new TRPCError({ code: "NOT_FOUND", message: notFound });
  const isHidden = user.id !== viewerId && (await blockStateBetween(deps, viewerId, user.id)) === "blocked_you";
  return toPublicProfile(user, { isHiddenFromViewer: isHidden });
}

export function getUserProfile(deps: Deps, viewerId: number, userId: number): Promise<PublicProfile> {
  return loadPublicProfile(deps, viewerId, eq(schema.users.id, userId), "There is no Parley user with this id.");
}

/** Exact E.164 lookup (not a directory): how a chat is started with a phone number. */
export function findUserByPhone(deps: Deps, viewerId: number, phoneNumber: string): Promise<PublicProfile> {
  return loadPublicProfile(deps, viewerId, eq(schema.users.phoneNumber, phoneNumber), "Nobody on Parley has this phone number yet.");
}
