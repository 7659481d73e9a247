import {
  createParleyClient,
  type FoundMessage,
  type GroupMessageOutput,
  type GroupRole,
  type LocationInput,
  type MessageInfo,
  type MessageOutput,
  type ParleyClient,
  type ParleyEvent,
  type PublicProfile,
} from "@parley/sdk";

import { toApiProblem } from "~/lib/api-error";

import { readEventCursor } from "../event-cursor";
import { parseKey, type ConversationKey, type ThreadMessage } from "../state";
import { ChatStore } from "../store";
import { resolveWsUrl } from "../ws-url";
import { ChatList } from "./chat-list";
import type { ChatContext } from "./context";
import { Encryption } from "./encryption";
import { Groups } from "./groups";
import { History } from "./history";
import { LiveStream } from "./live-stream";
import { LocalPreviews } from "./local-previews";
import { MessageActions, type FoundPage, type StarredMessage } from "./messages";
import { Outbox, type MediaToSend } from "./outbox";
import { People } from "./people";
import { Receipts } from "./receipts";
import { groupLeft, receiveGroupMessages, receiveMessages, routeEvent, type SideRequest, type Step } from "./router";
import { Typing } from "./typing";

export type ChatEngineOptions = {
  selfId: number;
  /** PUBLIC_WS_URL, or null for /ws on the page's own host. */
  publicWsUrl: string | null;
  /** The session was revoked (logged out elsewhere, password reset). */
  onSessionEnded: () => void;
  /** My contacts changed on another device: whatever lists them must be fetched again. */
  onContactsChanged?: () => void;
};

/**
 * Owns the tab's one WebSocket: the live event stream feeding the store, and
 * every request the chat screen makes. Knows nothing of React; components
 * read `store` and call the methods below. The work is done by one module
 * per concern; this wires them together and carries out what the event
 * router asks for.
 */
export class ChatEngine {
  readonly store: ChatStore;
  readonly #options: ChatEngineOptions;
  #token: string | null = null;
  #client: ParleyClient | null = null;
  #hasSessionEnded = false;
  #generation = 0;
  #cleanups: (() => void)[] = [];

  readonly #typing: Typing;
  readonly #people: People;
  readonly #groups: Groups;
  readonly #receipts: Receipts;
  readonly #history: History;
  readonly #chatList: ChatList;
  readonly #previews = new LocalPreviews();
  readonly #outbox: Outbox;
  readonly #messages: MessageActions;
  readonly #live: LiveStream;
  readonly #encryption: Encryption;
  /** Live events, handled one at a time in order: an encrypted one waits to be opened. */
  #events: Promise<void> = Promise.resolve();

  constructor(options: ChatEngineOptions) {
    this.#options = options;
    this.store = new ChatStore(options.selfId);
    const ctx: ChatContext = {
      selfId: options.selfId,
      getState: this.store.getState,
      dispatch: this.store.dispatch,
      api: () => {
        if (!this.#client) throw new Error("The chat connection is closed");
        return this.#client;
      },
      isOpen: () => this.#client !== null,
      generation: () => this.#generation,
      isCurrent: (generation) => generation === this.#generation && this.#client !== null,
      isSessionEnded: (error) => this.#isSessionEnded(error),
    };
    const receive = (messages: MessageOutput[]) => this.#run(receiveMessages(this.store.getState(), messages));
    const receiveGroup = (messages: GroupMessageOutput[]) =>
      this.#run(receiveGroupMessages(this.store.getState(), messages));

    const encryption = (this.#encryption = new Encryption(ctx, {
      reload: () => this.#carryOut({ type: "reload" }),
    }));
    const typing = (this.#typing = new Typing(ctx));
    const stopTyping = (key: ConversationKey) => typing.stop(key);
    const people = (this.#people = new People(ctx, { stopTyping }));
    const groups = (this.#groups = new Groups(ctx, {
      onLeft: (groupId, reason) => this.#run(groupLeft(this.store.getState(), groupId, reason)),
      encryptGroup: (groupId) => encryption.encryptGroup(groupId),
      syncDevices: (groupId) => encryption.syncDevices(groupId),
    }));
    const receipts = (this.#receipts = new Receipts(ctx));
    const acknowledge = receipts.acknowledge.bind(receipts);
    const history = (this.#history = new History(ctx, {
      fetchGroup: (groupId) => groups.fetchGroup(groupId),
      fetchProfile: (userId) => people.fetchProfile(userId),
      ensureProfiles: (userIds) => people.ensureProfiles(userIds),
      acknowledge,
      noteNewest: (message) => {
        if ("group_id" in message) this.#live.noteGroupSeq(message.group_id, message.seq);
        else this.#live.noteChatSeq(message.chat_id, message.seq);
      },
      reveal: (messages) => encryption.reveal(messages),
      revealListed: (items) => encryption.revealListed(items),
    }));
    this.#chatList = new ChatList(ctx, {
      noteGroupSeq: (groupId, seq) => this.#live.noteGroupSeq(groupId, seq),
      acknowledgeListed: (items) => receipts.acknowledgeListed(items),
      loadConversation: (key) => history.load(key),
      revealListed: (items) => encryption.revealListed(items),
    });
    this.#outbox = new Outbox(ctx, {
      previews: this.#previews,
      client: () => this.#client,
      stopTyping,
      receive,
      receiveGroup,
      deliver: (client, record) => encryption.deliver(client, record),
    });
    this.#messages = new MessageActions(ctx, {
      ensureProfiles: (userIds) => people.ensureProfiles(userIds),
      receive,
      receiveGroup,
      encryption,
    });
    this.#live = new LiveStream(ctx, {
      handleEvent: (event) => this.#handleEvent(event),
      receipts: () => receipts.current(),
      onReconnected: (generation) => this.#reconnected(generation),
    });
  }

  /** This browser as an encrypted device: its status, the restore and verification screens' requests. */
  get encryption(): Encryption {
    return this.#encryption;
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
      // Files kept by the app itself upload to the page's host, wherever the WebSocket is.
      httpUrl: window.location.origin,
      token: () => this.#token,
    });
    this.#receipts.open(this.#client);
    this.#encryption.open(this.#client);
    this.#cleanups.push(this.#live.watchPage());
    // Read receipts go out whenever the open chat has something unread and the page is seen.
    this.#cleanups.push(this.store.subscribe(() => this.#receipts.markActiveChatRead()));
    this.#live.subscribe(readEventCursor(this.#options.selfId));
    void this.#chatList.load(generation);
    void this.#people.loadBlocked();
    void this.#messages.loadStarred(generation);
    // A conversation opened before the socket (a reload on /chats?with=…) loads now.
    const active = this.store.getState().active;
    if (active !== null) this.openConversation(active);
    // What waits in the outbox (from before a reload, too) goes out on this client.
    this.#outbox.open();
  }

  /** Closes everything start() opened (React may start again, e.g. in Strict Mode). */
  stop() {
    this.#generation += 1;
    this.#live.close();
    this.#receipts.close();
    for (const cleanup of this.#cleanups) cleanup();
    this.#cleanups = [];
    this.#typing.clear();
    void this.#client?.close();
    this.#client = null;
    // Requests cut short here never answer: let the next start() load those again.
    this.store.dispatch({ type: "requests_abandoned" });
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

  #handleEvent(event: ParleyEvent) {
    const generation = this.#generation;
    this.#events = this.#events.then(async () => {
      const routed = await this.#encryption.receive(event);
      if (routed && generation === this.#generation) this.#run(routeEvent(routed, this.store.getState()));
    });
    // One event that failed must not stop the ones after it.
    this.#events = this.#events.catch((error: unknown) => reportError(error));
  }

  #run(steps: Step[]) {
    for (const step of steps) {
      if ("dispatch" in step) this.store.dispatch(step.dispatch);
      else this.#carryOut(step.request);
    }
  }

  #carryOut(request: SideRequest) {
    switch (request.type) {
      case "load_chat":
        void this.#chatList.loadChat(request.chatId);
        return;
      case "load_group":
        void this.#groups.loadGroup(request.groupId);
        return;
      case "load_profiles":
        this.#people.ensureProfiles(request.userIds);
        return;
      case "typing_timer":
        this.#typing.setTimer(request.key, request.userId, request.expiresInMs);
        return;
      case "forget_typing_out":
        this.#typing.forgetOut(request.key);
        return;
      case "contacts_changed":
        this.#options.onContactsChanged?.();
        return;
      case "reload": {
        this.#receipts.forgetReadMarks();
        void this.#chatList.load(this.#generation);
        const active = this.store.getState().active;
        if (active !== null) void this.#history.load(active);
        return;
      }
    }
  }

  /** Presence and typing are not replayed after a drop: refresh what is on screen. */
  #reconnected(generation: number) {
    this.#outbox.wake();
    void this.#chatList.load(generation);
    const active = this.store.getState().active;
    if (active === null) return;
    const { kind, id } = parseKey(active);
    if (kind === "direct") void this.#people.refreshProfile(id);
    else void this.#groups.loadGroup(id);
  }

  // The chat list.

  loadMoreChats() {
    return this.#chatList.loadMore();
  }

  retryChats() {
    this.#chatList.retry();
  }

  // A conversation's history.

  /** Shows a conversation: loads its latest messages once, and reads it while it is on screen. */
  openConversation(key: ConversationKey) {
    this.#history.open(key);
  }

  closeConversation(key: ConversationKey) {
    this.stopTyping(key);
    if (this.store.getState().active === key) this.store.dispatch({ type: "active_changed", key: null });
  }

  retryConversation(key: ConversationKey) {
    void this.#history.load(key);
  }

  /** The page before the oldest message shown (scrolling up). */
  loadOlder(key: ConversationKey) {
    return this.#history.loadOlder(key);
  }

  /** Brings a message into view in its conversation (a search result, a starred message). */
  showMessage(key: ConversationKey, messageId: number, seq: number) {
    this.#history.showMessage(key, messageId, seq);
  }

  /** The message list scrolled to the message asked for (or gave up on it). */
  clearFocus() {
    this.store.dispatch({ type: "focus_cleared" });
  }

  // Sending.

  /** Sends at once on screen (clock icon), then for real; a dropped socket just delays it. */
  send(key: ConversationKey, content: string, replyTo: ThreadMessage | null) {
    this.#outbox.send(key, content, replyTo);
  }

  /** A photo, video, audio or document: shown at once with its progress, uploaded, checked, then sent. */
  sendMedia(key: ConversationKey, toSend: MediaToSend, replyTo: ThreadMessage | null) {
    this.#outbox.sendMedia(key, toSend, replyTo);
  }

  sendLocation(key: ConversationKey, location: LocationInput, replyTo: ThreadMessage | null) {
    this.#outbox.sendLocation(key, location, replyTo);
  }

  retry(key: ConversationKey, clientMsgId: string) {
    this.#outbox.retry(key, clientMsgId);
  }

  /** Takes back a message not sent yet; an upload under way is stopped, so nothing is sent. */
  discard(key: ConversationKey, clientMsgId: string) {
    this.#outbox.discard(key, clientMsgId);
  }

  /** The local copy of a file this tab sent, while it is kept. */
  localPreview(mediaId: string): string | null {
    return this.#previews.get(mediaId);
  }

  // Typing.

  /** A key was pressed in the composer. */
  typing(key: ConversationKey) {
    this.#typing.keyPressed(key);
  }

  /** Sent, cleared, left: take "typing…" back at once. */
  stopTyping(key: ConversationKey) {
    this.#typing.stop(key);
  }

  // Messages already sent.

  deleteMessage(key: ConversationKey, message: ThreadMessage, forEveryone: boolean) {
    return this.#messages.deleteMessage(key, message, forEveryone);
  }

  /** Who got one of my messages, and who read it, with when. */
  messageInfo(messageId: number): Promise<MessageInfo> {
    return this.#messages.messageInfo(messageId);
  }

  /** Changes the text of one of my messages; everyone in the conversation sees it live. */
  editMessage(key: ConversationKey, message: ThreadMessage, content: string) {
    return this.#messages.editMessage(key, message, content);
  }

  /** My reaction to a message (null takes it back), shown at once and taken back if the server refuses it. */
  react(key: ConversationKey, messageId: number, emoji: string | null) {
    return this.#messages.react(key, messageId, emoji);
  }

  /** Sends copies of messages (in the order given) to chats and groups; they arrive marked "Forwarded". */
  forward(messageIds: number[], targets: ConversationKey[]) {
    return this.#messages.forward(messageIds, targets);
  }

  /** Stars or unstars a message (shown at once, taken back if the server refuses). */
  setStarred(messageId: number, isStarred: boolean) {
    return this.#messages.setStarred(messageId, isStarred);
  }

  /** A page of my starred messages, most recently starred first. */
  starredMessages(cursor: string | null): Promise<FoundPage<StarredMessage>> {
    return this.#messages.starredMessages(cursor);
  }

  /** Messages whose words start with the search's words, newest first. */
  searchMessages(query: string, cursor: string | null): Promise<FoundPage<FoundMessage>> {
    return this.#messages.searchMessages(query, cursor);
  }

  // People.

  setBlocked(peerId: number, isBlocked: boolean): Promise<string> {
    return this.#people.setBlocked(peerId, isBlocked);
  }

  /** Exact phone number lookup for "New chat" and adding group members. */
  findUser(phoneNumber: string): Promise<PublicProfile> {
    return this.#people.findUser(phoneNumber);
  }

  // Groups.

  /** Makes a group with us as its admin; returns where to open it. */
  createGroup(input: { name: string; description: string; memberIds: number[] }): Promise<ConversationKey> {
    return this.#groups.createGroup(input);
  }

  /** The roster again (opening the group's info). */
  refreshGroup(groupId: number) {
    void this.#groups.loadGroup(groupId);
  }

  updateGroup(
    groupId: number,
    changes: { name?: string; description?: string | null; picture_media_id?: string | null },
  ) {
    return this.#groups.updateGroup(groupId, changes);
  }

  addMembers(groupId: number, userIds: number[]) {
    return this.#groups.addMembers(groupId, userIds);
  }

  removeMember(groupId: number, userId: number) {
    return this.#groups.removeMember(groupId, userId);
  }

  setRole(groupId: number, userId: number, role: GroupRole) {
    return this.#groups.setRole(groupId, userId, role);
  }

  leaveGroup(groupId: number) {
    return this.#groups.leaveGroup(groupId);
  }

  deleteGroup(groupId: number) {
    return this.#groups.deleteGroup(groupId);
  }
}
