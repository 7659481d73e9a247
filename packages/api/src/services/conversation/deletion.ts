import { TRPCError } from "@trpc/server";

import { schema } from "@parley/db";
import type { DurableEvent } from "@parley/validators";

import type { Deps } from "../../runtime";
import { appendEvents, deliverEvents } from "../events";

/** "Delete for me": hidden from this user only; their other devices are told with `event`. */
export async function hideForUser(deps: Deps, userId: number, messageId: number, event: DurableEvent) {
  const stored = await deps.db.transaction(async (tx) => {
    await tx.insert(schema.hiddenMessages).values({ userId, messageId }).onConflictDoNothing();
    return appendEvents(tx, [{ userId, event }]);
  });
  await deliverEvents(deps, stored);
  return { message: "Deleted for you" };
}

/** Deleting for everyone is allowed for DELETE_FOR_EVERYONE_WINDOW_HOURS after sending. */
export function assertDeletableForEveryone(deps: Deps, createdAt: Date) {
  const windowSeconds = deps.config.messaging.deleteForEveryoneWindowSeconds;
  if (Date.now() - createdAt.getTime() > windowSeconds * 1000) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `Messages can be deleted for everyone only within ${Math.round(windowSeconds / 3600)} hours of sending. You can still delete it for yourself.`,
    });
  }
}

/** What deleting for everyone leaves: the row (so seq has no hole and replies say "deleted message"), none of its content. */
export const blankedMessage = () => ({
  deletedAt: new Date(),
  content: null,
  // An encrypted message's ciphertext goes too: what stays is the tombstone (kind, epoch, seq).
  ciphertext: null,
  // The file stops being readable at once; with no message carrying it, cleanup deletes it.
  mediaId: null,
  locationName: null,
  mediaUrl: null,
  mediaThumbnailUrl: null,
  locationLatitude: null,
  locationLongitude: null,
});
