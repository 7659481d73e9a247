import {
  newClientMsgId,
  type FoundMessage,
  type GroupMessageOutput,
  type MessageInfo,
  type MessageOutput,
} from "@parley/sdk";

import { isEncryptedMessage } from "../encrypted-messages";
import { myReaction, withReaction } from "../message-actions";
import { parseKey, type ConversationKey, type ThreadMessage } from "../state";
import type { ChatContext } from "./context";
import type { Encryption } from "./encryption";

// The starred set is loaded this far at start; older stars show once their message is starred again or listed.
const STARRED_PAGES = 5;
const STARRED_PAGE_SIZE = 100;
const FOUND_PAGE_SIZE = 30;

/** A starred message, with where it was said and when it was starred. */
export type StarredMessage = FoundMessage & { starred_at: string };

/** A page of starred messages or search results, newest first. */
export type FoundPage<T extends FoundMessage> = { messages: T[]; next_cursor: string | null };

type MessageActionsDeps = {
  ensureProfiles: (userIds: number[]) => void;
  receive: (messages: MessageOutput[]) => void;
  receiveGroup: (messages: GroupMessageOutput[]) => void;
  encryption: Encryption;
};

/** Whom a starred message or search result names: the other person of a 1:1 chat, and the sender. */
function foundPeople(found: FoundMessage): number[] {
  const { conversation, message } = found;
  return conversation.type === "direct" ? [conversation.peer_id, message.sender_id] : [message.sender_id];
}

/** What can be done to messages already sent: delete, edit, react, forward, star; and finding them again. */
export class MessageActions {
  readonly #ctx: ChatContext;
  readonly #deps: MessageActionsDeps;

  constructor(ctx: ChatContext, deps: MessageActionsDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  async deleteMessage(key: ConversationKey, message: ThreadMessage, forEveryone: boolean) {
    await this.#ctx.api().message.delete.mutate({ message_id: message.id, for_everyone: forEveryone });
    this.#ctx.dispatch({ type: "message_deleted", key, messageId: message.id, forEveryone });
  }

  /** Who got one of my messages, and who read it, with when. */
  messageInfo(messageId: number): Promise<MessageInfo> {
    return this.#ctx.api().message.info.query({ message_id: messageId });
  }

  /** Changes the text of one of my messages; everyone in the conversation sees it live. */
  async editMessage(key: ConversationKey, message: ThreadMessage, content: string) {
    if (isEncryptedMessage(message)) {
      const edited = await this.#deps.encryption.edit(message, content);
      this.#ctx.dispatch({ type: "message_edited", key, messageId: message.id, ...edited });
      return;
    }
    const result = await this.#ctx.api().message.edit.mutate({ message_id: message.id, content });
    if (result.edited_at === null) return;
    this.#ctx.dispatch({
      type: "message_edited",
      key,
      messageId: result.message_id,
      content: result.content,
      editedAt: result.edited_at,
    });
  }

  /** My reaction to a message (null takes it back), shown at once and taken back if the server refuses it. */
  async react(key: ConversationKey, messageId: number, emoji: string | null) {
    const ctx = this.#ctx;
    const { selfId } = ctx;
    const current = () => this.#findMessage(key, messageId)?.reactions ?? [];
    const previous = myReaction(current(), selfId);
    ctx.dispatch({ type: "reactions_updated", key, messageId, reactions: withReaction(current(), selfId, emoji) });
    try {
      const message = this.#findMessage(key, messageId);
      const reactions =
        message && isEncryptedMessage(message)
          ? await this.#deps.encryption.react(message, emoji)
          : (await ctx.api().message.react.mutate({ message_id: messageId, emoji })).reactions;
      ctx.dispatch({ type: "reactions_updated", key, messageId, reactions });
    } catch (error) {
      ctx.dispatch({ type: "reactions_updated", key, messageId, reactions: withReaction(current(), selfId, previous) });
      throw error;
    }
  }

  #findMessage(key: ConversationKey, messageId: number): ThreadMessage | undefined {
    const state = this.#ctx.getState();
    const found = state.conversations[key]?.messages.find((message) => message.id === messageId);
    if (found) return found;
    const last = state.chats[key]?.lastMessage;
    return last?.id === messageId ? last : undefined;
  }

  /** Sends copies of messages (in the order given) to chats and groups; they arrive marked "Forwarded". */
  async forward(messageIds: number[], targets: ConversationKey[]) {
    const ctx = this.#ctx;
    const { encryption } = this.#deps;
    const picked = messageIds.map((id) => this.#anyMessage(id));
    // What the server copies itself: plaintext messages into plaintext conversations, and files
    // (which keep today's path) anywhere. The words of an encrypted message, or any words into
    // an encrypted conversation, are sent again from here.
    const byServer = (message: ThreadMessage | undefined, target: ConversationKey) =>
      !message ||
      (!isEncryptedMessage(message) &&
        (!encryption.isEncrypted(target) || (message.media !== null && !message.content)));
    const userIds: number[] = [];
    const groupIds: number[] = [];
    const copies: { target: ConversationKey; messages: ThreadMessage[] }[] = [];
    for (const target of targets) {
      const { kind, id } = parseKey(target);
      if (picked.some((message) => byServer(message, target))) (kind === "group" ? groupIds : userIds).push(id);
      const again = picked.filter((message): message is ThreadMessage => !byServer(message, target));
      if (again.length > 0) copies.push({ target, messages: again });
    }
    const generation = ctx.generation();
    const serverIds = messageIds.filter((id, index) => targets.some((target) => byServer(picked[index], target)));
    if (serverIds.length > 0 && userIds.length + groupIds.length > 0) {
      const result = await ctx.api().message.forward.mutate({
        message_ids: serverIds,
        user_ids: userIds,
        group_ids: groupIds,
        // One id per forward: a retry of a forward that did arrive returns the same copies.
        client_batch_id: newClientMsgId(),
      });
      if (!ctx.isCurrent(generation)) return;
      if (result.direct.length > 0) this.#deps.receive(result.direct);
      if (result.group.length > 0) this.#deps.receiveGroup(result.group);
    }
    for (const { target, messages } of copies) {
      const sent = await encryption.forwardCopies(ctx.api(), messages, target);
      if (!ctx.isCurrent(generation)) return;
      for (const message of sent) {
        if ("group_id" in message) this.#deps.receiveGroup([message]);
        else this.#deps.receive([message]);
      }
    }
  }

  /** A message shown in any conversation (forwarding names messages by id). */
  #anyMessage(messageId: number): ThreadMessage | undefined {
    for (const conversation of Object.values(this.#ctx.getState().conversations)) {
      const found = conversation?.messages.find((message) => message.id === messageId);
      if (found) return found;
    }
    return undefined;
  }

  /** Stars or unstars a message (shown at once, taken back if the server refuses). */
  async setStarred(messageId: number, isStarred: boolean) {
    this.#ctx.dispatch({ type: "starred_changed", messageId, isStarred });
    try {
      await this.#ctx.api().message.star.mutate({ message_id: messageId, starred: isStarred });
    } catch (error) {
      this.#ctx.dispatch({ type: "starred_changed", messageId, isStarred: !isStarred });
      throw error;
    }
  }

  /** Which messages I starred, so their bubbles show a star. */
  async loadStarred(generation: number) {
    const ctx = this.#ctx;
    const ids: number[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < STARRED_PAGES; page += 1) {
        const result = await ctx.api().message.starred.query({ limit: STARRED_PAGE_SIZE, cursor });
        ids.push(...result.messages.map((item) => item.message.id));
        if (!result.next_cursor) break;
        cursor = result.next_cursor;
      }
    } catch (error) {
      if (ctx.isSessionEnded(error)) return;
      // Stars show as they are set; the starred list fetches its own pages.
    }
    if (!ctx.isCurrent(generation)) return;
    // Stars set while this loaded are kept: the event or the request that set them is newer.
    const known = Object.keys(ctx.getState().starred).map(Number);
    ctx.dispatch({ type: "starred_loaded", messageIds: [...new Set([...ids, ...known])] });
  }

  /** A page of my starred messages, most recently starred first. */
  async starredMessages(cursor: string | null): Promise<FoundPage<StarredMessage>> {
    const page = await this.#ctx.api().message.starred.query({ limit: FOUND_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    this.#deps.ensureProfiles(page.messages.flatMap(foundPeople));
    return { ...page, messages: await this.#deps.encryption.revealFound(page.messages) };
  }

  /** Messages whose words start with the search's words, newest first. */
  async searchMessages(query: string, cursor: string | null): Promise<FoundPage<FoundMessage>> {
    const page = await this.#ctx.api().message.search.query({
      q: query,
      limit: FOUND_PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    this.#deps.ensureProfiles(page.messages.flatMap(foundPeople));
    return page;
  }
}
