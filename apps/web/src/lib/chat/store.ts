import { chatReducer, initialChatState, type ChatAction, type ChatState } from "./state";

/** The chat state as an external store: the live socket writes to it outside React, components read it with useSyncExternalStore. */
export class ChatStore {
  #state: ChatState;
  readonly #listeners = new Set<() => void>();

  constructor(selfId: number) {
    this.#state = initialChatState(selfId);
  }

  getState = (): ChatState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  dispatch = (action: ChatAction): void => {
    const next = chatReducer(this.#state, action);
    if (next === this.#state) return;
    this.#state = next;
    for (const listener of this.#listeners) listener();
  };
}
