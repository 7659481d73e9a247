import type { PublicProfile } from "@parley/sdk";

import { directKey, type ConversationKey } from "../state";
import type { ChatContext } from "./context";

/** The people directory: profiles on demand, whom I blocked, and finding someone by phone number. */
export class People {
  readonly #ctx: ChatContext;
  readonly #stopTyping: (key: ConversationKey) => void;
  readonly #loading = new Set<number>();

  constructor(ctx: ChatContext, deps: { stopTyping: (key: ConversationKey) => void }) {
    this.#ctx = ctx;
    this.#stopTyping = deps.stopTyping;
  }

  /** Names for senders no longer in the group (or not yet in the roster). */
  ensureProfiles(userIds: number[]) {
    const state = this.#ctx.getState();
    for (const userId of new Set(userIds)) {
      if (userId === state.selfId || state.profiles[userId] || this.#loading.has(userId)) continue;
      this.#loading.add(userId);
      this.#ctx
        .api()
        .user.get.query({ id: userId })
        .then((profile) => this.#ctx.dispatch({ type: "profile_upserted", profile }))
        .catch(() => {
          // The system message's own text, or "Someone", stands in.
        })
        .finally(() => this.#loading.delete(userId));
    }
  }

  /** Someone's profile, fetched now and kept; rejects if the request fails. */
  async fetchProfile(userId: number): Promise<PublicProfile> {
    const profile = await this.#ctx.api().user.get.query({ id: userId });
    this.#ctx.dispatch({ type: "profile_upserted", profile });
    return profile;
  }

  /** Presence again for the person on screen, after the socket came back. */
  async refreshProfile(userId: number) {
    try {
      await this.fetchProfile(userId);
    } catch {
      // Presence stays as it was.
    }
  }

  async loadBlocked() {
    try {
      const { blocked } = await this.#ctx.api().contact.blocked.query();
      this.#ctx.dispatch({ type: "blocked_loaded", userIds: blocked.map((user) => user.id) });
    } catch {
      // Only the "blocked" bar depends on it; sending still tells the truth.
    }
  }

  async setBlocked(peerId: number, isBlocked: boolean): Promise<string> {
    const api = this.#ctx.api();
    const result = isBlocked
      ? await api.contact.block.mutate({ user_id: peerId })
      : await api.contact.unblock.mutate({ user_id: peerId });
    this.#ctx.dispatch({ type: "block_changed", userId: peerId, isBlocked });
    if (isBlocked) this.#stopTyping(directKey(peerId));
    return result.message;
  }

  /** Exact phone number lookup for "New chat" and adding group members. */
  async findUser(phoneNumber: string): Promise<PublicProfile> {
    const profile = await this.#ctx.api().user.search.query({ phone_number: phoneNumber });
    if (profile.id !== this.#ctx.selfId) this.#ctx.dispatch({ type: "profile_upserted", profile });
    return profile;
  }
}
