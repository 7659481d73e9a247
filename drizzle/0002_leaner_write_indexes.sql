DROP INDEX "idx_chats_user2_id";--> statement-breakpoint
DROP INDEX "idx_chats_last_message_at";--> statement-breakpoint
DROP INDEX "idx_messages_created_at";--> statement-breakpoint
DROP INDEX "idx_messages_reply_to_message_id";--> statement-breakpoint
DROP INDEX "idx_user_events_created_at";--> statement-breakpoint
CREATE INDEX "idx_messages_created_at" ON "messages" USING brin ("created_at");--> statement-breakpoint
CREATE INDEX "idx_messages_reply_to_message_id" ON "messages" USING btree ("reply_to_message_id") WHERE "messages"."reply_to_message_id" is not null;--> statement-breakpoint
CREATE INDEX "idx_user_events_created_at" ON "user_events" USING brin ("created_at");