CREATE TABLE "user_lookups" (
	"user_id" integer NOT NULL,
	"found_user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_lookups_user_id_found_user_id_pk" PRIMARY KEY("user_id","found_user_id")
);
--> statement-breakpoint
ALTER TABLE "user_lookups" ADD CONSTRAINT "user_lookups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_lookups" ADD CONSTRAINT "user_lookups_found_user_id_users_id_fk" FOREIGN KEY ("found_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;