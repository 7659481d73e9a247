import { TRPCError } from "@trpc/server";
import { type AnyColumn, eq, getTableName, type SQL, sql } from "drizzle-orm";

import { type InferSelectModel, schema } from "@parley/db";
import type { Me, Privacy, PublicProfile, UpdateMeInput, UserSummary, Visibility } from "@parley/validators";

import type { Deps } from "../runtime";
import { resolvePicture } from "./media/media";

type UserRow = InferSelectModel<typeof schema.users>;

export function toUserSummary(user: Pick<UserRow, "id" | "phoneNumber" | "fullName">): UserSummary {
  return { id: user.id, phone_number: user.phoneNumber, full_name: user.fullName };
}

export function toMe(user: UserRow): Me {
  return {
    ...toUserSummary(user),
    username: user.username,
    profile_picture_url: user.profilePictureUrl,
    profile_picture_media_id: user.profileMediaId,
    status_message: user.statusMessage,
    last_seen: user.lastSeen?.toISOString() ?? null,
    is_online: user.isOnline,
    created_at: user.createdAt.toISOString(),
    privacy: toPrivacy(user),
  };
}

function toPrivacy(user: UserRow): Privacy {
  return {
    last_seen: user.lastSeenVisibility,
    profile_picture: user.profilePictureVisibility,
    about: user.aboutVisibility,
    read_receipts: user.readReceipts,
  };
}

/** How a viewer stands with a user: what their privacy settings and blocks are decided by. */
export type ViewerStanding = { isSelf: boolean; blocksViewer: boolean; hasViewerAsContact: boolean };

/**
 * The same, as columns to select beside a user row (`...viewerStanding(viewerId, schema.users.id)`),
 * so a list of profiles costs no query per person.
 */
/**
 * A column as `table.column`, for use inside subqueries: drizzle leaves columns of a single-table
 * select bare, and a bare "id" inside a subquery would be read as the subquery's own column.
 */
export function qualifiedColumn(column: AnyColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

export function viewerStanding(viewerId: number, userIdColumn: AnyColumn) {
  const userId = qualifiedColumn(userIdColumn);
  return {
    isSelf: sql<boolean>`(${userId} = ${viewerId})`,
    blocksViewer: sql<boolean>`exists (select 1 from ${schema.blockedUsers} sb where sb.blocker_id = ${userId} and sb.blocked_id = ${viewerId})`,
    hasViewerAsContact: sql<boolean>`exists (
      select 1 from ${schema.contacts} sc join ${schema.users} sv on sv.id = ${viewerId}
      where sc.user_id = ${userId} and sc.contact_phone_number = sv.phone_number)`,
  };
}

/** "Everyone", "my contacts" (people in the user's contacts) or "nobody"; a block hides everything. */
export function isVisible(visibility: Visibility, standing: ViewerStanding): boolean {
  if (standing.isSelf) return true;
  if (standing.blocksViewer) return false;
  return visibility === "everyone" || (visibility === "contacts" && standing.hasViewerAsContact);
}

/** Another user's profile as the viewer may see it: their privacy settings and blocks decide each part. */
export function toPublicProfile(user: UserRow, standing: ViewerStanding): PublicProfile {
  const picture = isVisible(user.profilePictureVisibility, standing);
  const presence = isVisible(user.lastSeenVisibility, standing);
  return {
    ...toUserSummary(user),
    profile_picture_url: picture ? user.profilePictureUrl : null,
    profile_picture_media_id: picture ? user.profileMediaId : null,
    status_message: isVisible(user.aboutVisibility, standing) ? user.statusMessage : null,
    is_online: presence ? user.isOnline : false,
    last_seen: presence ? (user.lastSeen?.toISOString() ?? null) : null,
  };
}

const noSuchUser = () => new TRPCError({ code: "NOT_FOUND", message: "There is no Parley user with this id." });

export async function findActiveUserSummary(deps: Deps, userId: number): Promise<UserSummary> {
  const [user] = await deps.db.select().from(schema.users).where(eq(schema.users.id, userId)).limit(1);
  if (!user?.isActive) throw noSuchUser();
  return toUserSummary(user);
}

async function findActiveUser(deps: Deps, userId: number): Promise<UserRow> {
  const [user] = await deps.db.select().from(schema.users).where(eq(schema.users.id, userId)).limit(1);
  // A valid session for a missing user means it was deleted under us: treat as signed out.
  if (!user?.isActive) throw new TRPCError({ code: "UNAUTHORIZED", message: "This account no longer exists." });
  return user;
}

export async function getMe(deps: Deps, userId: number): Promise<Me> {
  return toMe(await findActiveUser(deps, userId));
}

export async function updateMe(deps: Deps, userId: number, input: UpdateMeInput): Promise<Me> {
  const picture = input.profile_picture_media_id
    ? await resolvePicture(deps, userId, input.profile_picture_media_id, "profile_picture")
    : null;
  const [user] = await deps.db
    .update(schema.users)
    .set({
      fullName: input.full_name,
      statusMessage: input.status_message,
      profilePictureUrl: input.profile_picture_url,
      profileMediaId: input.profile_picture_media_id === undefined ? undefined : (picture?.id ?? null),
    })
    .where(eq(schema.users.id, userId))
    .returning();
  if (!user?.isActive) throw new TRPCError({ code: "UNAUTHORIZED", message: "This account no longer exists." });
  return toMe(user);
}
