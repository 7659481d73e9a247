import type { InferSelectModel, schema } from "@parley/db";
import type { MessageOutput, MessageType, StoredMessageType } from "@parley/validators";

/** A row of `messages`: 1:1 and group messages share the table (chat_id or group_id is set). */
export type MessageRow = InferSelectModel<typeof schema.messages>;

/** 1:1 messages and reply previews are never 'system' (the messages_system_in_groups check). */
export function asMessageType(type: MessageRow["messageType"]): StoredMessageType {
  if (type === "system") throw new Error("a system message where only user messages can be");
  return type;
}

/** The type of a message the server may copy (a forward): a plaintext user message. */
export function asPlaintextType(type: MessageRow["messageType"]): MessageType {
  if (type === "system" || type === "encrypted") throw new Error(`a ${type} message where only plaintext can be`);
  return type;
}

/** What the server holds of an end-to-end encrypted message: framing and ciphertext, never content. */
export function encryptedPayload(message: MessageRow): MessageOutput["encrypted"] {
  if (message.messageType !== "encrypted" || message.mlsKind === null || message.mlsEpoch === null) return null;
  return {
    kind: message.mlsKind,
    epoch: message.mlsEpoch,
    sender_device_id: message.senderDeviceId,
    ciphertext: message.deletedAt === null ? message.ciphertext : null,
  };
}
