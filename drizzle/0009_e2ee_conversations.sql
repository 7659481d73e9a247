CREATE TABLE "mls_members" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" integer,
	"group_id" integer,
	"device_id" uuid NOT NULL,
	"added_seq" integer NOT NULL,
	"removed_seq" integer,
	CONSTRAINT "mls_members_chat_or_group" CHECK (("mls_members"."chat_id" is not null and "mls_members"."group_id" is null) or ("mls_members"."chat_id" is null and "mls_members"."group_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "mls_welcome_recipients" (
	"welcome_id" bigint NOT NULL,
	"device_id" uuid NOT NULL,
	CONSTRAINT "mls_welcome_recipients_welcome_id_device_id_pk" PRIMARY KEY("welcome_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "mls_welcomes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" integer,
	"group_id" integer,
	"message_id" bigint NOT NULL,
	"welcome" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mls_welcomes_chat_or_group" CHECK (("mls_welcomes"."chat_id" is not null and "mls_welcomes"."group_id" is null) or ("mls_welcomes"."chat_id" is null and "mls_welcomes"."group_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_type";--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "e2ee" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "mls_group_id" varchar(64);--> statement-breakpoint
ALTER TABLE "chats" ADD COLUMN "mls_epoch" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "e2ee" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "mls_group_id" varchar(64);--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "mls_epoch" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "mls_kind" varchar(12);--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "mls_epoch" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sender_device_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "ciphertext" text;--> statement-breakpoint
ALTER TABLE "mls_members" ADD CONSTRAINT "mls_members_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_members" ADD CONSTRAINT "mls_members_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_members" ADD CONSTRAINT "mls_members_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_welcome_recipients" ADD CONSTRAINT "mls_welcome_recipients_welcome_id_mls_welcomes_id_fk" FOREIGN KEY ("welcome_id") REFERENCES "public"."mls_welcomes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_welcome_recipients" ADD CONSTRAINT "mls_welcome_recipients_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_welcomes" ADD CONSTRAINT "mls_welcomes_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_welcomes" ADD CONSTRAINT "mls_welcomes_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mls_welcomes" ADD CONSTRAINT "mls_welcomes_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mls_members_chat_device" ON "mls_members" USING btree ("chat_id","device_id") WHERE "mls_members"."chat_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "mls_members_group_device" ON "mls_members" USING btree ("group_id","device_id") WHERE "mls_members"."group_id" is not null;--> statement-breakpoint
CREATE INDEX "idx_mls_members_device" ON "mls_members" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "idx_mls_welcome_recipients_device" ON "mls_welcome_recipients" USING btree ("device_id");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_sender_device_id_devices_id_fk" FOREIGN KEY ("sender_device_id") REFERENCES "public"."devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_mls_group_id_unique" UNIQUE("mls_group_id");--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_mls_group_id_unique" UNIQUE("mls_group_id");--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_e2ee_group_id" CHECK ("chats"."e2ee" = ("chats"."mls_group_id" is not null));--> statement-breakpoint
ALTER TABLE "groups" ADD CONSTRAINT "groups_e2ee_group_id" CHECK ("groups"."e2ee" = ("groups"."mls_group_id" is not null));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_encrypted" CHECK (("messages"."message_type" = 'encrypted') = ("messages"."mls_kind" is not null)
        and ("messages"."message_type" <> 'encrypted' or ("messages"."content" is null and "messages"."mls_epoch" is not null and "messages"."media_id" is null))
        and ("messages"."ciphertext" is null or "messages"."message_type" = 'encrypted'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_mls_kind" CHECK ("messages"."mls_kind" is null or "messages"."mls_kind" in ('application', 'commit'));--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_type" CHECK ("messages"."message_type" in ('text', 'image', 'video', 'audio', 'document', 'location', 'system', 'encrypted'));