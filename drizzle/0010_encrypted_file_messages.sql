ALTER TABLE "messages" DROP CONSTRAINT "messages_encrypted";--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_encrypted" CHECK (("messages"."message_type" = 'encrypted') = ("messages"."mls_kind" is not null)
        and ("messages"."message_type" <> 'encrypted' or ("messages"."content" is null and "messages"."mls_epoch" is not null))
        and ("messages"."media_id" is null or "messages"."mls_kind" is null or "messages"."mls_kind" = 'application')
        and ("messages"."ciphertext" is null or "messages"."message_type" = 'encrypted'));