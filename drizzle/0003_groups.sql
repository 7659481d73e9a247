CREATE TABLE "group_receipts" (
	"group_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"kind" varchar(10) NOT NULL,
	"up_to_seq" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "group_receipts_group_id_user_id_kind_up_to_seq_pk" PRIMARY KEY("group_id","user_id","kind","up_to_seq"),
	CONSTRAINT "group_receipts_kind" CHECK ("group_receipts"."kind" in ('delivered', 'read'))
);
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_type";--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "joined_seq" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "group_members" ALTER COLUMN "joined_seq" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_seq" integer;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "left_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "delivered_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "group_members" ADD COLUMN "read_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "delivered_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "groups" ADD COLUMN "read_seq" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "system" jsonb;--> statement-breakpoint
ALTER TABLE "group_receipts" ADD CONSTRAINT "group_receipts_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_receipts" ADD CONSTRAINT "group_receipts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_members" DROP COLUMN "unread_count";--> statement-breakpoint
ALTER TABLE "group_members" ADD CONSTRAINT "group_members_seqs" CHECK ("group_members"."left_seq" is null or "group_members"."left_seq" >= "group_members"."joined_seq");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_system_in_groups" CHECK ("messages"."message_type" <> 'system' or "messages"."group_id" is not null);--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_type" CHECK ("messages"."message_type" in ('text', 'image', 'video', 'audio', 'document', 'location', 'system'));