import type { InferSelectModel, schema } from "@parley/db";
import type { MessageType } from "@parley/validators";

/** A row of `messages`: 1:1 and group messages share the table (chat_id or group_id is set). */
export type MessageRow = InferSelectModel<typeof schema.messages>;

/** 1:1 messages and reply previews are never 'system' (the messages_system_in_groups check). */
export function asMessageType(type: MessageRow["messageType"]): MessageType {
  if (type === "system") throw new Error("a system message where only user messages can be");
  return type;
}
