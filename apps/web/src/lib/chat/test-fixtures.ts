import type { GroupMessageOutput, MessageOutput } from "@parley/sdk";

/** A plain 1:1 text message for unit tests; give what the test is about. */
export function directMessage(overrides: Partial<MessageOutput> = {}): MessageOutput {
  return {
    id: 10,
    chat_id: 1,
    seq: 1,
    sender_id: 1,
    receiver_id: 2,
    client_msg_id: null,
    content: "hello",
    message_type: "text",
    status: "sent",
    reply_to_message_id: null,
    reply_to: null,
    media: null,
    location: null,
    is_forwarded: false,
    edited_at: null,
    reactions: [],
    encrypted: null,
    is_deleted: false,
    created_at: new Date(2026, 0, 1, 12, 0).toISOString(),
    ...overrides,
  };
}

/** A plain group text message for unit tests (group 5, from user 3); give what the test is about. */
export function groupMessage(overrides: Partial<GroupMessageOutput> = {}): GroupMessageOutput {
  return {
    id: 50,
    group_id: 5,
    seq: 1,
    sender_id: 3,
    client_msg_id: null,
    content: "hello all",
    message_type: "text",
    system: null,
    status: "sent",
    reply_to_message_id: null,
    reply_to: null,
    media: null,
    location: null,
    is_forwarded: false,
    edited_at: null,
    reactions: [],
    encrypted: null,
    is_deleted: false,
    created_at: new Date(2026, 0, 1, 13, 0).toISOString(),
    ...overrides,
  };
}
