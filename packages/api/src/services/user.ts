import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";

import { type InferSelectModel, schema } from "@parley/db";
import type { Me, PublicProfile, UpdateMeInput, UserSummary } from "@parley/validators";

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
  };
}

/** Another user's profile as `viewerId` may see it; someone who blocked the viewer shows no presence or picture. */
export function toPublicProfile(user: UserRow, options: { isHiddenFromViewer: boolean }): PublicProfile {
  const hidden = options.isHiddenFromViewer;
  return {
    ...toUserSummary(user),
    profile_picture_url: hidden ? null : user.profilePictureUrl,
    profile_picture_media_id: hidden ? null : user.profileMediaId,
    status_message: hidden ? null : user.statusMessage,
    is_online: hidden ? false : user.isOnline,
    last_seen: hidden ? null : (user.lastSeen?.toISOString() ?? null),
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
  const picture = input.profile_picture_media_id ? await resolvePicture(deps, userId, input.profile_picture_media_id, "profile_picture") : null;
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
