import { randomUUID } from "node:crypto";

import { TRPCError } from "@trpc/server";
import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";

import { executeRows, type InferSelectModel, schema } from "@parley/db";
import type {
  CreateUploadInput,
  LocationOutput,
  MediaKind,
  MediaOutput,
  MediaUrl,
  MediaUrlInput,
  MessageType,
  UploadTicket,
} from "@parley/validators";

import type { Deps } from "../../runtime";
import { consumeLimit } from "../rate-limit";
import { inspectUpload } from "./inspect";
import { ObjectTooLarge } from "./storage";

export type MediaRow = InferSelectModel<typeof schema.media>;
type MessageRow = InferSelectModel<typeof schema.messages>;

// A check that died with its process is taken over after this.
const STALE_PROCESSING_MS = 2 * 60 * 1000;
// How long after upload_expires_at an upload URL may still work: it is signed a moment after the
// row is written, and the store judges expiry by its own clock (S3 allows 15 minutes of skew).
const UPLOAD_URL_GRACE_MS = 15 * 60 * 1000;

const noSuchUpload = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such upload." });
// One answer for "doesn't exist" and "not yours to see": an id tells nobody anything.
const noSuchFile = () => new TRPCError({ code: "NOT_FOUND", message: "There is no such file, or you can't see it." });

/** Where the client PUTs an upload; the checked bytes are kept under a key of their own. */
const uploadKeyOf = (mediaId: string) => `uploads/${mediaId}`;

const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;

export function toMediaOutput(row: MediaRow): MediaOutput {
  return {
    id: row.id,
    kind: row.kind,
    mime_type: row.mimeType ?? row.declaredMimeType,
    size: row.size ?? row.declaredSize,
    file_name: row.fileName,
    width: row.width,
    height: row.height,
    duration_seconds: row.durationSeconds,
    has_thumbnail: row.thumbnailKey !== null,
    is_voice_note: row.isVoiceNote,
  };
}

/** What a message carries besides text, as clients get it; a deleted message carries nothing. */
export function messageAttachments(
  message: MessageRow,
  media: MediaRow | null,
): { media: MediaOutput | null; location: LocationOutput | null } {
  if (message.deletedAt) return { media: null, location: null };
  const location =
    message.locationLatitude !== null && message.locationLongitude !== null
      ? {
          latitude: Number(message.locationLatitude),
          longitude: Number(message.locationLongitude),
          name: message.locationName,
        }
      : null;
  return { media: media && message.mediaId === media.id ? toMediaOutput(media) : null, location };
}

/** Coordinates as the columns keep them (8 decimals), so what the sender gets back is what others read. */
export function storedLocation(location: { latitude: number; longitude: number; name?: string }): LocationOutput {
  const round = (value: number) => Math.round(value * 1e8) / 1e8;
  return { latitude: round(location.latitude), longitude: round(location.longitude), name: location.name || null };
}

/**
 * Step one of sending a file: a media id and a short-lived URL the client PUTs the bytes to,
 * straight into storage. Nothing is trusted yet: the declared type and size only pick the
 * ticket; the bytes are checked when the upload is completed or sent.
 */
export async function createUpload(deps: Deps, userId: number, input: CreateUploadInput): Promise<UploadTicket> {
  const { maxBytes, allowedTypes, uploadsPerHour, uploadUrlTtlSeconds } = deps.config.media;
  if ((input.purpose === "profile_picture" || input.purpose === "group_picture") && input.kind !== "image") {
    throw new TRPCError({ code: "BAD_REQUEST", message: "A profile or group picture must be a photo (kind image)." });
  }
  const acceptable = input.kind === "document" ? Object.values(allowedTypes).flat() : allowedTypes[input.kind];
  if (!acceptable.includes(input.mime_type)) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `${input.mime_type} is not a type we send as ${input.kind}. Allowed: ${allowedTypes[input.kind].join(", ")}.`,
    });
  }
  if (input.size > maxBytes) {
    throw new TRPCError({
      code: "PAYLOAD_TOO_LARGE",
      message: `Files can be up to ${formatBytes(maxBytes)}; this one is ${formatBytes(input.size)}.`,
    });
  }
  await consumeLimit(deps.store, {
    key: `media-upload:${userId}`,
    max: uploadsPerHour,
    windowSeconds: 60 * 60,
    message: `You can upload up to ${uploadsPerHour} files an hour.`,
  });

  const id = randomUUID();
  const expiresAt = new Date(Date.now() + uploadUrlTtlSeconds * 1000);
  const storageKey = uploadKeyOf(id);
  await deps.db.insert(schema.media).values({
    id,
    ownerId: userId,
    purpose: input.purpose,
    kind: input.kind,
    declaredMimeType: input.mime_type,
    declaredSize: input.size,
    fileName: input.file_name || null,
    isVoiceNote: input.kind === "audio" && input.is_voice_note,
    durationSeconds: input.duration_seconds === undefined ? null : Math.round(input.duration_seconds),
    storageKey,
    uploadExpiresAt: expiresAt,
  });
  const upload = await deps.media.createUploadUrl(storageKey, {
    contentType: input.mime_type,
    size: input.size,
    expiresInSeconds: uploadUrlTtlSeconds,
  });
  return { media_id: id, upload, expires_at: expiresAt.toISOString(), max_bytes: input.size };
}

/** The uploader's own upload, or NOT_FOUND (someone else's id is as good as a made-up one). */
async function findOwnUpload(deps: Deps, userId: number, mediaId: string): Promise<MediaRow> {
  const [row] = await deps.db
    .select()
    .from(schema.media)
    .where(and(eq(schema.media.id, mediaId), eq(schema.media.ownerId, userId)));
  if (!row) throw noSuchUpload();
  return row;
}

/**
 * Step two: the bytes are in storage; check them (see inspectUpload) and keep what was
 * checked. The checked bytes are written under a key of their own, so a second PUT to the
 * still-valid upload URL can't swap them afterwards, and the upload is then closed: the
 * local store refuses further PUTs, and what S3 still takes is swept once the URL expires
 * (clearExpiredUploads). Idempotent: a ready file is returned as it is; a refused one says
 * why again.
 */
export async function completeUpload(deps: Deps, userId: number, mediaId: string): Promise<MediaRow> {
  const now = new Date();
  const [claimed] = await deps.db
    .update(schema.media)
    .set({ status: "processing", processingStartedAt: now })
    .where(
      and(
        eq(schema.media.id, mediaId),
        eq(schema.media.ownerId, userId),
        sql`(${schema.media.status} = 'pending' or (${schema.media.status} = 'processing' and ${schema.media.processingStartedAt} < ${new Date(now.getTime() - STALE_PROCESSING_MS).toISOString()}::timestamptz))`,
      ),
    )
    .returning();
  if (!claimed) {
    const row = await findOwnUpload(deps, userId, mediaId);
    if (row.status === "ready") return row;
    if (row.status === "rejected")
      throw new TRPCError({ code: "BAD_REQUEST", message: row.rejectedReason ?? "This file was refused." });
    throw new TRPCError({ code: "CONFLICT", message: "This file is still being checked. Try again in a moment." });
  }

  let body: Buffer | null;
  try {
    body = await deps.media.read(claimed.storageKey, deps.config.media.maxBytes);
  } catch (error) {
    if (error instanceof ObjectTooLarge)
      return reject(deps, claimed, `Files can be up to ${formatBytes(deps.config.media.maxBytes)}.`);
    await release(deps, claimed);
    throw error;
  }
  if (!body) {
    if (claimed.uploadExpiresAt > new Date()) {
      await release(deps, claimed);
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "Nothing has been uploaded for this file yet. Upload it first, then send it.",
      });
    }
    return reject(
      deps,
      claimed,
      "Nothing was uploaded for this file, and its upload link has expired. Upload it again.",
    );
  }

  try {
    const inspection = await inspectUpload(
      body,
      {
        kind: claimed.kind,
        mimeType: claimed.declaredMimeType,
        size: claimed.declaredSize,
        durationSeconds: claimed.durationSeconds,
      },
      deps.config.media.allowedTypes,
      { ffmpegPath: deps.config.media.ffmpegPath },
    );
    if (!inspection.ok) return await reject(deps, claimed, inspection.reason);

    const storageKey = `media/${claimed.ownerId}/${claimed.id}`;
    const thumbnailKey = inspection.thumbnail ? `${storageKey}.thumb.jpg` : null;
    const kept = inspection.replacement ?? body;
    await deps.media.write(storageKey, kept, inspection.mimeType);
    if (inspection.thumbnail && thumbnailKey) await deps.media.write(thumbnailKey, inspection.thumbnail, "image/jpeg");
    const [ready] = await deps.db
      .update(schema.media)
      .set({
        status: "ready",
        storageKey,
        thumbnailKey,
        mimeType: inspection.mimeType,
        size: kept.length,
        width: inspection.width,
        height: inspection.height,
        durationSeconds: inspection.durationSeconds,
        readyAt: new Date(),
      })
      .where(eq(schema.media.id, claimed.id))
      .returning();
    if (!ready) throw noSuchUpload();
    await closeUpload(deps, claimed);
    return ready;
  } catch (error) {
    if (error instanceof TRPCError) throw error;
    await release(deps, claimed);
    throw error;
  }
}

/** Back to pending, so the owner can try again (the store or the check failed on our side). */
async function release(deps: Deps, row: MediaRow) {
  await deps.db
    .update(schema.media)
    .set({ status: "pending", processingStartedAt: null })
    .where(eq(schema.media.id, row.id));
}

async function reject(deps: Deps, row: MediaRow, reason: string): Promise<never> {
  await deps.db
    .update(schema.media)
    .set({ status: "rejected", rejectedReason: reason })
    .where(eq(schema.media.id, row.id));
  // Refused bytes are not kept, and the upload URL takes no more.
  await closeUpload(deps, row);
  throw new TRPCError({ code: "BAD_REQUEST", message: reason });
}

/**
 * The upload is over (the row says ready or rejected): its URL takes no more where the store
 * can refuse, and the bytes PUT there go. A failure here is only logged: the row's answer
 * stands, and clearExpiredUploads deletes the upload key again after the URL expires.
 */
async function closeUpload(deps: Deps, row: MediaRow) {
  try {
    await deps.media.closeUpload(uploadKeyOf(row.id));
  } catch (error) {
    deps.log.warn({ err: error, mediaId: row.id }, "closing an upload failed; the sweep will clear it");
  }
}

const KIND_OF_MESSAGE: Partial<Record<MessageType, MediaKind>> = {
  image: "image",
  video: "video",
  audio: "audio",
  document: "document",
};

/**
 * The file a message is about to carry: the sender's own upload for messages, of the
 * message's kind, checked (now, if the client didn't complete it). Whether it was already
 * sent is the messages_media_sent_once index's to say, atomically with the send.
 */
export async function resolveAttachment(
  deps: Deps,
  senderId: number,
  mediaId: string,
  messageType: MessageType,
): Promise<MediaRow> {
  const row = await resolveFile(deps, senderId, mediaId);
  if (KIND_OF_MESSAGE[messageType] !== row.kind) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `This upload is ${row.kind === "image" || row.kind === "audio" ? "an" : "a"} ${row.kind}; send it with message_type ${row.kind}.`,
    });
  }
  return row;
}

/** A checked upload of the sender's made to go in a message, whatever its kind (an encrypted message names none). */
export async function resolveFile(deps: Deps, senderId: number, mediaId: string): Promise<MediaRow> {
  const row = await findOwnUpload(deps, senderId, mediaId);
  if (row.purpose !== "message")
    throw new TRPCError({ code: "BAD_REQUEST", message: "This upload is a picture, not a file to send." });
  return row.status === "ready" ? row : completeUpload(deps, senderId, mediaId);
}

/** A checked picture of the caller's for a profile or group (the only purpose it was uploaded for). */
export async function resolvePicture(
  deps: Deps,
  userId: number,
  mediaId: string,
  purpose: "profile_picture" | "group_picture",
) {
  const row = await findOwnUpload(deps, userId, mediaId);
  if (row.purpose !== purpose) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `This upload was not made as a ${purpose.replace("_", " ")} (purpose ${purpose}).`,
    });
  }
  return row.status === "ready" ? row : completeUpload(deps, userId, mediaId);
}

export const duplicateMediaSend = () =>
  new TRPCError({
    code: "CONFLICT",
    message: "This file was already sent in a message. Upload it again, or forward that message.",
  });

/**
 * Who may read a file: the uploader until it is sent; then whoever may read a message that
 * carries it (a member of that 1:1 chat, or a current member of that group from when they
 * joined, unless they deleted it for themselves); for pictures, whoever may see that profile
 * or group: its members, and a former member only the picture it had when they left (a picture
 * set after that is not theirs to see). Checked on every URL, so a removed member's next request
 * gives nothing.
 */
export async function readableMedia(deps: Deps, viewerId: number, mediaId: string): Promise<MediaRow> {
  const carriedTo = sql`
    exists (
      select 1 from ${schema.messages} m
      left join ${schema.chats} c on c.id = m.chat_id
      left join ${schema.groupMembers} gm on gm.group_id = m.group_id and gm.user_id = ${viewerId}
      where m.media_id = ${schema.media.id} and m.deleted_at is null
        and (c.user1_id = ${viewerId} or c.user2_id = ${viewerId} or (gm.left_seq is null and m.seq >= gm.joined_seq))
        and not exists (select 1 from ${schema.hiddenMessages} h where h.user_id = ${viewerId} and h.message_id = m.id)
    )`;
  const unsentOwn = sql`(${schema.media.ownerId} = ${viewerId} and not exists (select 1 from ${schema.messages} m where m.media_id = ${schema.media.id}))`;
  const profilePicture = sql`exists (
      select 1 from ${schema.users} u where u.profile_media_id = ${schema.media.id} and u.is_active
        and not exists (select 1 from ${schema.blockedUsers} b where b.blocker_id = u.id and b.blocked_id = ${viewerId})
    )`;
  const groupPicture = sql`exists (
      select 1 from ${schema.groups} g join ${schema.groupMembers} gm on gm.group_id = g.id
      where gm.user_id = ${viewerId}
        and ((gm.left_seq is null and g.picture_media_id = ${schema.media.id})
          or (gm.left_seq is not null and gm.left_picture_media_id = ${schema.media.id}))
    )`;
  const [row] = await deps.db
    .select()
    .from(schema.media)
    .where(
      and(
        eq(schema.media.id, mediaId),
        eq(schema.media.status, "ready"),
        sql`(${unsentOwn} or (${schema.media.purpose} = 'message' and ${carriedTo})
              or (${schema.media.purpose} = 'profile_picture' and ${profilePicture})
              or (${schema.media.purpose} = 'group_picture' and ${groupPicture}))`,
      ),
    );
  if (!row) throw noSuchFile();
  return row;
}

/** A signed, short-lived URL for a file the viewer may read. */
export async function mediaUrl(deps: Deps, viewerId: number, input: MediaUrlInput): Promise<MediaUrl> {
  const row = await readableMedia(deps, viewerId, input.media_id);
  const key = input.variant === "thumbnail" ? row.thumbnailKey : row.storageKey;
  if (!key) throw new TRPCError({ code: "NOT_FOUND", message: "This file has no thumbnail." });
  const mimeType = input.variant === "thumbnail" ? "image/jpeg" : (row.mimeType ?? row.declaredMimeType);
  const ttl = deps.config.media.urlTtlSeconds;
  const url = await deps.media.createDownloadUrl(key, {
    expiresInSeconds: ttl,
    contentType: mimeType,
    // Documents are saved, never rendered in our origin; photos, video and audio play inline.
    disposition: row.kind === "document" && input.variant === "original" ? "attachment" : "inline",
    fileName: input.variant === "thumbnail" ? null : row.fileName,
  });
  return { url, expires_at: new Date(Date.now() + ttl * 1000).toISOString(), mime_type: mimeType };
}

/**
 * Uploads nobody sent, refused ones, and files no message or picture carries any more (all
 * their messages were deleted for everyone) are deleted once older than MEDIA_UNSENT_TTL_HOURS:
 * rows first (a send racing this one fails on the foreign key instead of carrying a file
 * whose bytes are gone), then bytes. Returns how many went. Safe on many instances at once.
 */
export async function cleanupMedia(deps: Deps, options: { batchSize?: number } = {}): Promise<number> {
  const cutoff = new Date(Date.now() - deps.config.media.unsentTtlSeconds * 1000).toISOString();
  const deleted = await executeRows<{ id: string; storage_key: string; thumbnail_key: string | null }>(
    deps.db,
    sql`
      with unused as (
        select md.id from ${schema.media} md
        where md.created_at < ${cutoff}::timestamptz
          and not exists (select 1 from ${schema.messages} m where m.media_id = md.id)
          and not exists (select 1 from ${schema.users} u where u.profile_media_id = md.id)
          and not exists (select 1 from ${schema.groups} g where g.picture_media_id = md.id)
        order by md.created_at
        limit ${options.batchSize ?? 500}
        for update skip locked
      )
      delete from ${schema.media} md using unused where md.id = unused.id
      returning md.id, md.storage_key, md.thumbnail_key
    `,
  );
  // Both the checked key and the upload key: a refused or never-checked upload may have either.
  const keys = deleted.flatMap((row) => [
    row.storage_key,
    uploadKeyOf(row.id),
    ...(row.thumbnail_key ? [row.thumbnail_key] : []),
  ]);
  if (keys.length > 0) await deps.media.delete([...new Set(keys)]);
  return deleted.length;
}

/**
 * Deletes the upload key, once more, of each checked or refused upload whose upload URL has
 * expired. The check deleted it already, but a presigned S3 PUT can't be revoked, so whatever
 * was PUT between the check and the expiry would otherwise stay for good, read by nothing
 * (the file served is the checked copy). After the expiry no PUT can land, so one pass per
 * upload is enough; for the local store it also drops the closed-upload marker. The rows are
 * claimed with SKIP LOCKED and marked in the transaction that deletes, so instances share the
 * work, and a delete that fails is retried by the next run. Returns how many were cleared.
 */
export async function clearExpiredUploads(deps: Deps, options: { batchSize?: number } = {}): Promise<number> {
  const expiredBefore = new Date(Date.now() - UPLOAD_URL_GRACE_MS);
  return deps.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: schema.media.id })
      .from(schema.media)
      .where(
        and(
          isNull(schema.media.uploadClearedAt),
          inArray(schema.media.status, ["ready", "rejected"]),
          lt(schema.media.uploadExpiresAt, expiredBefore),
        ),
      )
      .orderBy(asc(schema.media.uploadExpiresAt))
      .limit(options.batchSize ?? 500)
      // NO KEY UPDATE: a send's foreign-key check on the row (KEY SHARE) doesn't wait for this.
      .for("no key update", { skipLocked: true });
    if (due.length === 0) return 0;
    const ids = due.map((row) => row.id);
    await deps.media.delete(ids.map(uploadKeyOf));
    await tx.update(schema.media).set({ uploadClearedAt: new Date() }).where(inArray(schema.media.id, ids));
    return ids.length;
  });
}
