export { ChatEngine, type ChatEngineOptions } from "./chat-engine";
export type { FoundPage, StarredMessage } from "./messages";
export type { MediaToSend } from "./outbox";
