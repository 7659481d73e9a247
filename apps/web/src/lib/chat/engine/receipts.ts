import { createReceipts, type ChatListItem, type ParleyClient, type Receipts as SdkReceipts } from "@parley/sdk";

import { parseKey, type ConversationKey, type ThreadMessage } from "../state";
import type { ChatContext } from "./context";

/**
 * Receipts this device sends: "delivered" for what it loaded, "read" for the
 * open chat while the page is seen. Decides what to say; the SDK's receipts
 * batch it and send it, one set per client.
 */
export class Receipts {
  readonly #ctx: ChatContext;
  readonly #lastReadUpTo = new Map<ConversationKey, number>();
  #sdk: SdkReceipts | null = null;

  constructor(ctx: ChatContext) {
    this.#ctx = ctx;
  }

  /** A new client (start()): receipts go through it from now on; the live stream shares them. */
  open(client: ParleyClient): SdkReceipts {
    this.#sdk?.close();
    this.#sdk = createReceipts(client, { selfUserId: this.#ctx.selfId });
    return this.#sdk;
  }

  close() {
    this.#sdk?.close();
    this.#sdk = null;
  }

  /** The SDK's receipts on the open client, if any. */
  current(): SdkReceipts | null {
    return this.#sdk;
  }

  /** Messages loaded into a conversation (a page of history): their senders see two ticks. */
  acknowledge(key: ConversationKey, messages: ThreadMessage[]) {
    const { kind, id } = parseKey(key);
    // In a 1:1 chat only the peer's messages are mine to acknowledge.
    this.#sdk?.acknowledge(kind === "group" ? messages : messages.filter((message) => message.sender_id === id));
  }

  /**
   * Groups of a chat list page whose newest message reached this device
   * while it was away: in a group delivery is a watermark, so the list's
   * last message stands for all before it. (1:1 chats are acknowledged by
   * loading them.)
   */
  acknowledgeListed(items: ChatListItem[]) {
    const { selfId } = this.#ctx;
    for (const item of items) {
      const last = item.type === "group" && item.group.is_member ? item.last_message : null;
      if (last && last.sender_id !== selfId && last.status === "sent") this.#sdk?.acknowledgeGroup(item.id, last.seq);
    }
  }

  /** The store was reset (resync): what this device read must be said again. */
  forgetReadMarks() {
    this.#lastReadUpTo.clear();
  }

  /** Reads the open chat if it has something unread and the page is seen; run after every store change. */
  markActiveChatRead() {
    const ctx = this.#ctx;
    const state = ctx.getState();
    const key = state.active;
    const sdk = this.#sdk;
    if (key === null || !state.isVisible || !ctx.isOpen() || !sdk) return;
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
      read = sdk.markChatRead(chatId, newest?.id).then((result) =>
        ctx.dispatch({
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
      read = sdk
        .markGroupRead(chat.groupId, newest?.seq)
        .then((result) =>
          ctx.dispatch({ type: "group_read", groupId: result.group_id, unreadCount: result.unread_count }),
        );
    }

    this.#lastReadUpTo.set(key, upTo);
    read.catch((error: unknown) => {
      if (ctx.isSessionEnded(error)) return;
      // Try again with the next change (a new message, the socket coming back).
      if (this.#lastReadUpTo.get(key) === upTo) this.#lastReadUpTo.delete(key);
    });
  }
}
