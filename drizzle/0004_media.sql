CREATE TABLE "media" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" integer NOT NULL,
	"purpose" varchar(20) DEFAULT 'message' NOT NULL,
	"kind" varchar(10) NOT NULL,
	"status" varchar(12) DEFAULT 'pending' NOT NULL,
	"declared_mime_type" varchar(127) NOT NULL,
	"declared_size" integer NOT NULL,
	"file_name" varchar(255),
	"is_voice_note" boolean DEFAULT false NOT NULL,
	"storage_key" text NOT NULL,
	"mime_type" varchar(127),
	"size" integer,
	"width" integer,
	"height" integer,
	"duration_seconds" integer,
	"thumbnail_key" text,
	"rejected_reason" text,
	"upload_expires_at" timestamp with time zone NOT NULL,
	"processing_started_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone,
	CONSTRAINT "media_kind" CHECK ("media"."kind" in ('image', 'video', 'audio', 'document')),
	CONSTRAINT "media_purpose" CHECK ("media"."purpose" in ('message', 'profile_picture', 'group_picture')),
	CONSTRAINT "media_status" CHECK ("media"."status" in ('pending', 'processing', 'ready', 'rejected')),
	CONSTRAINT "media_declared_size_positive" CHECK ("media"."declared_size" > 0)
);
--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "picture_media_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "location_name" varchar(256);--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "profile_media_id" uuid;--> statement-breakpoint
ALTER TABLE "media" ADD CONSTRAINT "media_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_media_owner" ON "media" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "idx_media_created_at" ON "media" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_picture_media_id_media_id_fk" FOREIGN KEY ("picture_media_id") REFERENCES "public"."media"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_media_id_media_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_profile_media_id_media_id_fk" FOREIGN KEY ("profile_media_id") REFERENCES "public"."media"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idx_messages_media_id" ON "messages" USING btree ("media_id") WHERE "messages"."media_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "messages_media_sent_once" ON "messages" USING btree ("media_id") WHERE "messages"."media_id" is not null and not "messages"."is_forwarded";--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_location_pair" CHECK (("messages"."location_latitude" is null) = ("messages"."location_longitude" is null));