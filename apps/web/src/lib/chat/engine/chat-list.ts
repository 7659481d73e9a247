import type { ChatListItem } from "@parley/sdk";

import { toApiProblem } from "~/lib/api-error";

import { directKey, type ConversationKey } from "../state";
import type { ChatContext } from "./context";

const CHAT_PAGE_SIZE = 30;

type ChatListDeps = {
  /** Tells the live stream the seq a group is held at, so it catches up from there. */
  noteGroupSeq: (groupId: number, seq: number) => void;
  acknowledgeListed: (items: ChatListItem[]) => void;
  loadConversation: (key: ConversationKey) => Promise<void>;
  /** Rows with their previews opened on this device (encrypted chats). */
  revealListed: (items: ChatListItem[]) => Promise<ChatListItem[]>;
};

/** The chat list: its first page (again after a reconnect), more on scrolling, and single chats named by a message. */
export class ChatList {
  readonly #ctx: ChatContext;
  readonly #deps: ChatListDeps;
  readonly #chatsLoading = new Set<number>();
  #isLoadingMore = false;

  constructor(ctx: ChatContext, deps: ChatListDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  async load(generation: number) {
    const ctx = this.#ctx;
    try {
      const page = await ctx.api().chat.list.query({ limit: CHAT_PAGE_SIZE });
      const chats = await this.#deps.revealListed(page.chats);
      if (!ctx.isCurrent(generation)) return;
      this.#listed(chats, page.next_cursor);
      await this.#fetchUndelivered(chats);
    } catch (error) {
      if (ctx.isSessionEnded(error)) return;
      if (ctx.isCurrent(generation)) ctx.dispatch({ type: "chats_failed", error: toApiProblem(error).message });
    }
  }

  /** The next page of the chat list (infinite scroll). */
  async loadMore() {
    const { cursor, status } = this.#ctx.getState().chatList;
    if (!cursor || status !== "ready" || this.#isLoadingMore) return;
    this.#isLoadingMore = true;
    try {
      const page = await this.#ctx.api().chat.list.query({ limit: CHAT_PAGE_SIZE, cursor });
      const chats = await this.#deps.revealListed(page.chats);
      this.#listed(chats, page.next_cursor);
      await this.#fetchUndelivered(chats);
    } catch {
      // The list keeps what it has; scrolling again retries.
    } finally {
      this.#isLoadingMore = false;
    }
  }

  retry() {
    this.#ctx.dispatch({ type: "chats_loading" });
    void this.load(this.#ctx.generation());
  }

  #listed(chats: ChatListItem[], cursor: string | null) {
    this.#ctx.dispatch({ type: "chats_loaded", chats, cursor });
    // The stream catches up on a group from the seq we hold: what the list shows is held now.
    for (const chat of chats) if (chat.type === "group") this.#deps.noteGroupSeq(chat.id, chat.last_seq);
  }

  /**
   * Messages that reached this device while it was away were never
   * acknowledged by the live stream. Loading their chats acknowledges them,
   * so their senders see ✓✓ without waiting for the chat to be opened.
   */
  async #fetchUndelivered(items: ChatListItem[]) {
    this.#deps.acknowledgeListed(items);
    for (const item of items) {
      if (item.type !== "direct") continue;
      const last = item.last_message;
      if (!last || last.sender_id !== item.peer.id || last.status !== "sent") continue;
      const key = directKey(item.peer.id);
      if (this.#ctx.getState().conversations[key]?.history === "ready") continue;
      await this.#deps.loadConversation(key);
    }
  }

  /** A chat a live message named that this tab doesn't list yet (or whose person it doesn't know). */
  async loadChat(chatId: number) {
    if (this.#chatsLoading.has(chatId)) return;
    this.#chatsLoading.add(chatId);
    try {
      const [chat] = await this.#deps.revealListed([await this.#ctx.api().chat.get.query({ chat_id: chatId })]);
      if (chat) this.#ctx.dispatch({ type: "chat_upserted", chat });
    } catch {
      // The message is shown anyway; the name fills in with the next chat list refresh.
    } finally {
      this.#chatsLoading.delete(chatId);
    }
  }
}
