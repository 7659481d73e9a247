export * from "./types";
export { emptyConversation } from "./conversations";
export { isSystemMessage, laterStatus, mergeMessages, peerOf, toReplyPreview } from "./messages";
export { chatReducer, initialChatState } from "./reducer";
export { isEncryptedChat, sortedChats } from "./selectors";
