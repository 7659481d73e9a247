import { relations, sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

export const messageTypes = ["text", "image", "video", "audio", "document", "location", "system", "encrypted"] as const;
// What an encrypted message is to MLS: all the delivery service may know of it (ADR 0033).
export const mlsKinds = ["application", "commit"] as const;
export const mediaKinds = ["image", "video", "audio", "document"] as const;
export const mediaPurposes = ["message", "profile_picture", "group_picture"] as const;
// pending: upload URL issued; processing: being checked; ready: checked, may be attached; rejected: failed the check.
export const mediaStatuses = ["pending", "processing", "ready", "rejected"] as const;
export const messageStatuses = ["sent", "delivered", "read"] as const;
export const groupRoles = ["admin", "member"] as const;
export const visibilities = ["everyone", "contacts", "nobody"] as const;

export const users = pgTable(
  "users",
  {
    id: serial().primaryKey(),
    phoneNumber: varchar({ length: 20 }).notNull().unique("users_phone_number_unique"),
    username: varchar({ length: 50 }).unique(),
    email: varchar({ length: 255 }).unique(),
    passwordHash: varchar({ length: 255 }).notNull(),
    fullName: varchar({ length: 255 }),
    profilePictureUrl: text(),
    // A picture uploaded through the media pipeline (profile_picture_url stays for external URLs).
    profileMediaId: uuid().references((): AnyPgColumn => media.id, { onDelete: "set null" }),
    statusMessage: text(),
    // Privacy, as in WhatsApp: who sees my last seen and online, my profile picture, my about.
    lastSeenVisibility: varchar({ length: 10, enum: visibilities }).notNull().default("everyone"),
    profilePictureVisibility: varchar({ length: 10, enum: visibilities }).notNull().default("everyone"),
    aboutVisibility: varchar({ length: 10, enum: visibilities }).notNull().default("everyone"),
    // Off: you neither send nor see blue ticks in 1:1 chats.
    readReceipts: boolean().notNull().default(true),
    lastSeen: timestamp({ withTimezone: true }),
    isOnline: boolean().notNull().default(false),
    isActive: boolean().notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("idx_users_is_active").on(t.isActive),
    index("idx_users_is_online").on(t.isOnline),
    check(
      "users_visibilities",
      sql`${t.lastSeenVisibility} in ('everyone', 'contacts', 'nobody') and ${t.profilePictureVisibility} in ('everyone', 'contacts', 'nobody') and ${t.aboutVisibility} in ('everyone', 'contacts', 'nobody')`,
    ),
  ],
);

/**
 * One row per login (a device). Tokens carry the session id, so logging out
 * revokes one device and "log out everywhere" revokes them all.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    userAgent: varchar({ length: 512 }),
    ipAddress: varchar({ length: 64 }),
    createdAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("idx_sessions_user_id").on(t.userId)],
);

// End-to-end encryption (ADR 0033). All key material here is public or sealed: the server can
// route to devices and hand out key packages, and can open nothing.

/** The account identity key's public half, and the private half sealed under the recovery key. */
export const accountKeys = pgTable("account_keys", {
  userId: integer()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  // Base64 of the 32-byte Ed25519 public key.
  publicKey: varchar({ length: 64 }).notNull(),
  // Base64 of sealAccountKey's output: only the recovery key opens it.
  sealedKey: text(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A device is a signed-in session with its own MLS signature key, certified by the account key. */
export const devices = pgTable(
  "devices",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // The session it belongs to; a signed-out or removed device keeps its row, marked removed.
    sessionId: uuid()
      .notNull()
      .unique("devices_session_id_unique")
      .references(() => sessions.id, { onDelete: "cascade" }),
    name: varchar({ length: 64 }).notNull(),
    signaturePublicKey: varchar({ length: 64 }).notNull().unique("devices_signature_public_key_unique"),
    // Base64 of the account key's signature over (user id, signature key).
    certificate: varchar({ length: 128 }).notNull(),
    createdAt: createdAt(),
    lastActiveAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("idx_devices_user_id").on(t.userId)],
);

/** Published key packages: each handed out at most once, except a device's last-resort one. */
export const keyPackages = pgTable(
  "key_packages",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    deviceId: uuid()
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    // Hex KeyPackageRef: how a Welcome names the package it is for.
    ref: varchar({ length: 64 }).notNull().unique("key_packages_ref_unique"),
    keyPackage: text().notNull(),
    lastResort: boolean().notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index("idx_key_packages_device").on(t.deviceId, t.lastResort, t.id),
    uniqueIndex("key_packages_one_last_resort")
      .on(t.deviceId)
      .where(sql`${t.lastResort}`),
  ],
);

/**
 * A conversation's end-to-end encryption: on from its start, never off. Its MLS group's id, and
 * the epoch the delivery service accepts commits and messages at (each commit moves it by one).
 */
const e2eeColumns = (table: string) => ({
  e2ee: boolean().notNull().default(false),
  // Base64 of the MLS group id the creating device chose (32 random bytes).
  mlsGroupId: varchar({ length: 64 }).unique(`${table}_mls_group_id_unique`),
  mlsEpoch: bigint({ mode: "number" }).notNull().default(0),
});

export const chats = pgTable(
  "chats",
  {
    id: serial().primaryKey(),
    // Always user1Id < user2Id, so a pair has exactly one row whatever the order.
    user1Id: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    user2Id: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lastMessageId: bigint({ mode: "number" }).references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    lastMessageAt: timestamp({ withTimezone: true }),
    user1UnreadCount: integer().notNull().default(0),
    user2UnreadCount: integer().notNull().default(0),
    // Last allocated message seq: incremented under the row lock, so seqs are gap-free.
    lastSeq: integer().notNull().default(0),
    ...e2eeColumns("chats"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("chats_e2ee_group_id", sql`${t.e2ee} = (${t.mlsGroupId} is not null)`),
    unique("chats_user_pair_unique").on(t.user1Id, t.user2Id),
    check("no_self_chat", sql`${t.user1Id} <> ${t.user2Id}`),
    check("chats_user_order", sql`${t.user1Id} < ${t.user2Id}`),
    // Every message moves last_message_at, so each index here is rewritten per message (no HOT
    // update). The spec's (user, last_message_at) pair serves the chat list and lookups by user;
    // its single-column user2_id and global last_message_at indexes would only add write cost.
    index("idx_chats_user1_last_msg").on(t.user1Id, t.lastMessageAt.desc()),
    index("idx_chats_user2_last_msg").on(t.user2Id, t.lastMessageAt.desc()),
  ],
);

export const groups = pgTable(
  "groups",
  {
    id: serial().primaryKey(),
    name: varchar({ length: 255 }).notNull(),
    description: text(),
    profilePictureUrl: text(),
    pictureMediaId: uuid().references((): AnyPgColumn => media.id, { onDelete: "set null" }),
    createdBy: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    lastMessageId: bigint({ mode: "number" }).references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    lastMessageAt: timestamp({ withTimezone: true }),
    lastSeq: integer().notNull().default(0),
    // Every current member has every message up to here (two ticks) / has read it (blue ticks):
    // the minimum of the members' watermarks, kept so a receipt knows whether it moved them.
    deliveredSeq: integer().notNull().default(0),
    readSeq: integer().notNull().default(0),
    ...e2eeColumns("groups"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("idx_groups_created_by").on(t.createdBy),
    check("groups_e2ee_group_id", sql`${t.e2ee} = (${t.mlsGroupId} is not null)`),
  ],
);

export const groupMembers = pgTable(
  "group_members",
  {
    id: serial().primaryKey(),
    groupId: integer()
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: varchar({ length: 20, enum: groupRoles }).notNull().default("member"),
    joinedAt: createdAt(),
    // The member sees messages joinedSeq..leftSeq: nothing from before they were added, nothing
    // after they left or were removed (the row stays so what they had remains readable).
    joinedSeq: integer().notNull(),
    leftSeq: integer(),
    leftAt: timestamp({ withTimezone: true }),
    // Per-member receipts as watermarks (messages arrive in seq order), not a status row per
    // message and member: a 256-member group would write 255 rows per message. Unread is
    // lastSeq - readSeq, so sending doesn't touch 255 unread counters either.
    deliveredSeq: integer().notNull().default(0),
    readSeq: integer().notNull().default(0),
    // The group as it stood at leftSeq, taken in the statement that sets leftSeq and null while a
    // member: a former member is shown this (name, description, picture, size, ticks) rather
    // than what the group became after they were gone, as they are shown no later messages.
    leftName: varchar({ length: 255 }),
    leftDescription: text(),
    leftProfilePictureUrl: text(),
    leftPictureMediaId: uuid().references((): AnyPgColumn => media.id, { onDelete: "set null" }),
    leftMemberCount: integer(),
    leftDeliveredSeq: integer(),
    leftReadSeq: integer(),
  },
  (t) => [
    unique("group_members_group_user_unique").on(t.groupId, t.userId),
    check("group_members_role", sql`${t.role} in ('admin', 'member')`),
    check("group_members_seqs", sql`${t.leftSeq} is null or ${t.leftSeq} >= ${t.joinedSeq}`),
    check(
      "group_members_left_snapshot",
      sql`(${t.leftSeq} is null) = (${t.leftName} is null) and (${t.leftSeq} is null) = (${t.leftMemberCount} is null)
        and (${t.leftSeq} is null) = (${t.leftDeliveredSeq} is null) and (${t.leftSeq} is null) = (${t.leftReadSeq} is null)
        and (${t.leftSeq} is not null or (${t.leftDescription} is null and ${t.leftProfilePictureUrl} is null and ${t.leftPictureMediaId} is null))`,
    ),
    index("idx_group_members_user_id").on(t.userId),
    // For the foreign key: deleting a media row looks here (partial: almost every row is null).
    index("idx_group_members_left_picture")
      .on(t.leftPictureMediaId)
      .where(sql`${t.leftPictureMediaId} is not null`),
  ],
);

/**
 * When each member's delivered / read watermark moved: one row per receipt (a batch of
 * messages), so "message info" can say when each member got and read a message
 * (the first receipt whose up_to_seq reaches it) without a row per message and member.
 */
export const groupReceipts = pgTable(
  "group_receipts",
  {
    groupId: integer()
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: varchar({ length: 10, enum: ["delivered", "read"] }).notNull(),
    upToSeq: integer().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId, t.kind, t.upToSeq] }),
    check("group_receipts_kind", sql`${t.kind} in ('delivered', 'read')`),
  ],
);

export const messages = pgTable(
  "messages",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    chatId: integer().references(() => chats.id, { onDelete: "cascade" }),
    groupId: integer().references(() => groups.id, { onDelete: "cascade" }),
    senderId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    // Position in its conversation: 1, 2, 3… with no holes (see chats.lastSeq).
    seq: integer().notNull(),
    // Made by the sending client; a retry with the same id returns the first message.
    clientMsgId: uuid(),
    content: text(),
    messageType: varchar({ length: 20, enum: messageTypes }).notNull().default("text"),
    // For message_type 'system' (group events such as "Ana added Ben"): { action, actor_id, user_ids, name }.
    system: jsonb(),
    // Photos, videos, audio and documents live in `media` (checked, with thumbnail and size);
    // URLs are minted per read, short-lived, so the spec's media_url columns stay empty.
    mediaId: uuid().references((): AnyPgColumn => media.id, { onDelete: "set null" }),
    mediaUrl: text(),
    mediaThumbnailUrl: text(),
    mediaSize: integer(),
    mediaDuration: integer(),
    // The spec's DECIMAL(10, 8) cannot hold a longitude past ±99.99999999; longitudes need 11 digits.
    locationLatitude: numeric({ precision: 10, scale: 8 }),
    locationLongitude: numeric({ precision: 11, scale: 8 }),
    locationName: varchar({ length: 256 }),
    replyToMessageId: bigint({ mode: "number" }).references((): AnyPgColumn => messages.id, { onDelete: "set null" }),
    isForwarded: boolean().notNull().default(false),
    editedAt: timestamp({ withTimezone: true }),
    // An encrypted message ('encrypted'): its MLS kind and epoch, the device that sent it, and the
    // MLSMessage itself (base64), which only the conversation's devices can open.
    mlsKind: varchar({ length: 12, enum: mlsKinds }),
    mlsEpoch: bigint({ mode: "number" }),
    senderDeviceId: uuid().references((): AnyPgColumn => devices.id, { onDelete: "set null" }),
    ciphertext: text(),
    // Set when the sender deleted it for everyone: content and media are cleared, the row stays
    // so that seq has no hole and replies can say "deleted message".
    deletedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      "chat_or_group",
      sql`(${t.chatId} is not null and ${t.groupId} is null) or (${t.chatId} is null and ${t.groupId} is not null)`,
    ),
    check(
      "messages_type",
      sql`${t.messageType} in ('text', 'image', 'video', 'audio', 'document', 'location', 'system', 'encrypted')`,
    ),
    check(
      "messages_encrypted",
      sql`(${t.messageType} = 'encrypted') = (${t.mlsKind} is not null)
        and (${t.messageType} <> 'encrypted' or (${t.content} is null and ${t.mlsEpoch} is not null))
        and (${t.mediaId} is null or ${t.mlsKind} is null or ${t.mlsKind} = 'application')
        and (${t.ciphertext} is null or ${t.messageType} = 'encrypted')`,
    ),
    check("messages_mls_kind", sql`${t.mlsKind} is null or ${t.mlsKind} in ('application', 'commit')`),
    check("messages_system_in_groups", sql`${t.messageType} <> 'system' or ${t.groupId} is not null`),
    check("messages_seq_positive", sql`${t.seq} > 0`),
    // History is read and gap-filled by (conversation, seq): these serve the
    // spec's (chat_id, created_at) / (group_id, created_at) indexes' purpose.
    uniqueIndex("messages_chat_seq_unique")
      .on(t.chatId, t.seq)
      .where(sql`${t.chatId} is not null`),
    uniqueIndex("messages_group_seq_unique")
      .on(t.groupId, t.seq)
      .where(sql`${t.groupId} is not null`),
    unique("messages_sender_client_msg_unique").on(t.senderId, t.clientMsgId),
    // BRIN: messages arrive in time order, so a block-range index answers time ranges at a
    // fraction of a B-tree's cost per insert (this table takes every message).
    index("idx_messages_created_at").using("brin", t.createdAt),
    // Partial: most messages are not replies, and the FK's ON DELETE lookup still uses it.
    index("idx_messages_reply_to_message_id")
      .on(t.replyToMessageId)
      .where(sql`${t.replyToMessageId} is not null`),
    // Searching your own messages by words: an expression index (no stored vector to read back with
    // every message). 'simple' has no language's stemming, so any language matches word for word.
    index("idx_messages_search").using("gin", sql`to_tsvector('simple', coalesce(${t.content}, ''))`),
    // Who may read a file is decided by the messages that carry it.
    index("idx_messages_media_id")
      .on(t.mediaId)
      .where(sql`${t.mediaId} is not null`),
    // An upload is sent once; forwarding (which reuses the file) is how it reaches other chats.
    uniqueIndex("messages_media_sent_once")
      .on(t.mediaId)
      .where(sql`${t.mediaId} is not null and not ${t.isForwarded}`),
    check("messages_location_pair", sql`(${t.locationLatitude} is null) = (${t.locationLongitude} is null)`),
  ],
);

/**
 * An uploaded file: photo, video, audio, document, or a profile or group picture. The bytes
 * live in storage (local disk or S3) under `storage_key`; this row says what was promised
 * (declared_*) and, once checked, what actually arrived (sniffed type, real size, dimensions).
 * The id is a random UUID, but ids are not capabilities: every read is checked against
 * membership of a conversation that carries the file.
 */
export const media = pgTable(
  "media",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: varchar({ length: 20, enum: mediaPurposes }).notNull().default("message"),
    kind: varchar({ length: 10, enum: mediaKinds }).notNull(),
    status: varchar({ length: 12, enum: mediaStatuses }).notNull().default("pending"),
    declaredMimeType: varchar({ length: 127 }).notNull(),
    declaredSize: integer().notNull(),
    fileName: varchar({ length: 255 }),
    isVoiceNote: boolean().notNull().default(false),
    storageKey: text().notNull(),
    // Filled by the check: the type sniffed from the bytes, never the client's claim.
    mimeType: varchar({ length: 127 }),
    size: integer(),
    width: integer(),
    height: integer(),
    durationSeconds: integer(),
    thumbnailKey: text(),
    rejectedReason: text(),
    uploadExpiresAt: timestamp({ withTimezone: true }).notNull(),
    // When the upload key was cleared for good, after the upload URL expired: a presigned S3 PUT
    // can't be revoked, so whatever was PUT between the check and the expiry is deleted then.
    uploadClearedAt: timestamp({ withTimezone: true }),
    processingStartedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    readyAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("idx_media_owner").on(t.ownerId),
    // The cleanup of uploads nobody sent walks media by age.
    index("idx_media_created_at").on(t.createdAt),
    // The sweep of checked uploads whose URL has expired (partial: only those not swept yet).
    index("idx_media_uploads_to_clear")
      .on(t.uploadExpiresAt)
      .where(sql`${t.uploadClearedAt} is null and ${t.status} in ('ready', 'rejected')`),
    check("media_kind", sql`${t.kind} in ('image', 'video', 'audio', 'document')`),
    check("media_purpose", sql`${t.purpose} in ('message', 'profile_picture', 'group_picture')`),
    check("media_status", sql`${t.status} in ('pending', 'processing', 'ready', 'rejected')`),
    check("media_declared_size_positive", sql`${t.declaredSize} > 0`),
  ],
);

/**
 * Which devices are in a conversation's MLS group, as the delivery service last accepted it:
 * a device is in from the commit that added it (or from creating the group) until the commit
 * that removed it. A device still in whose person left, or that was unlinked or signed out, must
 * be committed out before the conversation takes more messages (see services/e2ee.ts).
 */
export const mlsMembers = pgTable(
  "mls_members",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    chatId: integer().references(() => chats.id, { onDelete: "cascade" }),
    groupId: integer().references(() => groups.id, { onDelete: "cascade" }),
    deviceId: uuid()
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    addedSeq: integer().notNull(),
    removedSeq: integer(),
  },
  (t) => [
    check(
      "mls_members_chat_or_group",
      sql`(${t.chatId} is not null and ${t.groupId} is null) or (${t.chatId} is null and ${t.groupId} is not null)`,
    ),
    uniqueIndex("mls_members_chat_device")
      .on(t.chatId, t.deviceId)
      .where(sql`${t.chatId} is not null`),
    uniqueIndex("mls_members_group_device")
      .on(t.groupId, t.deviceId)
      .where(sql`${t.groupId} is not null`),
    index("idx_mls_members_device").on(t.deviceId),
  ],
);

/** A Welcome into a conversation, kept once however many devices it is for, until each took it. */
export const mlsWelcomes = pgTable(
  "mls_welcomes",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    chatId: integer().references(() => chats.id, { onDelete: "cascade" }),
    groupId: integer().references(() => groups.id, { onDelete: "cascade" }),
    // The commit that adds its devices: they read the conversation from the message after it.
    messageId: bigint({ mode: "number" })
      .notNull()
      .references((): AnyPgColumn => messages.id, { onDelete: "cascade" }),
    // Base64 MLSMessage (Welcome): encrypted to the new devices' key packages.
    welcome: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      "mls_welcomes_chat_or_group",
      sql`(${t.chatId} is not null and ${t.groupId} is null) or (${t.chatId} is null and ${t.groupId} is not null)`,
    ),
  ],
);

export const mlsWelcomeRecipients = pgTable(
  "mls_welcome_recipients",
  {
    welcomeId: bigint({ mode: "number" })
      .notNull()
      .references(() => mlsWelcomes.id, { onDelete: "cascade" }),
    deviceId: uuid()
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.welcomeId, t.deviceId] }),
    index("idx_mls_welcome_recipients_device").on(t.deviceId),
  ],
);

export const messageStatus = pgTable(
  "message_status",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    messageId: bigint({ mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: varchar({ length: 20, enum: messageStatuses }).notNull().default("sent"),
    deliveredAt: timestamp({ withTimezone: true }),
    readAt: timestamp({ withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("message_status_message_user_unique").on(t.messageId, t.userId),
    check("message_status_status", sql`${t.status} in ('sent', 'delivered', 'read')`),
    index("idx_message_status_user_id").on(t.userId),
  ],
);

/** One reaction per person per message (changing it replaces it). */
export const messageReactions = pgTable(
  "message_reactions",
  {
    messageId: bigint({ mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    emoji: varchar({ length: 32 }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId] })],
);

/** Messages a user starred, for their own list. */
export const starredMessages = pgTable(
  "starred_messages",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: bigint({ mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.messageId] }),
    index("idx_starred_user_created").on(t.userId, t.createdAt.desc()),
  ],
);

/** "Delete for me": the message stays for everyone else. */
export const hiddenMessages = pgTable(
  "hidden_messages",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    messageId: bigint({ mode: "number" })
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.messageId] })],
);

/**
 * Each user's durable event stream (new messages, receipts, deletions): the
 * truth behind resumable live delivery. `seq` is per user and gap-free
 * (allocated from user_event_counters under its row lock), so a client that
 * resumes after seq N gets exactly N+1, N+2, … whatever Redis still holds.
 */
export const userEvents = pgTable(
  "user_events",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    seq: bigint({ mode: "number" }).notNull(),
    type: varchar({ length: 40 }).notNull(),
    payload: jsonb().notNull(),
    createdAt: createdAt(),
  },
  // BRIN on created_at serves retention pruning without a B-tree insert per event.
  (t) => [primaryKey({ columns: [t.userId, t.seq] }), index("idx_user_events_created_at").using("brin", t.createdAt)],
);

export const userEventCounters = pgTable("user_event_counters", {
  userId: integer()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  lastSeq: bigint({ mode: "number" }).notNull().default(0),
});

export const contacts = pgTable(
  "contacts",
  {
    id: serial().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    contactPhoneNumber: varchar({ length: 20 }).notNull(),
    contactName: varchar({ length: 255 }),
    isBlocked: boolean().notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    unique("contacts_user_phone_unique").on(t.userId, t.contactPhoneNumber),
    index("idx_contacts_phone_number").on(t.contactPhoneNumber),
  ],
);

export const blockedUsers = pgTable(
  "blocked_users",
  {
    id: serial().primaryKey(),
    blockerId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [
    unique("blocked_users_pair_unique").on(t.blockerId, t.blockedId),
    check("no_self_block", sql`${t.blockerId} <> ${t.blockedId}`),
    index("idx_blocked_users_blocked_id").on(t.blockedId),
  ],
);

/**
 * Numbers a user looked up and found (exact search): one of the ties that let them see that
 * person's profile by id and message them. Without a tie an id is nobody, so walking ids harvests
 * nothing.
 */
export const userLookups = pgTable(
  "user_lookups",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    foundUserId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.foundUserId] })],
);

export const usersRelations = relations(users, ({ many }) => ({
  sessions: many(sessions),
  groupMemberships: many(groupMembers),
  contacts: many(contacts),
}));

export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));

export const chatsRelations = relations(chats, ({ one, many }) => ({
  user1: one(users, { fields: [chats.user1Id], references: [users.id], relationName: "chat_user1" }),
  user2: one(users, { fields: [chats.user2Id], references: [users.id], relationName: "chat_user2" }),
  lastMessage: one(messages, {
    fields: [chats.lastMessageId],
    references: [messages.id],
    relationName: "chat_last_message",
  }),
  messages: many(messages, { relationName: "chat_messages" }),
}));

export const groupsRelations = relations(groups, ({ one, many }) => ({
  creator: one(users, { fields: [groups.createdBy], references: [users.id] }),
  members: many(groupMembers),
  messages: many(messages, { relationName: "group_messages" }),
}));

export const groupReceiptsRelations = relations(groupReceipts, ({ one }) => ({
  group: one(groups, { fields: [groupReceipts.groupId], references: [groups.id] }),
  user: one(users, { fields: [groupReceipts.userId], references: [users.id] }),
}));

export const groupMembersRelations = relations(groupMembers, ({ one }) => ({
  group: one(groups, { fields: [groupMembers.groupId], references: [groups.id] }),
  user: one(users, { fields: [groupMembers.userId], references: [users.id] }),
}));

export const messagesRelations = relations(messages, ({ one, many }) => ({
  chat: one(chats, { fields: [messages.chatId], references: [chats.id], relationName: "chat_messages" }),
  group: one(groups, { fields: [messages.groupId], references: [groups.id], relationName: "group_messages" }),
  sender: one(users, { fields: [messages.senderId], references: [users.id] }),
  replyTo: one(messages, {
    fields: [messages.replyToMessageId],
    references: [messages.id],
    relationName: "message_reply",
  }),
  statuses: many(messageStatus),
}));

export const messageStatusRelations = relations(messageStatus, ({ one }) => ({
  message: one(messages, { fields: [messageStatus.messageId], references: [messages.id] }),
  user: one(users, { fields: [messageStatus.userId], references: [users.id] }),
}));

export const contactsRelations = relations(contacts, ({ one }) => ({
  owner: one(users, { fields: [contacts.userId], references: [users.id] }),
}));

export const blockedUsersRelations = relations(blockedUsers, ({ one }) => ({
  blocker: one(users, { fields: [blockedUsers.blockerId], references: [users.id], relationName: "blocker" }),
  blocked: one(users, { fields: [blockedUsers.blockedId], references: [users.id], relationName: "blocked" }),
}));
