import {
  createParleyClient,
  type ChatListItem,
  type GroupMessageOutput,
  type GroupOutput,
  type GroupRole,
  type LiveSubscription,
  type LocationInput,
  type MediaKind,
  type MessageInfo,
  type MessageOutput,
  type ParleyClient,
  type ParleyEvent,
  type FoundMessage,
  type PublicProfile,
} from "@parley/sdk";

import { toApiProblem } from "~/lib/api-error";

import { newClientMsgId } from "./client-msg-id";
import { readEventCursor, writeEventCursor } from "./event-cursor";
import { myReaction, withReaction } from "./message-actions";
import {
  directKey,
  groupKey,
  isSystemMessage,
  parseKey,
  peerOf,
  type ChatAction,
  type ConversationKey,
  toReplyPreview,
  type OutgoingMedia,
  type OutgoingMessage,
  type ThreadMessage,
} from "./state";
import { ChatStore } from "./store";
import { putFile, UploadError } from "./upload";
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
// Going back to a message found by search (or starred) loads the history before it in pages this big.
const REVEAL_PAGE_SIZE = 200;
// The starred set is loaded this far at start; older stars show once their message is starred again or listed.
const STARRED_PAGES = 5;
const STARRED_PAGE_SIZE = 100;
const FOUND_PAGE_SIZE = 30;
// Object URLs of files sent from this tab, kept so a sent photo doesn't flash while its server copy loads.
const LOCAL_PREVIEWS_KEPT = 30;

export type ChatEngineOptions = {
  selfId: number;
  /** PUBLIC_WS_URL, or null for /ws on the page's own host. */
  publicWsUrl: string | null;
  /** The session was revoked (logged out elsewhere, password reset). */
  onSessionEnded: () => void;
  /** My contacts changed on another device: whatever lists them must be fetched again. */
  onContactsChanged?: () => void;
};

type TypingOut = { sentAt: number; idleTimer: ReturnType<typeof setTimeout> | null };

type MessagePage = { messages: ThreadMessage[]; next_cursor: number | null };

/** A starred message, with where it was said and when it was starred. */
export type StarredMessage = FoundMessage & { starred_at: string };

/** A page of starred messages or search results, newest first. */
export type FoundPage<T extends FoundMessage> = { messages: T[]; next_cursor: string | null };

/** A file to send, as the composer has it. */
export type MediaToSend = {
  file: Blob;
  kind: MediaKind;
  mimeType: string;
  fileName: string | null;
  caption: string;
  width?: number | null;
  height?: number | null;
  durationSeconds?: number | null;
  isVoiceNote?: boolean;
};

const isAbort = (error: unknown) => error instanceof DOMException && error.name === "AbortError";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whom a starred message or search result names: the other person of a 1:1 chat, and the sender. */
function foundPeople(found: FoundMessage): number[] {
  const { conversation, message } = found;
  return conversation.type === "direct" ? [conversation.peer_id, message.sender_id] : [message.sender_id];
}

/** Everyone a message names: its sender, and the people a system message is about. */
function peopleIn(messages: ThreadMessage[]): number[] {
  return messages.flatMap((message) =>
    isSystemMessage(message) && message.system
      ? [message.sender_id, message.system.actor_id, ...message.system.user_ids]
      : [message.sender_id],
  );
}

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
  /** Keyed "<conversation>|<user id>": in a group, each member's "typing…" expires on its own. */
  readonly #typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #typingOut = new Map<ConversationKey, TypingOut>();
  readonly #readInFlight = new Set<ConversationKey>();
  readonly #lastReadUpTo = new Map<ConversationKey, number>();
  readonly #chatsLoading = new Set<number>();
  readonly #groupsLoading = new Set<number>();
  readonly #profilesLoading = new Set<number>();
  #isLoadingMoreChats = false;
  #cleanups: (() => void)[] = [];
  /** Uploads under way, by client_msg_id: cancelling aborts the PUT and whatever request comes next. */
  readonly #uploads = new Map<string, AbortController>();
  readonly #localPreviews = new Map<string, string>();
  /** Per conversation, the last file's turn to be sent: files upload side by side but arrive in the order picked. */
  readonly #fileTurns = new Map<ConversationKey, Promise<void>>();

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
    void this.#loadStarred(generation);
    // A conversation opened before the socket (a reload on /chats?with=…) loads now.
    const active = this.#state.active;
    if (active !== null) this.openConversation(active);
    // Sends cut short by a stop() go again (same client_msg_id, so never twice); uploads carry on by themselves.
    for (const [key, conversation] of Object.entries(this.#state.conversations)) {
      const pending =
        conversation?.outbox.filter(
          (message) => message.state === "pending" && !this.#uploads.has(message.client_msg_id),
        ) ?? [];
      for (const message of pending) void this.#deliver(key as ConversationKey, message);
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
    const chatSeqs: [number, number][] = [];
    const groupSeqs: [number, number][] = [];
    for (const chat of Object.values(this.#state.chats)) {
      if (chat?.kind === "direct" && chat.chatId !== null) chatSeqs.push([chat.chatId, chat.lastSeq]);
      if (chat?.kind === "group") groupSeqs.push([chat.groupId, chat.lastSeq]);
    }
    this.#subscription = this.#api.subscribeEvents({
      selfUserId: this.#options.selfId,
      lastEventId,
      chatSeqs,
      groupSeqs,
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
      const active = this.#state.active;
      if (active === null) return;
      const { kind, id } = parseKey(active);
      if (kind === "direct") void this.#refreshProfile(id);
      else void this.#loadGroup(id);
    }
  }

  #handleEvent(event: ParleyEvent) {
    switch (event.type) {
      case "new_message":
        this.#receive([event.message]);
        return;
      case "new_group_message":
        this.#receiveGroup([event.message]);
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
      case "group_message_status":
        this.#dispatch({
          type: "group_status_updated",
          groupId: event.group_id,
          status: event.status,
          upToSeq: event.up_to_seq,
        });
        return;
      case "message_deleted": {
        const peerId = this.#state.chatPeers[event.chat_id];
        if (peerId === undefined) return;
        this.#dispatch({
          type: "message_deleted",
          key: directKey(peerId),
          messageId: event.message_id,
          forEveryone: event.for_everyone,
        });
        return;
      }
      case "group_message_deleted":
        this.#dispatch({
          type: "message_deleted",
          key: groupKey(event.group_id),
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
      case "group_read":
        this.#dispatch({ type: "group_read", groupId: event.group_id, unreadCount: event.unread_count });
        return;
      case "group_updated":
        this.#dispatch({ type: "group_updated", group: event.group });
        // The event leaves out the roster and our own role; fetch them where they may be on screen.
        if (this.#state.rosters[event.group.id] !== undefined || !this.#state.chats[groupKey(event.group.id)]) {
          void this.#loadGroup(event.group.id);
        }
        return;
      case "group_left":
        this.#groupLeft(event.group_id, event.reason);
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
        this.#someoneTyping(directKey(event.user_id), event.user_id, event.is_typing, event.expires_in_ms);
        return;
      case "group_typing":
        // Our own other devices typing are not news here.
        if (event.user_id === this.#options.selfId) return;
        this.#someoneTyping(groupKey(event.group_id), event.user_id, event.is_typing, event.expires_in_ms);
        return;
      case "message_edited": {
        const key = this.#keyOf(event.chat_id, event.group_id);
        if (key === null) return;
        this.#dispatch({
          type: "message_edited",
          key,
          messageId: event.message_id,
          content: event.content,
          editedAt: event.edited_at,
        });
        return;
      }
      case "reaction_updated": {
        const key = this.#keyOf(event.chat_id, event.group_id);
        if (key === null) return;
        this.#dispatch({ type: "reactions_updated", key, messageId: event.message_id, reactions: event.reactions });
        return;
      }
      case "message_starred":
        this.#dispatch({ type: "starred_changed", messageId: event.message_id, isStarred: event.starred });
        return;
      case "contacts_changed":
        this.#options.onContactsChanged?.();
        return;
      case "resync":
        this.#resync();
        return;
    }
  }

  /** The conversation an event about a message names, if this tab knows it. */
  #keyOf(chatId: number | null, groupId: number | null): ConversationKey | null {
    if (groupId !== null) return groupKey(groupId);
    const peerId = chatId === null ? undefined : this.#state.chatPeers[chatId];
    return peerId === undefined ? null : directKey(peerId);
  }

  #receive(messages: MessageOutput[]) {
    const state = this.#state;
    for (const message of messages) {
      const peerId = peerOf(message, state.selfId);
      const key = directKey(peerId);
      this.#checkGap(key, message.seq);
      const chat = state.chats[key];
      if (!state.profiles[peerId] || chat?.kind !== "direct" || !chat.chatId) void this.#loadChat(message.chat_id);
      if (message.sender_id === peerId) this.#clearTyping(key, peerId);
    }
    this.#dispatch({ type: "messages_received", messages });
  }

  #receiveGroup(messages: GroupMessageOutput[]) {
    const state = this.#state;
    for (const message of messages) {
      const key = groupKey(message.group_id);
      this.#checkGap(key, message.seq);
      const chat = state.chats[key];
      if (chat?.kind !== "group" || !chat.group) void this.#loadGroup(message.group_id);
      this.#clearTyping(key, message.sender_id);
    }
    this.#ensureProfiles(peopleIn(messages));
    this.#dispatch({ type: "group_messages_received", messages });
  }

  /** A live message beyond the newest one shown: fetch what lies between (for chats the SDK didn't know). */
  #checkGap(key: ConversationKey, seq: number) {
    const conversation = this.#state.conversations[key];
    const newest = conversation?.messages.at(-1);
    if (conversation?.history === "ready" && newest && seq > newest.seq + 1) {
      void this.#fillGap(key, newest.seq, seq);
    }
  }

  #someoneTyping(key: ConversationKey, userId: number, isTyping: boolean, expiresInMs: number) {
    this.#clearTyping(key, userId);
    if (!isTyping) return;
    this.#dispatch({ type: "typing", key, userId, isTyping: true });
    this.#typingTimers.set(
      `${key}|${userId}`,
      setTimeout(() => this.#clearTyping(key, userId), expiresInMs),
    );
  }

  #clearTyping(key: ConversationKey, userId: number) {
    const timerKey = `${key}|${userId}`;
    const timer = this.#typingTimers.get(timerKey);
    if (timer) clearTimeout(timer);
    this.#typingTimers.delete(timerKey);
    this.#dispatch({ type: "typing", key, userId, isTyping: false });
  }

  #groupLeft(groupId: number, reason: "left" | "removed" | "deleted") {
    const key = groupKey(groupId);
    this.#forgetTypingOut(key);
    for (const userId of this.#state.typing[key] ?? []) this.#clearTyping(key, userId);
    if (reason === "deleted") this.#dispatch({ type: "conversation_gone", key });
    else this.#dispatch({ type: "group_left", groupId, reason });
  }

  #resync() {
    this.#dispatch({ type: "resynced" });
    this.#lastReadUpTo.clear();
    void this.#loadChats(this.#generation);
    const active = this.#state.active;
    if (active !== null) void this.#loadConversation(active);
  }

  async #loadChats(generation: number) {
    try {
      const page = await this.#api.chat.list.query({ limit: CHAT_PAGE_SIZE });
      if (!this.#isCurrent(generation)) return;
      this.#listed(page.chats, page.next_cursor);
      await this.#fetchUndelivered(page.chats);
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
      this.#listed(page.chats, page.next_cursor);
      await this.#fetchUndelivered(page.chats);
    } catch {
      // The list keeps what it has; scrolling again retries.
    } finally {
      this.#isLoadingMoreChats = false;
    }
  }

  #listed(chats: ChatListItem[], cursor: string | null) {
    this.#dispatch({ type: "chats_loaded", chats, cursor });
    // The stream catches up on a group from the seq we hold: what the list shows is held now.
    for (const chat of chats) if (chat.type === "group") this.#subscription?.noteGroupSeq(chat.id, chat.last_seq);
  }

  retryChats() {
    this.#dispatch({ type: "chats_loading" });
    void this.#loadChats(this.#generation);
  }

  /**
   * Messages that reached this device while it was away were never
   * acknowledged by the live stream. Loading their chats acknowledges them,
   * so their senders see ✓✓ without waiting for the chat to be opened. In a
   * group, delivery is a watermark: its newest message stands for all before it.
   */
  async #fetchUndelivered(items: ChatListItem[]) {
    const selfId = this.#options.selfId;
    const groups = items.flatMap((item) =>
      item.type === "group" &&
      item.group.is_member &&
      item.last_message &&
      item.last_message.sender_id !== selfId &&
      item.last_message.status === "sent"
        ? [{ group_id: item.id, up_to_seq: item.last_message.seq }]
        : [],
    );
    if (groups.length > 0) {
      void this.#api.message.ackDelivered.mutate({ groups: groups.slice(0, ACK_BATCH) }).catch(() => {});
    }
    for (const item of items) {
      if (item.type !== "direct") continue;
      const last = item.last_message;
      if (!last || last.sender_id !== item.peer.id || last.status !== "sent") continue;
      const key = directKey(item.peer.id);
      if (this.#state.conversations[key]?.history === "ready") continue;
      await this.#loadConversation(key);
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

  /** The group with its roster; a group that is gone (deleted, never ours) leaves the list. */
  async #fetchGroup(groupId: number): Promise<GroupOutput> {
    try {
      const group = await this.#api.group.get.query({ group_id: groupId });
      this.#dispatch({ type: "group_loaded", group });
      return group;
    } catch (error) {
      if (toApiProblem(error).code === "NOT_FOUND")
        this.#dispatch({ type: "conversation_gone", key: groupKey(groupId) });
      throw error;
    }
  }

  async #loadGroup(groupId: number) {
    if (this.#groupsLoading.has(groupId)) return;
    this.#groupsLoading.add(groupId);
    try {
      await this.#fetchGroup(groupId);
    } catch {
      // The group keeps what it showed; the next event or chat list refresh tries again.
    } finally {
      this.#groupsLoading.delete(groupId);
    }
  }

  /** Names for senders no longer in the group (or not yet in the roster). */
  #ensureProfiles(userIds: number[]) {
    const state = this.#state;
    for (const userId of new Set(userIds)) {
      if (userId === state.selfId || state.profiles[userId] || this.#profilesLoading.has(userId)) continue;
      this.#profilesLoading.add(userId);
      this.#api.user.get
        .query({ id: userId })
        .then((profile) => this.#dispatch({ type: "profile_upserted", profile }))
        .catch(() => {
          // The system message's own text, or "Someone", stands in.
        })
        .finally(() => this.#profilesLoading.delete(userId));
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
  openConversation(key: ConversationKey) {
    this.#dispatch({ type: "active_changed", key });
    // A message asked for elsewhere is not looked for here.
    if (this.#state.focus && this.#state.focus.key !== key) this.#dispatch({ type: "focus_cleared" });
    if (!this.#client) return;
    const history = this.#state.conversations[key]?.history ?? "idle";
    if (history === "idle" || history === "error") void this.#loadConversation(key);
  }

  closeConversation(key: ConversationKey) {
    this.stopTyping(key);
    if (this.#state.active === key) this.#dispatch({ type: "active_changed", key: null });
  }

  async #loadConversation(key: ConversationKey) {
    const generation = this.#generation;
    this.#dispatch({ type: "history_loading", key });
    try {
      const page = await this.#firstPage(key);
      if (!this.#isCurrent(generation)) return;
      this.#dispatch({ type: "history_loaded", key, messages: page.messages, hasOlder: page.next_cursor !== null });
      this.#acknowledge(key, page.messages);
      this.#ensureProfiles(peopleIn(page.messages));
      if (this.#state.focus?.key === key) void this.#revealFocus(key);
    } catch (error) {
      if (this.#isSessionEnded(error)) return;
      if (!this.#isCurrent(generation)) return;
      if (this.#state.conversations[key]?.history !== "gone") this.#dispatch({ type: "history_failed", key });
    }
  }

  async #firstPage(key: ConversationKey): Promise<MessagePage> {
    const { kind, id } = parseKey(key);
    if (kind === "group") {
      const chat = this.#state.chats[key];
      if (chat?.kind !== "group" || !chat.group || this.#state.rosters[id] === undefined) await this.#fetchGroup(id);
      return this.#api.message.listGroup.query({ group_id: id, limit: PAGE_SIZE });
    }
    if (!this.#state.profiles[id]) {
      const profile = await this.#api.user.get.query({ id });
      this.#dispatch({ type: "profile_upserted", profile });
    }
    let chatId = this.#chatIdOf(key);
    if (chatId === null) {
      const chat = await this.#api.chat.findWith.query({ user_id: id });
      if (chat) this.#dispatch({ type: "chat_upserted", chat });
      chatId = chat?.id ?? null;
    }
    if (chatId === null) return { messages: [], next_cursor: null };
    return this.#api.message.list.query({ chat_id: chatId, limit: PAGE_SIZE });
  }

  #chatIdOf(key: ConversationKey): number | null {
    const chat = this.#state.chats[key];
    return chat?.kind === "direct" ? chat.chatId : null;
  }

  /** A page of a conversation's messages, older (before) or newer (after) than a seq. */
  async #page(key: ConversationKey, cursor: { before_seq: number } | { after_seq: number }, limit: number) {
    const { kind, id } = parseKey(key);
    if (kind === "group") return this.#api.message.listGroup.query({ group_id: id, limit, ...cursor });
    const chatId = this.#chatIdOf(key);
    if (chatId === null) return null;
    return this.#api.message.list.query({ chat_id: chatId, limit, ...cursor });
  }

  retryConversation(key: ConversationKey) {
    void this.#loadConversation(key);
  }

  /** The page before the oldest message shown (scrolling up). */
  async loadOlder(key: ConversationKey) {
    const conversation = this.#state.conversations[key];
    const oldest = conversation?.messages[0];
    if (!conversation?.hasOlder || conversation.isLoadingOlder || !oldest) return;
    this.#dispatch({ type: "older_loading", key });
    try {
      const page = await this.#page(key, { before_seq: oldest.seq }, PAGE_SIZE);
      if (!page) throw new Error("No chat to page through");
      this.#dispatch({ type: "older_loaded", key, messages: page.messages, hasOlder: page.next_cursor !== null });
      this.#acknowledge(key, page.messages);
      this.#ensureProfiles(peopleIn(page.messages));
    } catch {
      this.#dispatch({ type: "older_failed", key });
    }
  }

  async #fillGap(key: ConversationKey, afterSeq: number, beforeSeq: number) {
    const { kind } = parseKey(key);
    let cursor = afterSeq;
    try {
      while (cursor < beforeSeq - 1) {
        const page = await this.#page(key, { after_seq: cursor }, 200);
        if (!page) break;
        if (kind === "group") this.#receiveGroup(page.messages as GroupMessageOutput[]);
        else this.#dispatch({ type: "messages_received", messages: page.messages as MessageOutput[] });
        this.#acknowledge(key, page.messages);
        if (page.next_cursor === null || page.messages.length === 0) break;
        cursor = page.next_cursor;
      }
    } catch {
      // The SDK fills the same gap on its side; this one only covers chats it didn't know yet.
    }
  }

  #acknowledge(key: ConversationKey, messages: ThreadMessage[]) {
    const { kind, id } = parseKey(key);
    const selfId = this.#options.selfId;
    if (kind === "group") {
      // A group's delivery is a watermark: its newest message from someone else covers the rest.
      const newest = messages.findLast((message) => message.sender_id !== selfId && message.status === "sent");
      if (newest) {
        void this.#api.message.ackDelivered
          .mutate({ groups: [{ group_id: id, up_to_seq: newest.seq }] })
          .catch(() => {});
      }
      return;
    }
    const ids = messages
      .filter((message) => message.sender_id === id && message.status === "sent")
      .map((message) => message.id);
    for (let start = 0; start < ids.length; start += ACK_BATCH) {
      void this.#api.message.ackDelivered.mutate({ message_ids: ids.slice(start, start + ACK_BATCH) }).catch(() => {});
    }
  }

  #markActiveChatRead() {
    const state = this.#state;
    const key = state.active;
    if (key === null || !state.isVisible || !this.#client || this.#readInFlight.has(key)) return;
    const chat = state.chats[key];
    const conversation = state.conversations[key];
    if (!chat || conversation?.history !== "ready") return;

    let read: Promise<void>;
    let upTo: number;
    if (chat.kind === "direct") {
      const { chatId, peerId } = chat;
      if (!chatId) return;
      const newest = conversation.messages.findLast((message) => message.sender_id === peerId);
      const hasUnread = chat.unreadCount > 0 || (newest !== undefined && newest.status !== "read");
      upTo = newest?.id ?? 0;
      if (!hasUnread || this.#lastReadUpTo.get(key) === upTo) return;
      read = this.#api.chat.read
        .mutate(newest ? { chat_id: chatId, up_to_message_id: newest.id } : { chat_id: chatId })
        .then((result) =>
          this.#dispatch({
            type: "chat_read",
            chatId: result.chat_id,
            upToSeq: result.up_to_seq,
            unreadCount: result.unread_count,
          }),
        );
    } else {
      // A group message's status speaks for every member, so what this device read is tracked here.
      const newest = conversation.messages.findLast((message) => message.sender_id !== state.selfId);
      upTo = newest?.seq ?? 0;
      const hasUnread = chat.unreadCount > 0 || upTo > (this.#lastReadUpTo.get(key) ?? 0);
      if (!hasUnread || this.#lastReadUpTo.get(key) === upTo) return;
      read = this.#api.group.read
        .mutate(newest ? { group_id: chat.groupId, up_to_seq: newest.seq } : { group_id: chat.groupId })
        .then((result) =>
          this.#dispatch({ type: "group_read", groupId: result.group_id, unreadCount: result.unread_count }),
        );
    }

    this.#readInFlight.add(key);
    this.#lastReadUpTo.set(key, upTo);
    read
      .catch((error: unknown) => {
        if (this.#isSessionEnded(error)) return;
        // Try again with the next change (a new message, the socket coming back).
        this.#lastReadUpTo.delete(key);
      })
      .finally(() => {
        this.#readInFlight.delete(key);
        queueMicrotask(() => this.#markActiveChatRead());
      });
  }

  /** Sends at once on screen (clock icon), then for real; a dropped socket just delays it. */
  send(key: ConversationKey, content: string, replyTo: ThreadMessage | null) {
    this.#enqueue(key, { message_type: "text", content, media: null, location: null }, replyTo);
  }

  /** A photo, video, audio or document: shown at once with its progress, uploaded, checked, then sent. */
  sendMedia(key: ConversationKey, toSend: MediaToSend, replyTo: ThreadMessage | null) {
    const { file, kind } = toSend;
    const media: OutgoingMedia = {
      kind,
      file,
      file_name: toSend.fileName,
      mime_type: toSend.mimeType,
      size: file.size,
      // Plays or shows from memory, before (and instead of) fetching the server's copy.
      preview_url: kind === "document" ? null : URL.createObjectURL(file),
      width: toSend.width ?? null,
      height: toSend.height ?? null,
      duration_seconds: toSend.durationSeconds ?? null,
      is_voice_note: toSend.isVoiceNote ?? false,
      stage: "uploading",
      progress: 0,
      media_id: null,
    };
    this.#enqueue(key, { message_type: kind, content: toSend.caption.trim(), media, location: null }, replyTo);
  }

  sendLocation(key: ConversationKey, location: LocationInput, replyTo: ThreadMessage | null) {
    const place = { latitude: location.latitude, longitude: location.longitude, name: location.name || null };
    this.#enqueue(key, { message_type: "location", content: "", media: null, location: place }, replyTo);
  }

  #enqueue(
    key: ConversationKey,
    body: Pick<OutgoingMessage, "message_type" | "content" | "media" | "location">,
    replyTo: ThreadMessage | null,
  ) {
    const message: OutgoingMessage = {
      ...body,
      client_msg_id: newClientMsgId(),
      reply_to: replyTo ? toReplyPreview(replyTo) : null,
      created_at: new Date().toISOString(),
      state: "pending",
      error: null,
      can_retry: true,
    };
    this.stopTyping(key);
    this.#dispatch({ type: "outbox_added", key, message });
    void this.#deliver(key, message);
  }

  retry(key: ConversationKey, clientMsgId: string) {
    const message = this.#outgoing(key, clientMsgId);
    if (!message || message.state === "pending") return;
    this.#dispatch({ type: "outbox_updated", key, clientMsgId, state: "pending", error: null });
    void this.#deliver(key, message);
  }

  /** Takes back a message not sent yet; an upload under way is stopped, so nothing is sent. */
  discard(key: ConversationKey, clientMsgId: string) {
    this.#uploads.get(clientMsgId)?.abort();
    const preview = this.#outgoing(key, clientMsgId)?.media?.preview_url;
    // Still needed if the checked upload is on screen as a sent photo.
    if (preview && ![...this.#localPreviews.values()].includes(preview)) URL.revokeObjectURL(preview);
    this.#dispatch({ type: "outbox_removed", key, clientMsgId });
  }

  /** The local copy of a file this tab sent, while it is kept. */
  localPreview(mediaId: string): string | null {
    return this.#localPreviews.get(mediaId) ?? null;
  }

  #outgoing(key: ConversationKey, clientMsgId: string): OutgoingMessage | undefined {
    return this.#state.conversations[key]?.outbox.find((item) => item.client_msg_id === clientMsgId);
  }

  #keepLocalPreview(mediaId: string, url: string) {
    this.#localPreviews.set(mediaId, url);
    for (const [oldId, oldUrl] of this.#localPreviews) {
      if (this.#localPreviews.size <= LOCAL_PREVIEWS_KEPT) break;
      this.#localPreviews.delete(oldId);
      URL.revokeObjectURL(oldUrl);
    }
  }

  /**
   * Uploads a message's file and has the server check it. Returns the media id,
   * or null when it was cancelled or failed (the bubble then says why).
   */
  async #upload(key: ConversationKey, clientMsgId: string, media: OutgoingMedia): Promise<string | null> {
    const controller = new AbortController();
    this.#uploads.get(clientMsgId)?.abort();
    this.#uploads.set(clientMsgId, controller);
    const { signal } = controller;
    const update = (changes: Partial<Pick<OutgoingMedia, "stage" | "progress" | "media_id">>) =>
      this.#dispatch({ type: "outbox_media_updated", key, clientMsgId, media: changes });
    let shownProgress = 0;
    try {
      update({ stage: "uploading", progress: 0 });
      const ticket = await this.#api.media.createUpload.mutate({
        kind: media.kind,
        mime_type: media.mime_type,
        size: media.size,
        ...(media.file_name ? { file_name: media.file_name } : {}),
        purpose: "message",
        is_voice_note: media.is_voice_note,
        ...(media.duration_seconds !== null ? { duration_seconds: media.duration_seconds } : {}),
      });
      signal.throwIfAborted();
      await putFile(ticket.upload.url, media.file, {
        headers: ticket.upload.headers,
        signal,
        onProgress: (fraction) => {
          // A store update per percent is plenty for a progress bar.
          if (fraction - shownProgress < 0.01 && fraction < 1) return;
          shownProgress = fraction;
          update({ progress: fraction });
        },
      });
      update({ stage: "checking", progress: 1 });
      const checked = await this.#api.media.complete.mutate({ media_id: ticket.media_id });
      signal.throwIfAborted();
      if (media.preview_url) this.#keepLocalPreview(checked.id, media.preview_url);
      update({ stage: null, media_id: checked.id });
      return checked.id;
    } catch (error) {
      if (signal.aborted || isAbort(error)) return null;
      update({ stage: null });
      if (error instanceof UploadError) {
        this.#dispatch({ type: "outbox_updated", key, clientMsgId, state: "failed", error: error.message });
        return null;
      }
      if (this.#isSessionEnded(error)) return null;
      const problem = toApiProblem(error);
      this.#dispatch({
        type: "outbox_updated",
        key,
        clientMsgId,
        state: "failed",
        error: problem.message,
        // The file itself was refused (wrong type, empty, too large): the same bytes would be refused again.
        canRetry: problem.code !== "BAD_REQUEST" && problem.code !== "PAYLOAD_TOO_LARGE",
      });
      return null;
    } finally {
      if (this.#uploads.get(clientMsgId) === controller) this.#uploads.delete(clientMsgId);
    }
  }

  /** A place in the conversation's queue of files: wait for `previous`, then call `done` whatever happened. */
  #takeFileTurn(key: ConversationKey): { previous: Promise<void>; done: () => void } {
    const previous = this.#fileTurns.get(key) ?? Promise.resolve();
    let done = () => {};
    const mine = new Promise<void>((resolve) => (done = resolve));
    this.#fileTurns.set(
      key,
      previous.then(() => mine),
    );
    return { previous, done };
  }

  async #deliver(key: ConversationKey, message: OutgoingMessage) {
    if (!message.media) return this.#send(key, message, null);
    const turn = this.#takeFileTurn(key);
    try {
      let mediaId = message.media.media_id;
      if (!mediaId) {
        mediaId = await this.#upload(key, message.client_msg_id, message.media);
        // Cancelled or failed; or discarded while the server was checking it.
        if (!mediaId || !this.#outgoing(key, message.client_msg_id)) return;
      }
      await turn.previous;
      if (!this.#outgoing(key, message.client_msg_id)) return;
      await this.#send(key, message, mediaId);
    } finally {
      turn.done();
    }
  }

  async #send(key: ConversationKey, message: OutgoingMessage, mediaId: string | null) {
    const generation = this.#generation;
    const { kind, id } = parseKey(key);
    // The same client_msg_id every time: a retry of a send that did arrive returns that message.
    const fields = {
      message_type: message.message_type,
      ...(message.content ? { content: message.content } : {}),
      ...(mediaId ? { media_id: mediaId } : {}),
      ...(message.location
        ? {
            location: {
              latitude: message.location.latitude,
              longitude: message.location.longitude,
              ...(message.location.name ? { name: message.location.name } : {}),
            },
          }
        : {}),
      client_msg_id: message.client_msg_id,
      ...(message.reply_to ? { reply_to_message_id: message.reply_to.id } : {}),
    };
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (kind === "group") {
          const sent = await this.#api.message.sendGroup.mutate({ group_id: id, ...fields });
          if (this.#isCurrent(generation)) this.#receiveGroup([sent]);
        } else {
          const sent = await this.#api.message.send.mutate({ receiver_id: id, ...fields });
          if (this.#isCurrent(generation)) this.#receive([sent]);
        }
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
          key,
          clientMsgId: message.client_msg_id,
          state: "failed",
          error: problem.message,
        });
        return;
      }
    }
  }

  /** Where "typing…" goes for a conversation, or null when nobody there may see it. */
  #typingTarget(key: ConversationKey, isTyping: boolean): Promise<unknown> | null {
    const chat = this.#state.chats[key];
    if (!chat || !this.#client) return null;
    if (chat.kind === "group") {
      if (!chat.group?.is_member) return null;
      return this.#api.group.typing.mutate({ group_id: chat.groupId, is_typing: isTyping });
    }
    if (!chat.chatId || (isTyping && this.#state.blocked[chat.peerId])) return null;
    return this.#api.chat.typing.mutate({ chat_id: chat.chatId, is_typing: isTyping });
  }

  /** A key was pressed in the composer. */
  typing(key: ConversationKey) {
    const current = this.#typingOut.get(key) ?? { sentAt: 0, idleTimer: null };
    const now = Date.now();
    if (now - current.sentAt >= TYPING_REFRESH_MS) {
      const request = this.#typingTarget(key, true);
      if (!request) return;
      current.sentAt = now;
      void request.catch(() => {});
    }
    if (current.idleTimer) clearTimeout(current.idleTimer);
    current.idleTimer = setTimeout(() => this.stopTyping(key), TYPING_IDLE_MS);
    this.#typingOut.set(key, current);
  }

  /** Sent, cleared, left: take "typing…" back at once. */
  stopTyping(key: ConversationKey) {
    if (!this.#forgetTypingOut(key)) return;
    void this.#typingTarget(key, false)?.catch(() => {});
  }

  #forgetTypingOut(key: ConversationKey): boolean {
    const current = this.#typingOut.get(key);
    if (!current) return false;
    if (current.idleTimer) clearTimeout(current.idleTimer);
    this.#typingOut.delete(key);
    return true;
  }

  async deleteMessage(key: ConversationKey, message: ThreadMessage, forEveryone: boolean) {
    await this.#api.message.delete.mutate({ message_id: message.id, for_everyone: forEveryone });
    this.#dispatch({ type: "message_deleted", key, messageId: message.id, forEveryone });
  }

  /** Who got one of my messages, and who read it, with when. */
  messageInfo(messageId: number): Promise<MessageInfo> {
    return this.#api.message.info.query({ message_id: messageId });
  }

  /** Changes the text of one of my messages; everyone in the conversation sees it live. */
  async editMessage(key: ConversationKey, message: ThreadMessage, content: string) {
    const result = await this.#api.message.edit.mutate({ message_id: message.id, content });
    if (result.edited_at === null) return;
    this.#dispatch({
      type: "message_edited",
      key,
      messageId: result.message_id,
      content: result.content,
      editedAt: result.edited_at,
    });
  }

  /** My reaction to a message (null takes it back), shown at once and taken back if the server refuses it. */
  async react(key: ConversationKey, messageId: number, emoji: string | null) {
    const selfId = this.#options.selfId;
    const current = () => this.#findMessage(key, messageId)?.reactions ?? [];
    const previous = myReaction(current(), selfId);
    this.#dispatch({ type: "reactions_updated", key, messageId, reactions: withReaction(current(), selfId, emoji) });
    try {
      const result = await this.#api.message.react.mutate({ message_id: messageId, emoji });
      this.#dispatch({ type: "reactions_updated", key, messageId, reactions: result.reactions });
    } catch (error) {
      this.#dispatch({
        type: "reactions_updated",
        key,
        messageId,
        reactions: withReaction(current(), selfId, previous),
      });
      throw error;
    }
  }

  #findMessage(key: ConversationKey, messageId: number): ThreadMessage | undefined {
    const found = this.#state.conversations[key]?.messages.find((message) => message.id === messageId);
    if (found) return found;
    const last = this.#state.chats[key]?.lastMessage;
    return last?.id === messageId ? last : undefined;
  }

  /** Sends copies of messages (in the order given) to chats and groups; they arrive marked "Forwarded". */
  async forward(messageIds: number[], targets: ConversationKey[]) {
    const userIds: number[] = [];
    const groupIds: number[] = [];
    for (const target of targets) {
      const { kind, id } = parseKey(target);
      (kind === "group" ? groupIds : userIds).push(id);
    }
    const generation = this.#generation;
    const result = await this.#api.message.forward.mutate({
      message_ids: messageIds,
      user_ids: userIds,
      group_ids: groupIds,
      // One id per forward: a retry of a forward that did arrive returns the same copies.
      client_batch_id: newClientMsgId(),
    });
    if (!this.#isCurrent(generation)) return;
    if (result.direct.length > 0) this.#receive(result.direct);
    if (result.group.length > 0) this.#receiveGroup(result.group);
  }

  /** Stars or unstars a message (shown at once, taken back if the server refuses). */
  async setStarred(messageId: number, isStarred: boolean) {
    this.#dispatch({ type: "starred_changed", messageId, isStarred });
    try {
      await this.#api.message.star.mutate({ message_id: messageId, starred: isStarred });
    } catch (error) {
      this.#dispatch({ type: "starred_changed", messageId, isStarred: !isStarred });
      throw error;
    }
  }

  /** Which messages I starred, so their bubbles show a star. */
  async #loadStarred(generation: number) {
    const ids: number[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < STARRED_PAGES; page += 1) {
        const result = await this.#api.message.starred.query({ limit: STARRED_PAGE_SIZE, cursor });
        ids.push(...result.messages.map((item) => item.message.id));
        if (!result.next_cursor) break;
        cursor = result.next_cursor;
      }
    } catch (error) {
      if (this.#isSessionEnded(error)) return;
      // Stars show as they are set; the starred list fetches its own pages.
    }
    if (!this.#isCurrent(generation)) return;
    // Stars set while this loaded are kept: the event or the request that set them is newer.
    const known = Object.keys(this.#state.starred).map(Number);
    this.#dispatch({ type: "starred_loaded", messageIds: [...new Set([...ids, ...known])] });
  }

  /** A page of my starred messages, most recently starred first. */
  async starredMessages(cursor: string | null): Promise<FoundPage<StarredMessage>> {
    const page = await this.#api.message.starred.query({ limit: FOUND_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    this.#ensureProfiles(page.messages.flatMap(foundPeople));
    return page;
  }

  /** Messages whose words start with the search's words, newest first. */
  async searchMessages(query: string, cursor: string | null): Promise<FoundPage<FoundMessage>> {
    const page = await this.#api.message.search.query({
      q: query,
      limit: FOUND_PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    this.#ensureProfiles(page.messages.flatMap(foundPeople));
    return page;
  }

  /**
   * Brings a message into view in its conversation (a search result, a starred message): the
   * pages before the newest are loaded back to it, then the message list scrolls to it.
   */
  showMessage(key: ConversationKey, messageId: number, seq: number) {
    this.#dispatch({ type: "focus_requested", focus: { key, messageId, seq } });
    if (this.#state.conversations[key]?.history === "ready") void this.#revealFocus(key);
  }

  /** The message list scrolled to the message asked for (or gave up on it). */
  clearFocus() {
    this.#dispatch({ type: "focus_cleared" });
  }

  /** Pages back from the oldest message shown until the focused one is loaded; the list stays gap-free. */
  async #revealFocus(key: ConversationKey) {
    const generation = this.#generation;
    for (;;) {
      const { focus, conversations } = this.#state;
      const conversation = conversations[key];
      if (focus?.key !== key || conversation?.history !== "ready" || !this.#isCurrent(generation)) return;
      if (conversation.messages.some((message) => message.id === focus.messageId)) return;
      const oldest = conversation.messages[0];
      if (!conversation.hasOlder || !oldest || oldest.seq <= focus.seq) {
        // Not in this history any more (deleted for me, or from before I joined the group).
        this.#dispatch({ type: "focus_cleared" });
        return;
      }
      this.#dispatch({ type: "older_loading", key });
      try {
        const page = await this.#page(key, { before_seq: oldest.seq }, REVEAL_PAGE_SIZE);
        if (!page) throw new Error("No chat to page through");
        this.#dispatch({ type: "older_loaded", key, messages: page.messages, hasOlder: page.next_cursor !== null });
        this.#acknowledge(key, page.messages);
        this.#ensureProfiles(peopleIn(page.messages));
      } catch (error) {
        this.#isSessionEnded(error);
        this.#dispatch({ type: "older_failed", key });
        if (this.#state.focus?.key === key) this.#dispatch({ type: "focus_cleared" });
        return;
      }
    }
  }

  async setBlocked(peerId: number, isBlocked: boolean): Promise<string> {
    const result = isBlocked
      ? await this.#api.contact.block.mutate({ user_id: peerId })
      : await this.#api.contact.unblock.mutate({ user_id: peerId });
    this.#dispatch({ type: "block_changed", userId: peerId, isBlocked });
    if (isBlocked) this.stopTyping(directKey(peerId));
    return result.message;
  }

  /** Exact phone number lookup for "New chat" and adding group members. */
  async findUser(phoneNumber: string): Promise<PublicProfile> {
    const profile = await this.#api.user.search.query({ phone_number: phoneNumber });
    if (profile.id !== this.#options.selfId) this.#dispatch({ type: "profile_upserted", profile });
    return profile;
  }

  /** Makes a group with us as its admin; returns where to open it. */
  async createGroup(input: { name: string; description: string; memberIds: number[] }): Promise<ConversationKey> {
    const group = await this.#api.group.create.mutate({
      name: input.name,
      ...(input.description ? { description: input.description } : {}),
      member_ids: input.memberIds,
    });
    this.#dispatch({ type: "group_loaded", group });
    return groupKey(group.id);
  }

  /** The roster again (opening the group's info). */
  refreshGroup(groupId: number) {
    void this.#loadGroup(groupId);
  }

  async updateGroup(
    groupId: number,
    changes: { name?: string; description?: string | null; picture_media_id?: string | null },
  ) {
    const group = await this.#api.group.update.mutate({ group_id: groupId, ...changes });
    this.#dispatch({ type: "group_loaded", group });
  }

  async addMembers(groupId: number, userIds: number[]) {
    const group = await this.#api.group.addMembers.mutate({ group_id: groupId, user_ids: userIds });
    this.#dispatch({ type: "group_loaded", group });
  }

  async removeMember(groupId: number, userId: number) {
    await this.#api.group.removeMember.mutate({ group_id: groupId, user_id: userId });
    await this.#fetchGroup(groupId);
  }

  async setRole(groupId: number, userId: number, role: GroupRole) {
    const group = await this.#api.group.setRole.mutate({ group_id: groupId, user_id: userId, role });
    this.#dispatch({ type: "group_loaded", group });
  }

  async leaveGroup(groupId: number) {
    await this.#api.group.leave.mutate({ group_id: groupId });
    this.#groupLeft(groupId, "left");
  }

  async deleteGroup(groupId: number) {
    await this.#api.group.delete.mutate({ group_id: groupId });
    this.#groupLeft(groupId, "deleted");
  }
}
