import type { ChatListItem, GroupOutput, PublicProfile } from "@parley/sdk";

import { parseKey, type ConversationKey, type ThreadMessage } from "../state";
import { peopleIn } from "../state/messages";
import type { ChatContext } from "./context";
import { chatIdOf, fetchPage } from "./pages";

const PAGE_SIZE = 50;
// Going back to a message found by search (or starred) loads the history before it in pages this big.
const REVEAL_PAGE_SIZE = 200;

type MessagePage = { messages: ThreadMessage[]; next_cursor: number | null };

type HistoryDeps = {
  fetchGroup: (groupId: number) => Promise<GroupOutput>;
  fetchProfile: (userId: number) => Promise<PublicProfile>;
  ensureProfiles: (userIds: number[]) => void;
  acknowledge: (key: ConversationKey, messages: ThreadMessage[]) => void;
  /** The newest page of a conversation is shown: the live stream fills any gap after its newest message. */
  noteNewest: (message: ThreadMessage) => void;
  /** Messages as they show: encrypted ones opened on this device, commits and changes left out. */
  reveal: <M extends ThreadMessage>(messages: M[]) => Promise<M[]>;
  revealListed: (items: ChatListItem[]) => Promise<ChatListItem[]>;
};

/** A conversation's history: its first page, older pages on scrolling up, and paging back to a message asked for. */
export class History {
  readonly #ctx: ChatContext;
  readonly #deps: HistoryDeps;

  constructor(ctx: ChatContext, deps: HistoryDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  /** Shows a conversation: loads its latest messages once (the receipts read it while it is on screen). */
  open(key: ConversationKey) {
    const ctx = this.#ctx;
    ctx.dispatch({ type: "active_changed", key });
    // A message asked for elsewhere is not looked for here.
    const { focus } = ctx.getState();
    if (focus && focus.key !== key) ctx.dispatch({ type: "focus_cleared" });
    if (!ctx.isOpen()) return;
    const history = ctx.getState().conversations[key]?.history ?? "idle";
    if (history === "idle" || history === "error") void this.load(key);
  }

  /** The latest page of a conversation, from scratch. */
  async load(key: ConversationKey) {
    const ctx = this.#ctx;
    const generation = ctx.generation();
    ctx.dispatch({ type: "history_loading", key });
    try {
      const page = await this.#revealed(await this.#firstPage(key));
      if (!ctx.isCurrent(generation)) return;
      ctx.dispatch({ type: "history_loaded", key, messages: page.messages, hasOlder: page.next_cursor !== null });
      const newest = page.messages.reduce<ThreadMessage | null>(
        (found, message) => (found && found.seq >= message.seq ? found : message),
        null,
      );
      if (newest) this.#deps.noteNewest(newest);
      this.#loaded(key, page.messages);
      if (ctx.getState().focus?.key === key) void this.#revealFocus(key);
    } catch (error) {
      if (ctx.isSessionEnded(error)) return;
      if (!ctx.isCurrent(generation)) return;
      if (ctx.getState().conversations[key]?.history !== "gone") ctx.dispatch({ type: "history_failed", key });
    }
  }

  async #revealed(page: MessagePage): Promise<MessagePage> {
    return { ...page, messages: await this.#deps.reveal(page.messages) };
  }

  #loaded(key: ConversationKey, messages: ThreadMessage[]) {
    this.#deps.acknowledge(key, messages);
    this.#deps.ensureProfiles(peopleIn(messages));
  }

  async #firstPage(key: ConversationKey): Promise<MessagePage> {
    const ctx = this.#ctx;
    const { kind, id } = parseKey(key);
    if (kind === "group") {
      const state = ctx.getState();
      const chat = state.chats[key];
      if (chat?.kind !== "group" || !chat.group || state.rosters[id] === undefined) await this.#deps.fetchGroup(id);
      return ctx.api().message.listGroup.query({ group_id: id, limit: PAGE_SIZE });
    }
    if (!ctx.getState().profiles[id]) await this.#deps.fetchProfile(id);
    let chatId = chatIdOf(ctx.getState(), key);
    if (chatId === null) {
      const found = await ctx.api().chat.findWith.query({ user_id: id });
      const [chat] = found ? await this.#deps.revealListed([found]) : [];
      if (chat?.type === "direct") ctx.dispatch({ type: "chat_upserted", chat });
      chatId = chat?.id ?? null;
    }
    if (chatId === null) return { messages: [], next_cursor: null };
    return ctx.api().message.list.query({ chat_id: chatId, limit: PAGE_SIZE });
  }

  /** The page before the oldest message shown (scrolling up). */
  async loadOlder(key: ConversationKey) {
    const ctx = this.#ctx;
    const conversation = ctx.getState().conversations[key];
    const oldest = conversation?.messages[0];
    if (!conversation?.hasOlder || conversation.isLoadingOlder || !oldest) return;
    ctx.dispatch({ type: "older_loading", key });
    try {
      const fetched = await fetchPage(ctx, key, { before_seq: oldest.seq }, PAGE_SIZE);
      if (!fetched) throw new Error("No chat to page through");
      const page = await this.#revealed(fetched);
      ctx.dispatch({ type: "older_loaded", key, messages: page.messages, hasOlder: page.next_cursor !== null });
      this.#loaded(key, page.messages);
    } catch {
      ctx.dispatch({ type: "older_failed", key });
    }
  }

  /**
   * Brings a message into view in its conversation (a search result, a starred message): the
   * pages before the newest are loaded back to it, then the message list scrolls to it.
   */
  showMessage(key: ConversationKey, messageId: number, seq: number) {
    this.#ctx.dispatch({ type: "focus_requested", focus: { key, messageId, seq } });
    if (this.#ctx.getState().conversations[key]?.history === "ready") void this.#revealFocus(key);
  }

  /** Pages back from the oldest message shown until the focused one is loaded; the list stays gap-free. */
  async #revealFocus(key: ConversationKey) {
    const ctx = this.#ctx;
    const generation = ctx.generation();
    for (;;) {
      const { focus, conversations } = ctx.getState();
      const conversation = conversations[key];
      if (focus?.key !== key || conversation?.history !== "ready" || !ctx.isCurrent(generation)) return;
      if (conversation.messages.some((message) => message.id === focus.messageId)) return;
      const oldest = conversation.messages[0];
      if (!conversation.hasOlder || !oldest || oldest.seq <= focus.seq) {
        // Not in this history any more (deleted for me, or from before I joined the group).
        ctx.dispatch({ type: "focus_cleared" });
        return;
      }
      ctx.dispatch({ type: "older_loading", key });
      try {
        const fetched = await fetchPage(ctx, key, { before_seq: oldest.seq }, REVEAL_PAGE_SIZE);
        if (!fetched) throw new Error("No chat to page through");
        const page = await this.#revealed(fetched);
        ctx.dispatch({ type: "older_loaded", key, messages: page.messages, hasOlder: page.next_cursor !== null });
        this.#loaded(key, page.messages);
      } catch (error) {
        ctx.isSessionEnded(error);
        ctx.dispatch({ type: "older_failed", key });
        if (ctx.getState().focus?.key === key) ctx.dispatch({ type: "focus_cleared" });
        return;
      }
    }
  }
}
