import type { AckDeliveredInput } from "@parley/validators";

import type { Deps } from "../runtime";
import { ackChatDelivered } from "./chat-messages";
import { ackGroupDelivered } from "./group-messages";

/** The caller's device has these messages (1:1 and group alike): receipts go to their senders. */
export async function ackDelivered(deps: Deps, userId: number, input: AckDeliveredInput | "all-pending") {
  if (input === "all-pending") {
    const [chats, groups] = await Promise.all([
      ackChatDelivered(deps, userId, "all-pending"),
      ackGroupDelivered(deps, userId, "all"),
    ]);
    return { updated: chats + groups };
  }
  const { message_ids: messageIds, groups } = input;
  const byIds = async () => {
    const inChats = messageIds.length > 0 ? await ackChatDelivered(deps, userId, messageIds) : 0;
    // Group message ids are accepted too (REST clients; the SDK sends group watermarks): only
    // ids the 1:1 statement didn't take can be those, so the common case costs one statement.
    return inChats + (inChats < messageIds.length ? await ackGroupDelivered(deps, userId, { messageIds }) : 0);
  };
  const byWatermark = async () =>
    groups.length > 0
      ? ackGroupDelivered(deps, userId, { groups: groups.map((g) => ({ groupId: g.group_id, upToSeq: g.up_to_seq })) })
      : 0;
  const [fromIds, fromWatermarks] = await Promise.all([byIds(), byWatermark()]);
  return { updated: fromIds + fromWatermarks };
}
