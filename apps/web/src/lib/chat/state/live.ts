import { peerOf } from "./messages";
import { directKey, groupKey, type ChatAction, type ChatState, type ConversationKey } from "./types";

/** The live status slice: who is typing where, and the socket's state. */
export type LiveSlice = Pick<ChatState, "typing" | "connection">;

type Typing = ChatState["typing"];

function withoutTyping(typing: Typing, key: ConversationKey, userId: number): Typing {
  const current = typing[key];
  if (!current?.includes(userId)) return typing;
  const remaining = current.filter((id) => id !== userId);
  const next = { ...typing };
  if (remaining.length > 0) next[key] = remaining;
  else delete next[key];
  return next;
}

function withoutConversation(typing: Typing, key: ConversationKey): Typing {
  const next = { ...typing };
  delete next[key];
  return next;
}

function reduceTyping(typing: Typing, action: ChatAction, selfId: number): Typing {
  switch (action.type) {
    case "typing": {
      if (!action.isTyping) return withoutTyping(typing, action.key, action.userId);
      const current = typing[action.key] ?? [];
      if (current.includes(action.userId)) return typing;
      return { ...typing, [action.key]: [...current, action.userId] };
    }
    case "messages_received":
      // The message itself ends "typing…", as in every messenger.
      return action.messages.reduce((next, message) => {
        const peerId = peerOf(message, selfId);
        return message.sender_id === peerId ? withoutTyping(next, directKey(peerId), peerId) : next;
      }, typing);
    case "group_messages_received":
      return action.messages.reduce(
        (next, message) => withoutTyping(next, groupKey(message.group_id), message.sender_id),
        typing,
      );
    case "group_left":
      return withoutConversation(typing, groupKey(action.groupId));
    case "conversation_gone":
      return withoutConversation(typing, action.key);
    case "resynced":
      return {};
    default:
      return typing;
  }
}

export function reduceLive(state: ChatState, action: ChatAction): LiveSlice {
  const connection =
    action.type === "connection" && state.connection !== action.state ? action.state : state.connection;
  return { typing: reduceTyping(state.typing, action, state.selfId), connection };
}
