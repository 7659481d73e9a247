import { reduceChatList } from "./chat-list";
import { reduceConversations } from "./conversations";
import { reduceLive } from "./live";
import { reducePeople } from "./people";
import type { ChatAction, ChatState } from "./types";
import { reduceUi } from "./ui";

export function initialChatState(selfId: number): ChatState {
  return {
    selfId,
    chats: {},
    chatPeers: {},
    profiles: {},
    rosters: {},
    conversations: {},
    typing: {},
    blocked: {},
    starred: {},
    focus: null,
    chatList: { status: "loading", error: null, cursor: null },
    connection: "connecting",
    active: null,
    isVisible: true,
  };
}

/** A slice reads the whole state and returns its own fields, the same values when the action is not its business. */
type SliceReducer = (state: ChatState, action: ChatAction) => Partial<ChatState>;

/**
 * In this order: the chat list reads the conversations as they are after the
 * action (a deleted preview falls back to the newest message kept).
 */
const slices: readonly SliceReducer[] = [reduceConversations, reduceChatList, reducePeople, reduceLive, reduceUi];

function applySlice(state: ChatState, slice: Partial<ChatState>): ChatState {
  const keys = Object.keys(slice) as (keyof ChatState)[];
  return keys.every((key) => slice[key] === state[key]) ? state : { ...state, ...slice };
}

/** One state from its slices; the same object back when no slice changed, so the store notifies nobody. */
export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  return slices.reduce((current, reduce) => applySlice(current, reduce(current, action)), state);
}
