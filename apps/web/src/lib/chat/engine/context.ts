import type { ParleyClient } from "@parley/sdk";

import type { ChatAction, ChatState } from "../state";

/**
 * What every engine module is given, instead of the engine itself: the
 * store, the open client, and the two checks every request needs after an
 * await (is the session over, is this still the same start()).
 */
export type ChatContext = {
  readonly selfId: number;
  getState(): ChatState;
  dispatch(action: ChatAction): void;
  /** The open client; throws once stop() closed it. */
  api(): ParleyClient;
  /** Whether start() opened a client that stop() hasn't closed yet. */
  isOpen(): boolean;
  /** Bumped by every start() and stop(): a request that began in another generation must not write. */
  generation(): number;
  isCurrent(generation: number): boolean;
  /** A request refused for the token means the session was revoked elsewhere: true, and said once. */
  isSessionEnded(error: unknown): boolean;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
