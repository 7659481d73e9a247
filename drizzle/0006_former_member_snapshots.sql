ALTER TABLE "group_members" ADD COLUMN "left_name" varchar(255);--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_description" text;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_profile_picture_url" text;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_picture_media_id" uuid;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_member_count" integer;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_delivered_seq" integer;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_read_seq" integer;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "upload_cleared_at" timestamp with time zone;--> statement-breakpoint
-- Members who left before snapshots existed: the group as it is now is the best record of what they
-- knew (their last_seq is already their left_seq). Later changes are then hidden from them as from anyone.
UPDATE "group_members" AS "gm" SET
  "left_name" = "g"."name",
  "left_description" = "g"."description",
  "left_profile_picture_url" = "g"."profile_picture_url",
  "left_picture_media_id" = "g"."picture_media_id",
  "left_member_count" = (SELECT count(*)::int FROM "group_members" AS "current" WHERE "current"."group_id" = "g"."id" AND "current"."left_seq" IS NULL),
  "left_delivered_seq" = least("g"."delivered_seq", "gm"."left_seq"),
  "left_read_seq" = least("g"."read_seq", "gm"."left_seq")
FROM "groups" AS "g"
WHERE "g"."id" = "gm"."group_id" AND "gm"."left_seq" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_left_picture_media_id_media_id_fk" FOREIGN KEY ("left_picture_media_id") REFERENCES "public"."media"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_group_members_left_picture" ON "group_members" USING btree ("left_picture_media_id") WHERE "group_members"."left_picture_media_id" is not null;--> statement-breakpoint
CREATE INDEX "idx_media_uploads_to_clear" ON "media" USING btree ("upload_expires_at") WHERE "media"."upload_cleared_at" is null and "media"."status" in ('ready', 'rejected');--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_left_snapshot" CHECK (("group_members"."left_seq" is null) = ("group_members"."left_name" is null) and ("group_members"."left_seq" is null) = ("group_members"."left_member_count" is null)
        and ("group_members"."left_seq" is null) = ("group_members"."left_delivered_seq" is null) and ("group_members"."left_seq" is null) = ("group_members"."left_read_seq" is null)
        and ("group_members"."left_seq" is not null or ("group_members"."left_description" is null and "group_members"."left_profile_picture_url" is null and "group_members"."left_picture_media_id" is null)));