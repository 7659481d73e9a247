import type { ConversationKey } from "../state";
import type { ChatContext } from "./context";

// "typing…" is repeated this often while keys are pressed (the server's indicator lasts 6 s)…
const TYPING_REFRESH_MS = 3_000;
// …and withdrawn after this long without a key.
const TYPING_IDLE_MS = 5_000;

type TypingOut = { sentAt: number; idleTimer: ReturnType<typeof setTimeout> | null };

/** "typing…" both ways: others' indicators expiring on their own, and ours sent while keys are pressed. */
export class Typing {
  readonly #ctx: ChatContext;
  /** Keyed "<conversation>|<user id>": in a group, each member's "typing…" expires on its own. */
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #out = new Map<ConversationKey, TypingOut>();

  constructor(ctx: ChatContext) {
    this.#ctx = ctx;
  }

  /** Drops someone's expiry timer and, given a time, starts one that takes their "typing…" away. */
  setTimer(key: ConversationKey, userId: number, expiresInMs: number | null) {
    const timerKey = `${key}|${userId}`;
    const timer = this.#timers.get(timerKey);
    if (timer) clearTimeout(timer);
    this.#timers.delete(timerKey);
    if (expiresInMs === null) return;
    this.#timers.set(
      timerKey,
      setTimeout(() => {
        this.setTimer(key, userId, null);
        this.#ctx.dispatch({ type: "typing", key, userId, isTyping: false });
      }, expiresInMs),
    );
  }

  /** Where "typing…" goes for a conversation, or null when nobody there may see it. */
  #send(key: ConversationKey, isTyping: boolean): Promise<unknown> | null {
    const state = this.#ctx.getState();
    const chat = state.chats[key];
    if (!chat || !this.#ctx.isOpen()) return null;
    const api = this.#ctx.api();
    if (chat.kind === "group") {
      if (!chat.group?.is_member) return null;
      return api.group.typing.mutate({ group_id: chat.groupId, is_typing: isTyping });
    }
    if (!chat.chatId || (isTyping && state.blocked[chat.peerId])) return null;
    return api.chat.typing.mutate({ chat_id: chat.chatId, is_typing: isTyping });
  }

  /** A key was pressed in the composer. */
  keyPressed(key: ConversationKey) {
    const current = this.#out.get(key) ?? { sentAt: 0, idleTimer: null };
    const now = Date.now();
    if (now - current.sentAt >= TYPING_REFRESH_MS) {
      const request = this.#send(key, true);
      if (!request) return;
      current.sentAt = now;
      void request.catch(() => {});
    }
    if (current.idleTimer) clearTimeout(current.idleTimer);
    current.idleTimer = setTimeout(() => this.stop(key), TYPING_IDLE_MS);
    this.#out.set(key, current);
  }

  /** Sent, cleared, left: take "typing…" back at once. */
  stop(key: ConversationKey) {
    if (!this.forgetOut(key)) return;
    void this.#send(key, false)?.catch(() => {});
  }

  /** Stops sending "typing…" without saying so; false when none was being sent. */
  forgetOut(key: ConversationKey): boolean {
    const current = this.#out.get(key);
    if (!current) return false;
    if (current.idleTimer) clearTimeout(current.idleTimer);
    this.#out.delete(key);
    return true;
  }

  /** Every timer gone (the engine stopped). */
  clear() {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const typing of this.#out.values()) if (typing.idleTimer) clearTimeout(typing.idleTimer);
    this.#out.clear();
  }
}
