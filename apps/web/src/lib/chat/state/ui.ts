import type { ChatAction, ChatState } from "./types";

/** The UI slice: the open conversation, whether the page is seen, and a message asked to be brought into view. */
export type UiSlice = Pick<ChatState, "active" | "isVisible" | "focus">;

export function reduceUi(state: ChatState, action: ChatAction): UiSlice {
  const { active, isVisible, focus } = state;
  switch (action.type) {
    case "active_changed":
      return { active: action.key, isVisible, focus };
    case "visibility":
      return { active, isVisible: action.isVisible, focus };
    case "focus_requested":
      return { active, isVisible, focus: action.focus };
    case "focus_cleared":
      return { active, isVisible, focus: null };
    default:
      return { active, isVisible, focus };
  }
}
