import { TRPCError } from "@trpc/server";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";

import { schema } from "@parley/db";
import type { Me, PublicProfile, UpdatePrivacyInput } from "@parley/validators";

import type { Deps } from "../runtime";
import { chatPeers } from "./chats";
import { publishEphemeral } from "./events";
import { recordLookup, tieWith } from "./ties";
import { toMe, toPublicProfile, viewerStanding } from "./user";

// A live connection heartbeats every HEARTBEAT; it counts as gone after TTL without one.
export const PRESENCE_HEARTBEAT_MS = 20_000;
export const PRESENCE_TTL_SECONDS = 60;
// REST clients say "online" explicitly; it lapses unless repeated.
const REST_ONLINE_TTL_SECONDS = 5 * 60;

async function announce(deps: Deps, userId: number, isOnline: boolean, lastSeen: Date | null) {
  await deps.db
    .update(schema.users)
    .set(isOnline ? { isOnline } : { isOnline, lastSeen })
    .where(eq(schema.users.id, userId));
  const { allowed } = await presenceAudience(deps, userId);
  await publishEphemeral(deps, allowed, {
    type: "presence_update",
    user_id: userId,
    is_online: isOnline,
    last_seen: lastSeen?.toISOString() ?? null,
  });
}

/**
 * Who hears about a user's presence: the people they chat with (no block either way) whom their
 * last-seen setting allows (everyone, their contacts, nobody); `denied` are the other chat peers.
 */
async function presenceAudience(deps: Deps, userId: number): Promise<{ allowed: number[]; denied: number[] }> {
  const peers = await chatPeers(deps, userId);
  if (peers.length === 0) return { allowed: [], denied: [] };
  const [user] = await deps.db
    .select({ visibility: schema.users.lastSeenVisibility })
    .from(schema.users)
    .where(eq(schema.users.id, userId));
  const visibility = user?.visibility ?? "nobody";
  if (visibility !== "contacts")
    return visibility === "everyone" ? { allowed: peers, denied: [] } : { allowed: [], denied: peers };
  const contacts = await deps.db
    .select({ id: schema.users.id })
    .from(schema.contacts)
    .innerJoin(schema.users, eq(schema.users.phoneNumber, schema.contacts.contactPhoneNumber))
    .where(and(eq(schema.contacts.userId, userId), inArray(schema.users.id, peers)));
  const inContacts = new Set(contacts.map((row) => row.id));
  return { allowed: peers.filter((id) => inContacts.has(id)), denied: peers.filter((id) => !inContacts.has(id)) };
}

/**
 * After a privacy or contacts change: everyone who chats with the user hears what they may now
 * see (their presence, or nothing: offline with no last seen), so no screen keeps showing "online"
 * to someone who may no longer see it.
 */
export async function reannouncePresence(deps: Deps, userId: number): Promise<void> {
  const [user] = await deps.db.select().from(schema.users).where(eq(schema.users.id, userId));
  if (!user) return;
  const { allowed, denied } = await presenceAudience(deps, userId);
  const isOnline = (await deps.presence.onlineUsers([userId])).has(userId);
  await Promise.all([
    publishEphemeral(deps, allowed, {
      type: "presence_update",
      user_id: userId,
      is_online: isOnline,
      last_seen: user.lastSeen?.toISOString() ?? null,
    }),
    publishEphemeral(deps, denied, { type: "presence_update", user_id: userId, is_online: false, last_seen: null }),
  ]);
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

/** A user as the viewer may see them: their privacy settings and blocks decide each part. */
async function loadPublicProfile(deps: Deps, viewerId: number, where: SQL, notFound: string): Promise<PublicProfile> {
  const [row] = await deps.db
    .select({ user: schema.users, standing: viewerStanding(viewerId, schema.users.id) })
    .from(schema.users)
    .where(where)
    .limit(1);
  if (!row?.user.isActive) throw new TRPCError({ code: "NOT_FOUND", message: notFound });
  return toPublicProfile(row.user, row.standing);
}

/** A user by id, only where the viewer has a tie to them: otherwise nobody, so walking ids finds no one. */
export function getUserProfile(deps: Deps, viewerId: number, userId: number): Promise<PublicProfile> {
  return loadPublicProfile(
    deps,
    viewerId,
    and(eq(schema.users.id, userId), tieWith(viewerId, schema.users.id)) ?? sql`false`,
    "There is no Parley user with this id.",
  );
}

/** Exact E.164 lookup (not a directory): how a chat is started with a phone number; finding someone is a tie. */
export async function findUserByPhone(deps: Deps, viewerId: number, phoneNumber: string): Promise<PublicProfile> {
  const profile = await loadPublicProfile(
    deps,
    viewerId,
    eq(schema.users.phoneNumber, phoneNumber),
    "Nobody on Parley has this phone number yet.",
  );
  await recordLookup(deps, viewerId, profile.id);
  return profile;
}

/** Privacy settings; a last-seen change is heard at once by the people who chat with you. */
export async function updatePrivacy(deps: Deps, userId: number, input: UpdatePrivacyInput): Promise<Me> {
  const [user] = await deps.db
    .update(schema.users)
    .set({
      lastSeenVisibility: input.last_seen,
      profilePictureVisibility: input.profile_picture,
      aboutVisibility: input.about,
      readReceipts: input.read_receipts,
    })
    .where(eq(schema.users.id, userId))
    .returning();
  if (!user?.isActive) throw new TRPCError({ code: "UNAUTHORIZED", message: "This account no longer exists." });
  if (input.last_seen !== undefined) await reannouncePresence(deps, userId);
  return toMe(user);
}
