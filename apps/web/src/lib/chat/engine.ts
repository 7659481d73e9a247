import {
  createParleyClient,
  type LiveSubscription,
  type MessageOutput,
  type ParleyClient,
  type ParleyEvent,
  type PublicProfile,
} from "@parley/sdk";

import { toApiProblem } from "~/lib/api-error";

import { newClientMsgId } from "./client-msg-id";
import { readEventCursor, writeEventCursor } from "./event-cursor";
import { peerOf, type ChatAction, type OutgoingMessage, type ReplyPreview } from "./state";
import { ChatStore } from "./store";
import { resolveWsUrl } from "./ws-url";

const PAGE_SIZE = 50;
const CHAT_PAGE_SIZE = 30;
const ACK_BATCH = 500;
// "typing…" is repeated this often while keys are pressed (the server's indicator lasts 6 s)…
const TYPING_REFRESH_MS = 3_000;
// …and withdrawn after this long without a key.
const TYPING_IDLE_MS = 5_000;
// A send that failed because the socket dropped goes again, this many times, before it shows "not sent".
const MAX_SEND_ATTEMPTS = 6;
const RESUBSCRIBE_DELAY_MS = 2_000;

export type ChatEngineOptions = {
  selfId: number;
  /** PUBLIC_WS_URL, or null for /ws on the page's own host. */
  publicWsUrl: string | null;
  /** The session was revoked (logged out elsewhere, password reset). */
  onSessionEnded: () => void;
};

type TypingOut = { sentAt: number; idleTimer: ReturnType<typeof setTimeout> | null };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Owns the tab's one WebSocket: the live event stream feeding the store, and
 * every request the chat screen makes. Knows nothing of React; components
 * read `store` and call the methods below.
 */
export class ChatEngine {
  readonly store: ChatStore;
  readonly #options: ChatEngineOptions;
  #token: string | null = null;
  #client: ParleyClient | null = null;
  #subscription: LiveSubscription | null = null;
  #hasBeenOnline = false;
  #hasSessionEnded = false;
  #socketState: "connecting" | "pending" | "idle" = "connecting";
  #generation = 0;
  readonly #typingTimers = new Map<number, ReturnType<typeof setTimeout>>();
  readonly #typingOut = new Map<number, TypingOut>();
  readonly #readInFlight = new Set<number>();
  readonly #lastReadUpTo = new Map<number, number>();
  readonly #chatsLoading = new Set<number>();
  #isLoadingMoreChats = false;
  #cleanups: (() => void)[] = [];

  constructor(options: ChatEngineOptions) {
    this.#options = options;
    this.store = new ChatStore(options.selfId);
  }

  get #state() {
    return this.store.getState();
  }

  #dispatch(action: ChatAction) {
    this.store.dispatch(action);
  }

  setToken(token: string | null) {
    this.#token = token;
  }

  /** Opens the socket and the live stream, and loads the chat list. Idempotent. */
  start() {
    if (this.#client) return;
    const generation = ++this.#generation;
    this.#client = createParleyClient({
      url: resolveWsUrl(this.#options.publicWsUrl, window.location),
      token: () => this.#token,
    });
    this.#watchPage();
    this.#subscribe(readEventCursor(this.#options.selfId));
    void this.#loadChats(generation);
    void this.#loadBlocked();
    // A conversation opened before the socket (a reload on /chats?with=…) loads now.
    const peerId = this.#state.activePeerId;
    if (peerId !== null) this.openConversation(peerId);
    // Sends cut short by a stop() go again (same client_msg_id, so never twice).
    for (const [id, conversation] of Object.entries(this.#state.conversations)) {
      const pending = conversation.outbox.filter((message) => message.state === "pending");
      for (const message of pending) void this.#deliver(Number(id), message);
    }
  }

  /** Closes everything start() opened (React may start again, e.g. in Strict Mode). */
  stop() {
    this.#generation += 1;
    this.#subscription?.unsubscribe();
    this.#subscription = null;
    for (const cleanup of this.#cleanups) cleanup();
    this.#cleanups = [];
    for (const timer of this.#typingTimers.values()) clearTimeout(timer);
    this.#typingTimers.clear();
    for (const typing of this.#typingOut.values()) if (typing.idleTimer) clearTimeout(typing.idleTimer);
    this.#typingOut.clear();
    void this.#client?.close();
    this.#client = null;
    this.#socketState = "connecting";
    // Requests cut short here never answer: let the next start() load those again.
    this.#dispatch({ type: "requests_abandoned" });
  }

  get #api(): ParleyClient {
    if (!this.#client) throw new Error("The chat connection is closed");
    return this.#client;
  }

  /** A request refused for the token means the session was revoked elsewhere: say so once. */
  #isSessionEnded(error: unknown): boolean {
    if (toApiProblem(error).code !== "UNAUTHORIZED") return false;
    if (!this.#hasSessionEnded) {
      this.#hasSessionEnded = true;
      this.#options.onSessionEnded();
    }
    return true;
  }

  #isCurrent(generation: number) {
    return generation === this.#generation && this.#client !== null;
  }

  #watchPage() {
    const onVisibility = () =>
      this.#dispatch({ type: "visibility", isVisible: document.visibilityState === "visible" });
    const onOffline = () => this.#dispatch({ type: "connection", state: "offline" });
    const onOnline = () => {
      // The socket may have survived a short outage; else it is reconnecting now.
      if (this.#state.connection === "offline") {
        this.#dispatch({ type: "connection", state: this.#socketState === "pending" ? "online" : "connecting" });
      }
    };
    onVisibility();
    if (!navigator.onLine) onOffline();
    document.addEventListener("visibilitychange", onVisibility);
    window.addEventListener("offline", onOffline);
    window.addEventListener("online", onOnline);
    // Read receipts go out whenever the open chat has something unread and the page is seen.
    const unsubscribe = this.store.subscribe(() => this.#markActiveChatRead());
    this.#cleanups.push(() => {
      document.removeEventListener("visibilitychange", onVisibility);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      unsubscribe();
    });
  }

  #subscribe(lastEventId: string | null) {
    const generation = this.#generation;
    const chatSeqs: [number, number][] = Object.values(this.#state.chats).flatMap((chat) =>
      chat.chatId === null ? [] : [[chat.chatId, chat.lastSeq] as [number, number]],
    );
    this.#subscription = this.#api.subscribeEvents({
      selfUserId: this.#options.selfId,
      lastEventId,
      chatSeqs,
      onEvent: (event, id) => {
        if (!this.#isCurrent(generation)) return;
        if (id !== null) writeEventCursor(this.#options.selfId, id);
        this.#handleEvent(event);
      },
      onStateChange: (state) => {
        if (!this.#isCurrent(generation)) return;
        this.#socketState = state;
        if (state === "pending") this.#wentOnline(generation);
        else if (state === "connecting" && this.#state.connection !== "offline") {
          this.#dispatch({ type: "connection", state: "connecting" });
        }
      },
      onError: (error) => {
        if (!this.#isCurrent(generation)) return;
        if (this.#isSessionEnded(error)) return;
        // The stream (or a gap fill inside it) failed: start it again from the last event handled.
        const resumeFrom = this.#subscription?.lastEventId ?? lastEventId;
        this.#subscription?.unsubscribe();
        this.#subscription = null;
        void sleep(RESUBSCRIBE_DELAY_MS).then(() => {
          if (this.#isCurrent(generation) && !this.#subscription) this.#subscribe(resumeFrom);
        });
      },
    });
  }

  #wentOnline(generation: number) {
    const wasOnline = this.#hasBeenOnline;
    this.#hasBeenOnline = true;
    this.#dispatch({ type: "connection", state: "online" });
    // Presence and typing are not replayed after a drop: refresh what is on screen.
    if (wasOnline) {
      void this.#loadChats(generation);
      const peerId = this.#state.activePeerId;
      if (peerId !== null) void this.#refreshProfile(peerId);
    }
  }

  #handleEvent(event: ParleyEvent) {
    switch (event.type) {
      case "new_message":
        this.#receive([event.message]);
        return;
      case "message_status_update":
        this.#dispatch({
          type: "status_updated",
          chatId: event.chat_id,
          status: event.status,
          messageIds: event.message_ids,
          upToSeq: event.up_to_seq,
        });
        return;
      case "message_deleted":
        this.#dispatch({
          type: "message_deleted",
          chatId: event.chat_id,
          messageId: event.message_id,
          forEveryone: event.for_everyone,
        });
        return;
      case "chat_read":
        this.#dispatch({
          type: "chat_read",
          chatId: event.chat_id,
          upToSeq: event.up_to_seq,
          unreadCount: event.unread_count,
        });
        return;
      case "presence_update":
        this.#dispatch({
          type: "presence",
          userId: event.user_id,
          isOnline: event.is_online,
          lastSeen: event.last_seen,
        });
        return;
      case "typing":
        this.#peerTyping(event.user_id, event.is_typing, event.expires_in_ms);
        return;
      case "resync":
        this.#resync();
        return;
    }
  }

  #receive(messages: MessageOutput[]) {
    const state = this.#state;
    for (const message of messages) {
      const peerId = peerOf(message, state.selfId);
      const conversation = state.conversations[peerId];
      const newest = conversation?.messages.at(-1);
      if (conversation?.history === "ready" && newest && message.seq > newest.seq + 1) {
        void this.#fillGap(peerId, message.chat_id, newest.seq, message.seq);
      }
      if (!state.profiles[peerId] || !state.chats[peerId]?.chatId) void this.#loadChat(message.chat_id);
      if (message.sender_id === peerId) this.#clearPeerTyping(peerId);
    }
    this.#dispatch({ type: "messages_received", messages });
  }

  #peerTyping(peerId: number, isTyping: boolean, expiresInMs: number) {
    this.#clearPeerTyping(peerId);
    if (!isTyping) return;
    this.#dispatch({ type: "typing", peerId, isTyping: true });
    this.#typingTimers.set(
      peerId,
      setTimeout(() => this.#clearPeerTyping(peerId), expiresInMs),
    );
  }

  #clearPeerTyping(peerId: number) {
    const timer = this.#typingTimers.get(peerId);
    if (timer) clearTimeout(timer);
    this.#typingTimers.delete(peerId);
    this.#dispatch({ type: "typing", peerId, isTyping: false });
  }

  #resync() {
    this.#dispatch({ type: "resynced" });
    this.#lastReadUpTo.clear();
    void this.#loadChats(this.#generation);
    const peerId = this.#state.activePeerId;
    if (peerId !== null) void this.#loadConversation(peerId);
  }

  async #loadChats(generation: number) {
    try {
      const page = await this.#api.chat.list.query({ limit: CHAT_PAGE_SIZE });
      if (!this.#isCurrent(generation)) return;
      const chats = page.chats.filter((chat) => chat.type === "direct");
      this.#dispatch({ type: "chats_loaded", chats, cursor: page.next_cursor });
      await this.#fetchUndelivered(chats.map((chat) => chat.peer.id));
    } catch (error) {
      if (this.#isSessionEnded(error)) return;
      if (this.#isCurrent(generation)) this.#dispatch({ type: "chats_failed", error: toApiProblem(error).message });
    }
  }

  /** The next page of the chat list (infinite scroll). */
  async loadMoreChats() {
    const { cursor, status } = this.#state.chatList;
    if (!cursor || status !== "ready" || this.#isLoadingMoreChats) return;
    this.#isLoadingMoreChats = true;
    try {
      const page = await this.#api.chat.list.query({ limit: CHAT_PAGE_SIZE, cursor });
      const chats = page.chats.filter((chat) => chat.type === "direct");
      this.#dispatch({ type: "chats_loaded", chats, cursor: page.next_cursor });
      await this.#fetchUndelivered(chats.map((chat) => chat.peer.id));
    } catch {
      // The list keeps what it has; scrolling again retries.
    } finally {
      this.#isLoadingMoreChats = false;
    }
  }

  retryChats() {
    this.#dispatch({ type: "chats_loading" });
    void this.#loadChats(this.#generation);
  }

  /**
   * Messages that reached this device while it was away were never
   * acknowledged by the live stream. Loading their chats acknowledges them,
   * so their senders see ✓✓ without waiting for the chat to be opened.
   */
  async #fetchUndelivered(peerIds: number[]) {
    for (const peerId of peerIds) {
      const chat = this.#state.chats[peerId];
      const last = chat?.lastMessage;
      if (!last || last.sender_id !== peerId || last.status !== "sent") continue;
      if (this.#state.conversations[peerId]?.history === "ready") continue;
      await this.#loadConversation(peerId);
    }
  }

  async #loadChat(chatId: number) {
    if (this.#chatsLoading.has(chatId)) return;
    this.#chatsLoading.add(chatId);
    try {
      const chat = await this.#api.chat.get.query({ chat_id: chatId });
      this.#dispatch({ type: "chat_upserted", chat });
    } catch {
      // The message is shown anyway; the name fills in with the next chat list refresh.
    } finally {
      this.#chatsLoading.delete(chatId);
    }
  }

  async #loadBlocked() {
    try {
      const { blocked } = await this.#api.contact.blocked.query();
      this.#dispatch({ type: "blocked_loaded", userIds: blocked.map((user) => user.id) });
    } catch {
      // Only the "blocked" bar depends on it; sending still tells the truth.
    }
  }

  async #refreshProfile(peerId: number) {
    try {
      const profile = await this.#api.user.get.query({ id: peerId });
      this.#dispatch({ type: "profile_upserted", profile });
    } catch {
      // Presence stays as it was.
    }
  }

  /** Shows a conversation: loads its latest messages once, and reads it while it is on screen. */
  openConversation(peerId: number) {
    this.#dispatch({ type: "active_changed", peerId });
    if (!this.#client) return;
    const history = this.#state.conversations[peerId]?.history ?? "idle";
    if (history === "idle" || history === "error") void this.#loadConversation(peerId);
  }

  closeConversation(peerId: number) {
    this.stopTyping(peerId);
    if (this.#state.activePeerId === peerId) this.#dispatch({ type: "active_changed", peerId: null });
  }

  async #loadConversation(peerId: number) {
    const generation = this.#generation;
    this.#dispatch({ type: "history_loading", peerId });
    try {
      if (!this.#state.profiles[peerId]) {
        const profile = await this.#api.user.get.query({ id: peerId });
        this.#dispatch({ type: "profile_upserted", profile });
      }
      let chatId = this.#state.chats[peerId]?.chatId ?? null;
      if (chatId === null) {
        const chat = await this.#api.chat.findWith.query({ user_id: peerId });
        if (chat) this.#dispatch({ type: "chat_upserted", chat });
        chatId = chat?.id ?? null;
      }
      if (chatId === null) {
        this.#dispatch({ type: "history_loaded", peerId, messages: [], hasOlder: false });
        return;
      }
      const page = await this.#api.message.list.query({ chat_id: chatId, limit: PAGE_SIZE });
      if (!this.#isCurrent(generation)) return;
      this.#dispatch({ type: "history_loaded", peerId, messages: page.messages, hasOlder: page.next_cursor !== null });
      this.#acknowledge(peerId, page.messages);
    } catch (error) {
      if (this.#isSessionEnded(error)) return;
      if (this.#isCurrent(generation)) this.#dispatch({ type: "history_failed", peerId });
    }
  }

  retryConversation(peerId: number) {
    void this.#loadConversation(peerId);
  }

  /** The page before the oldest message shown (scrolling up). */
  async loadOlder(peerId: number) {
    const conversation = this.#state.conversations[peerId];
    const chatId = this.#state.chats[peerId]?.chatId;
    const oldest = conversation?.messages[0];
    if (!conversation?.hasOlder || conversation.isLoadingOlder || !chatId || !oldest) return;
    this.#dispatch({ type: "older_loading", peerId });
    try {
      const page = await this.#api.message.list.query({ chat_id: chatId, limit: PAGE_SIZE, before_seq: oldest.seq });
      this.#dispatch({ type: "older_loaded", peerId, messages: page.messages, hasOlder: page.next_cursor !== null });
      this.#acknowledge(peerId, page.messages);
    } catch {
      this.#dispatch({ type: "older_failed", peerId });
    }
  }

  async #fillGap(peerId: number, chatId: number, afterSeq: number, beforeSeq: number) {
    let cursor = afterSeq;
    try {
      while (cursor < beforeSeq - 1) {
        const page = await this.#api.message.list.query({ chat_id: chatId, after_seq: cursor, limit: 200 });
        this.#dispatch({ type: "messages_received", messages: page.messages });
        this.#acknowledge(peerId, page.messages);
        if (page.next_cursor === null || page.messages.length === 0) break;
        cursor = page.next_cursor;
      }
    } catch {
      // The SDK fills the same gap on its side; this one only covers chats it didn't know yet.
    }
  }

  #acknowledge(peerId: number, messages: MessageOutput[]) {
    const ids = messages
      .filter((message) => message.sender_id === peerId && message.status === "sent")
      .map((message) => message.id);
    for (let start = 0; start < ids.length; start += ACK_BATCH) {
      void this.#api.message.ackDelivered.mutate({ message_ids: ids.slice(start, start + ACK_BATCH) }).catch(() => {});
    }
  }

  #markActiveChatRead() {
    const state = this.#state;
    const peerId = state.activePeerId;
    if (peerId === null || !state.isVisible || !this.#client) return;
    const chat = state.chats[peerId];
    const conversation = state.conversations[peerId];
    const chatId = chat?.chatId;
    if (!chatId || conversation?.history !== "ready" || this.#readInFlight.has(chatId)) return;
    const newest = conversation.messages.findLast((message) => message.sender_id === peerId);
    const hasUnread = chat.unreadCount > 0 || (newest !== undefined && newest.status !== "read");
    const upTo = newest?.id ?? 0;
    if (!hasUnread || this.#lastReadUpTo.get(chatId) === upTo) return;

    this.#readInFlight.add(chatId);
    this.#lastReadUpTo.set(chatId, upTo);
    this.#api.chat.read
      .mutate(newest ? { chat_id: chatId, up_to_message_id: newest.id } : { chat_id: chatId })
      .then((result) => {
        this.#dispatch({
          type: "chat_read",
          chatId: result.chat_id,
          upToSeq: result.up_to_seq,
          unreadCount: result.unread_count,
        });
      })
      .catch((error: unknown) => {
        if (this.#isSessionEnded(error)) return;
        // Try again with the next change (a new message, the socket coming back).
        this.#lastReadUpTo.delete(chatId);
      })
      .finally(() => {
        this.#readInFlight.delete(chatId);
        queueMicrotask(() => this.#markActiveChatRead());
      });
  }

  /** Sends at once on screen (clock icon), then for real; a dropped socket just delays it. */
  send(peerId: number, content: string, replyTo: MessageOutput | null) {
    const reply: ReplyPreview | null = replyTo
      ? {
          id: replyTo.id,
          sender_id: replyTo.sender_id,
          content: replyTo.content,
          message_type: replyTo.message_type,
          is_deleted: replyTo.is_deleted,
        }
      : null;
    const message: OutgoingMessage = {
      client_msg_id: newClientMsgId(),
      content,
      reply_to: reply,
      created_at: new Date().toISOString(),
      state: "pending",
      error: null,
    };
    this.stopTyping(peerId);
    this.#dispatch({ type: "outbox_added", peerId, message });
    void this.#deliver(peerId, message);
  }

  retry(peerId: number, clientMsgId: string) {
    const message = this.#state.conversations[peerId]?.outbox.find((item) => item.client_msg_id === clientMsgId);
    if (!message || message.state === "pending") return;
    this.#dispatch({ type: "outbox_updated", peerId, clientMsgId, state: "pending", error: null });
    void this.#deliver(peerId, message);
  }

  discard(peerId: number, clientMsgId: string) {
    this.#dispatch({ type: "outbox_removed", peerId, clientMsgId });
  }

  async #deliver(peerId: number, message: OutgoingMessage) {
    const generation = this.#generation;
    for (let attempt = 1; ; attempt += 1) {
      try {
        // The same client_msg_id every time: a retry of a send that did arrive returns that message.
        const sent = await this.#api.message.send.mutate({
          receiver_id: peerId,
          content: message.content,
          client_msg_id: message.client_msg_id,
          ...(message.reply_to ? { reply_to_message_id: message.reply_to.id } : {}),
        });
        if (this.#isCurrent(generation)) this.#receive([sent]);
        return;
      } catch (error) {
        if (!this.#isCurrent(generation) || this.#isSessionEnded(error)) return;
        const problem = toApiProblem(error);
        if (problem.code === null && attempt < MAX_SEND_ATTEMPTS) {
          // The request waits in the client until the socket is back.
          await sleep(500 * attempt);
          continue;
        }
        this.#dispatch({
          type: "outbox_updated",
          peerId,
          clientMsgId: message.client_msg_id,
          state: "failed",
          error: problem.message,
        });
        return;
      }
    }
  }

  /** A key was pressed in the composer. */
  typing(peerId: number) {
    const chatId = this.#state.chats[peerId]?.chatId;
    if (!chatId || this.#state.blocked[peerId] || !this.#client) return;
    const current = this.#typingOut.get(peerId) ?? { sentAt: 0, idleTimer: null };
    const now = Date.now();
    if (now - current.sentAt >= TYPING_REFRESH_MS) {
      current.sentAt = now;
      void this.#api.chat.typing.mutate({ chat_id: chatId, is_typing: true }).catch(() => {});
    }
    if (current.idleTimer) clearTimeout(current.idleTimer);
    current.idleTimer = setTimeout(() => this.stopTyping(peerId), TYPING_IDLE_MS);
    this.#typingOut.set(peerId, current);
  }

  /** Sent, cleared, left: take "typing…" back at once. */
  stopTyping(peerId: number) {
    const current = this.#typingOut.get(peerId);
    if (!current) return;
    if (current.idleTimer) clearTimeout(current.idleTimer);
    this.#typingOut.delete(peerId);
    const chatId = this.#state.chats[peerId]?.chatId;
    if (chatId && this.#client)
      void this.#api.chat.typing.mutate({ chat_id: chatId, is_typing: false }).catch(() => {});
  }

  async deleteMessage(message: MessageOutput, forEveryone: boolean) {
    await this.#api.message.delete.mutate({ message_id: message.id, for_everyone: forEveryone });
    this.#dispatch({ type: "message_deleted", chatId: message.chat_id, messageId: message.id, forEveryone });
  }

  async setBlocked(peerId: number, isBlocked: boolean): Promise<string> {
    const result = isBlocked
      ? await this.#api.contact.block.mutate({ user_id: peerId })
      : await this.#api.contact.unblock.mutate({ user_id: peerId });
    this.#dispatch({ type: "block_changed", userId: peerId, isBlocked });
    if (isBlocked) this.stopTyping(peerId);
    return result.message;
  }

  /** Exact phone number lookup for "New chat". */
  async findUser(phoneNumber: string): Promise<PublicProfile> {
    const profile = await this.#api.user.search.query({ phone_number: phoneNumber });
    if (profile.id !== this.#options.selfId) this.#dispatch({ type: "profile_upserted", profile });
    return profile;
  }
}
