import {
  createEncryptedClient,
  encryptedTargetOf,
  errorCode,
  indexedDbKeyStore,
  NotEncryptableError,
  NotInConversationError,
  RecoveryKeyError,
  sendPlaintext,
  type ChatListItem,
  type EncryptedBodyInput,
  type EncryptedClient,
  type EncryptedTarget,
  type FoundMessage,
  type GroupMessageOutput,
  type MessageOutput,
  type OpenedMessage,
  type OutboxRecord,
  type ParleyClient,
  type ParleyEvent,
} from "@parley/sdk";

import { toApiProblem } from "../../api-error";
import { isEncryptedMessage, quoteToSend, reactionSummaries, shownMessage } from "../encrypted-messages";
import { directKey, groupKey, parseKey, peerOf, type ConversationKey, type ThreadMessage } from "../state";
import { sleep, type ChatContext } from "./context";
import { targetOf, type OutboxMeta } from "./outbox";
import { fetchTargetPage } from "./pages";

/** Where this device is with end-to-end encryption, for the screens that say so. */
export type EncryptionStatus =
  | { state: "starting" }
  /** `recoveryKey` is set once, right after this device made the account's key: show it, then forget it. */
  | { state: "ready"; recoveryKey: string | null; identityChanged: readonly number[] }
  /** The account has a key this browser doesn't: the recovery key brings it here. */
  | { state: "needs_recovery_key"; error: string | null }
  | { state: "failed"; error: string };

const keyStoreName = (userId: number) => `parley-keys:${userId}`;

/** "Chrome on Linux": how this browser is listed among the account's devices. */
function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent)
    ? "Edge"
    : /Firefox\//.test(agent)
      ? "Firefox"
      : /Chrome\/|Chromium\//.test(agent)
        ? "Chrome"
        : /Safari\//.test(agent)
          ? "Safari"
          : "Browser";
  const system = /Android/.test(agent)
    ? "Android"
    : /iPhone|iPad/.test(agent)
      ? "iOS"
      : /Mac OS X/.test(agent)
        ? "macOS"
        : /Windows/.test(agent)
          ? "Windows"
          : /Linux/.test(agent)
            ? "Linux"
            : "the web";
  return `${browser} on ${system}`;
}

const messageNotOpened = "This device can't read that message.";

// A device just linked waits this long for another device of the chat to commit it in.
const JOIN_WAIT_MS = 30_000;
const JOIN_POLL_MS = 1_000;

/** Sends once this device is in the conversation: a new one is committed in by another shortly. */
async function sendWhenIn(client: EncryptedClient, ...args: Parameters<EncryptedClient["send"]>) {
  for (let waited = 0; ; waited += JOIN_POLL_MS) {
    try {
      return await client.send(...args);
    } catch (error) {
      if (!(error instanceof NotInConversationError) || waited >= JOIN_WAIT_MS) throw error;
      await sleep(JOIN_POLL_MS);
    }
  }
}

/** Forgets a device's keys: after logout nothing of the conversations stays in this browser. */
export function forgetDeviceKeys(userId: number): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(keyStoreName(userId));
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

type EncryptionDeps = {
  /** What the store shows must be read again (the device could open messages it couldn't). */
  reload: () => void;
};

/**
 * This browser as an encrypted device: the SDK's encrypted client over the engine's socket,
 * its keys and opened messages in IndexedDB sealed under a non-extractable key. Every message
 * the engine shows passes through here: an encrypted one is opened (or shown as "couldn't
 * decrypt"), a commit, edit or reaction is folded away. Sends to an encrypted conversation are
 * encrypted here; a new 1:1 chat is encrypted from its first message when both people have a
 * device that can.
 */
export class Encryption {
  readonly #ctx: ChatContext;
  readonly #deps: EncryptionDeps;
  #status: EncryptionStatus = { state: "starting" };
  readonly #listeners = new Set<() => void>();
  #client: Promise<EncryptedClient | null> = Promise.resolve(null);
  #api: ParleyClient | null = null;

  constructor(ctx: ChatContext, deps: EncryptionDeps) {
    this.#ctx = ctx;
    this.#deps = deps;
  }

  // ---- status, as an external store for React ----

  getStatus = (): EncryptionStatus => this.#status;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #setStatus(status: EncryptionStatus) {
    this.#status = status;
    for (const listener of this.#listeners) listener();
  }

  // ---- the device ----

  /** From the engine's start(): this browser becomes (or opens) its encrypted device on the new socket. */
  open(api: ParleyClient, recoveryKey?: string) {
    this.#api = api;
    if (this.#status.state !== "ready") this.#setStatus({ state: "starting" });
    this.#client = this.#start(api, recoveryKey);
  }

  async #start(api: ParleyClient, recoveryKey?: string): Promise<EncryptedClient | null> {
    const generation = this.#ctx.generation();
    try {
      const made = await createEncryptedClient({
        client: api,
        userId: this.#ctx.selfId,
        store: indexedDbKeyStore(keyStoreName(this.#ctx.selfId)),
        deviceName: deviceName(),
        ...(recoveryKey ? { recoveryKey: recoveryKey.trim() } : {}),
        onIdentityChange: (userId) => this.#identityChanged(userId),
      });
      if (!this.#ctx.isCurrent(generation)) return made.client;
      const shown = this.#status.state === "ready" ? this.#status : null;
      this.#setStatus({
        state: "ready",
        recoveryKey: made.recoveryKey ?? shown?.recoveryKey ?? null,
        identityChanged: shown?.identityChanged ?? [],
      });
      // Welcomes that came while the tab was closed: join those conversations now.
      await made.client.acceptWelcomes();
      return made.client;
    } catch (error) {
      if (this.#ctx.isSessionEnded(error)) return null;
      if (error instanceof RecoveryKeyError) {
        this.#setStatus({ state: "needs_recovery_key", error: recoveryKey ? error.message : null });
      } else {
        this.#setStatus({ state: "failed", error: toApiProblem(error).message });
      }
      return null;
    }
  }

  /** The recovery key typed on the restore screen: this browser joins the account's encryption. */
  async restore(recoveryKey: string) {
    if (!this.#api) return;
    this.open(this.#api, recoveryKey);
    if (await this.#client) this.#deps.reload();
  }

  /** The recovery key was written down: it is never shown again. */
  dismissRecoveryKey() {
    if (this.#status.state === "ready") this.#setStatus({ ...this.#status, recoveryKey: null });
  }

  #identityChanged(userId: number) {
    const status = this.#status;
    const known = status.state === "ready" ? status.identityChanged : [];
    if (known.includes(userId)) return;
    if (status.state === "ready") this.#setStatus({ ...status, identityChanged: [...known, userId] });
  }

  /** Shows the changed-code notice for someone whose new key waits (after a reload, too). */
  async checkIdentity(userId: number) {
    const client = await this.#client;
    if (client && (await client.hasIdentityChanged(userId))) this.#identityChanged(userId);
  }

  async #requireClient(): Promise<EncryptedClient> {
    const client = await this.#client;
    if (!client) throw new Error("End-to-end encryption isn't set up on this device yet.");
    return client;
  }

  // ---- what shows ----

  /** Whether what is said in this conversation is end-to-end encrypted. */
  isEncrypted(key: ConversationKey): boolean {
    const chat = this.#ctx.getState().chats[key];
    if (!chat) return false;
    return chat.kind === "direct" ? chat.e2ee : (chat.group?.e2ee ?? false);
  }

  #keyOf(message: ThreadMessage): ConversationKey {
    return "group_id" in message ? groupKey(message.group_id) : directKey(peerOf(message, this.#ctx.selfId));
  }

  /**
   * Messages as they show: each encrypted one opened in seq order (an edit or reaction in the
   * page changes the message it names, here or already on screen), commits and changes left out.
   */
  async reveal<M extends ThreadMessage>(messages: M[]): Promise<M[]> {
    if (!messages.some((message) => message.message_type === "encrypted")) return messages;
    const client = await this.#client;
    const inOrder = [...messages].sort((a, b) => a.seq - b.seq);
    const opened = new Map<number, OpenedMessage | null>();
    // A message as the page's later edits and reactions left it, by seq.
    const changedBySeq = new Map<number, OpenedMessage>();
    for (const message of inOrder) {
      if (message.message_type !== "encrypted" || !client) continue;
      const result = await client.open(message).catch(() => null);
      opened.set(message.id, result);
      if (result?.state === "opened" && (result.body.type === "edit" || result.body.type === "reaction")) {
        const changed = await client.read(encryptedTargetOf(message), result.body.target_seq);
        if (!changed) continue;
        changedBySeq.set(changed.seq, changed);
        this.#showChange(this.#keyOf(message), changed);
      }
    }
    const shown: M[] = [];
    for (const message of messages) {
      if (message.message_type !== "encrypted") {
        shown.push(message);
        continue;
      }
      const first = opened.get(message.id) ?? null;
      const revealed = shownMessage(message, first && (changedBySeq.get(message.seq) ?? first));
      if (revealed) shown.push(revealed);
    }
    return shown;
  }

  /** An edit or a reaction, applied to the message on screen. */
  #showChange(key: ConversationKey, changed: OpenedMessage) {
    if (changed.state !== "opened") return;
    const dispatch = (action: Parameters<ChatContext["dispatch"]>[0]) => this.#ctx.dispatch(action);
    if (changed.body.type === "text" && changed.edited_at) {
      dispatch({
        type: "message_edited",
        key,
        messageId: changed.id,
        content: changed.body.content,
        editedAt: changed.edited_at,
      });
    }
    dispatch({
      type: "reactions_updated",
      key,
      messageId: changed.id,
      reactions: reactionSummaries(changed.reactions),
    });
  }

  /** Chat list rows with their previews opened: the newest message this device can show. */
  async revealListed(items: ChatListItem[]): Promise<ChatListItem[]> {
    const out: ChatListItem[] = [];
    for (const item of items) {
      const last = item.last_message;
      if (!last || last.message_type !== "encrypted") {
        out.push(item);
        continue;
      }
      const [shown] = await this.reveal<ThreadMessage>([last]);
      const preview = shown ?? (await this.#latestShown(last));
      out.push({ ...item, last_message: preview } as ChatListItem);
    }
    return out;
  }

  /** The newest shown message before `last` (a commit or a change), as the device kept it. */
  async #latestShown<M extends ThreadMessage>(last: M): Promise<M | null> {
    const client = await this.#client;
    const latest = client ? await client.latest(encryptedTargetOf(last)) : null;
    if (!latest) return null;
    // The server's copy of it isn't at hand: its ticks are the newest message's.
    const { id, seq, sender_id: senderId, created_at: createdAt } = latest;
    const encrypted = last.encrypted ? { ...last.encrypted, kind: "application" as const } : null;
    return shownMessage({ ...last, id, seq, sender_id: senderId, created_at: createdAt, encrypted }, latest);
  }

  /** Search results and starred messages: an encrypted one's words come from this device. */
  async revealFound<F extends FoundMessage>(found: F[]): Promise<F[]> {
    const client = await this.#client;
    const out: F[] = [];
    for (const item of found) {
      const { message, conversation } = item;
      if (message.message_type !== "encrypted") {
        out.push(item);
        continue;
      }
      const target: EncryptedTarget =
        conversation.type === "group" ? { group_id: conversation.group_id } : { chat_id: conversation.chat_id };
      const opened = client ? await client.read(target, message.seq) : null;
      const shown = shownMessage(message, opened);
      if (shown) out.push({ ...item, message: shown });
    }
    return out;
  }

  /**
   * A live event as the router takes it: an encrypted message opened (null for a commit, or an
   * edit or reaction, which is shown here), a Welcome joined, a deletion forgotten on the device.
   */
  async receive(event: ParleyEvent): Promise<ParleyEvent | null> {
    const isMessage = event.type === "new_message" || event.type === "new_group_message";
    const isEncrypted = isMessage && event.message.message_type === "encrypted";
    const concernsDevice =
      event.type === "mls_welcome" ||
      event.type === "devices_changed" ||
      event.type === "message_deleted" ||
      event.type === "group_message_deleted";
    if (!isEncrypted && !concernsDevice) return event;
    const client = await this.#client;
    const received = client ? await client.receive(event).catch(() => null) : null;
    if (!isMessage) return event;
    const { message } = event;
    if (received?.changed) {
      this.#showChange(this.#keyOf(message), received.changed);
      return null;
    }
    const shown = shownMessage<ThreadMessage>(message, received?.message ?? null);
    if (!shown) return null;
    return "group_id" in shown
      ? { type: "new_group_message", message: shown }
      : { type: "new_message", message: shown };
  }

  // ---- sending ----

  /**
   * Where a send goes: the encrypted conversation, or null for a plaintext one. A new 1:1 chat is
   * started encrypted when the other person has a device that can read it.
   */
  async #targetFor(api: ParleyClient, key: ConversationKey): Promise<EncryptedTarget | null> {
    const { kind, id } = parseKey(key);
    const chat = this.#ctx.getState().chats[key];
    if (kind === "group") return chat?.kind === "group" && chat.group?.e2ee ? { group_id: id } : null;
    if (chat?.kind === "direct" && chat.chatId !== null) return chat.e2ee ? { chat_id: chat.chatId } : null;
    const existing = await api.chat.findWith.query({ user_id: id });
    if (existing) {
      this.#ctx.dispatch({ type: "chat_upserted", chat: existing });
      return existing.e2ee ? { chat_id: existing.id } : null;
    }
    const client = await this.#requireClient();
    try {
      return await client.startChat(id);
    } catch (error) {
      // They have no device that can read encrypted messages (a bot, an old client): plaintext.
      if (error instanceof NotEncryptableError) return null;
      // They started it at the same moment: theirs is the chat, and its Welcome is ours.
      if (errorCode(error) === "CONFLICT") {
        const started = await api.chat.findWith.query({ user_id: id });
        if (started?.e2ee) {
          this.#ctx.dispatch({ type: "chat_upserted", chat: started });
          return { chat_id: started.id };
        }
      }
      throw error;
    }
  }

  /** The outbox's send: encrypted into an encrypted conversation, as the server takes it otherwise. */
  async deliver(api: ParleyClient, record: OutboxRecord<OutboxMeta>): Promise<MessageOutput | GroupMessageOutput> {
    const key = "group_id" in record.to ? groupKey(record.to.group_id) : directKey(record.to.receiver_id);
    let target = await this.#targetFor(api, key);
    if (!target) {
      try {
        return await sendPlaintext(api, record);
      } catch (error) {
        // The other person's device turned encryption on since this tab looked: encrypt it.
        if (errorCode(error) !== "PRECONDITION_FAILED" || "group_id" in record.to) throw error;
        const chat = await api.chat.findWith.query({ user_id: record.to.receiver_id });
        if (!chat?.e2ee) throw error;
        this.#ctx.dispatch({ type: "chat_upserted", chat });
        target = { chat_id: chat.id };
      }
    }
    const client = await this.#requireClient();
    // Their new identity key isn't trusted yet: the person looks at the security code first.
    if (!("group_id" in record.to) && (await client.hasIdentityChanged(record.to.receiver_id))) {
      throw new Error(
        "Their security code changed: check it (chat menu, Security code) and accept it, then send again.",
      );
    }
    const { message, meta } = record;
    const reply = meta?.reply_to ? { reply_to: quoteToSend(meta.reply_to) } : {};
    if (message.media_id) {
      // Files keep today's path until they are encrypted (the bubble says so); the caption doesn't.
      const caption = message.content ? { caption: message.content } : {};
      const opened = await sendWhenIn(
        client,
        target,
        { type: "file", ...caption, ...reply },
        { clientMsgId: record.client_msg_id, mediaId: message.media_id },
      );
      return this.#serverCopy(api, target, opened);
    }
    const body: EncryptedBodyInput = message.location
      ? { type: "location", location: message.location, ...reply }
      : { type: "text", content: message.content ?? "", ...reply };
    const opened = await sendWhenIn(client, target, body, { clientMsgId: record.client_msg_id });
    return this.#sentMessage(key, target, opened, record.client_msg_id);
  }

  /** The server's copy of one of our sends (a file's details are the server's), as it shows. */
  async #serverCopy(api: ParleyClient, target: EncryptedTarget, opened: OpenedMessage) {
    const page = await fetchTargetPage(api, target, { after_seq: opened.seq - 1 }, 1);
    const [shown] = await this.reveal<MessageOutput | GroupMessageOutput>(page.messages);
    if (!shown) throw new Error(messageNotOpened);
    return shown;
  }

  /** Our own encrypted send as the store shows it, before the live stream brings the server's copy. */
  #sentMessage(
    key: ConversationKey,
    target: EncryptedTarget,
    opened: OpenedMessage,
    clientMsgId: string,
  ): MessageOutput | GroupMessageOutput {
    const common = {
      id: opened.id,
      seq: opened.seq,
      sender_id: this.#ctx.selfId,
      client_msg_id: clientMsgId,
      content: null,
      reply_to_message_id: null,
      reply_to: null,
      media: null,
      location: null,
      is_forwarded: false,
      is_deleted: false,
      edited_at: null,
      reactions: [],
      encrypted: { kind: "application" as const, epoch: 0, sender_device_id: null, ciphertext: null },
      created_at: opened.created_at,
      message_type: "encrypted" as const,
      status: "sent" as const,
    };
    const server: MessageOutput | GroupMessageOutput =
      "group_id" in target
        ? { ...common, group_id: target.group_id, system: null }
        : { ...common, chat_id: target.chat_id, receiver_id: parseKey(key).id };
    const shown = shownMessage(server, opened);
    if (!shown) throw new Error(messageNotOpened);
    return shown;
  }

  /** An edit of my own encrypted message: a message of its own that names it. */
  async edit(message: ThreadMessage, content: string): Promise<{ content: string; editedAt: string }> {
    const client = await this.#requireClient();
    const sent = await sendWhenIn(client, encryptedTargetOf(message), {
      type: "edit",
      target_seq: message.seq,
      content,
    });
    return { content, editedAt: sent.created_at };
  }

  /** My reaction to an encrypted message (null takes it back); answers everyone's reactions now. */
  async react(message: ThreadMessage, emoji: string | null) {
    const client = await this.#requireClient();
    const target = encryptedTargetOf(message);
    await sendWhenIn(client, target, { type: "reaction", target_seq: message.seq, emoji });
    const now = await client.read(target, message.seq);
    return now?.state === "opened" ? reactionSummaries(now.reactions) : [];
  }

  /**
   * Forwarded copies that the server can't make: into an encrypted conversation, or of an
   * encrypted message. Texts and places are sent again (encrypted where the target is).
   */
  async forwardCopies(api: ParleyClient, messages: ThreadMessage[], key: ConversationKey): Promise<ThreadMessage[]> {
    const target = await this.#targetFor(api, key);
    const sent: ThreadMessage[] = [];
    for (const message of messages) {
      if (message.media) {
        // Its upload belongs to whoever sent it first: it can't go again as this device's.
        throw new Error(
          isEncryptedMessage(message)
            ? "A file from an encrypted chat can't be forwarded yet."
            : "A file with a caption can't be forwarded into an encrypted chat yet.",
        );
      }
      const location = message.location
        ? {
            latitude: message.location.latitude,
            longitude: message.location.longitude,
            ...(message.location.name ? { name: message.location.name } : {}),
          }
        : null;
      const clientMsgId = crypto.randomUUID();
      if (target) {
        const client = await this.#requireClient();
        const body: EncryptedBodyInput = location
          ? { type: "location", location, forwarded: true }
          : { type: "text", content: message.content ?? "", forwarded: true };
        const opened = await sendWhenIn(client, target, body, { clientMsgId });
        sent.push(this.#sentMessage(key, target, opened, clientMsgId));
        continue;
      }
      const body = location
        ? { message_type: "location" as const, location }
        : { message_type: "text" as const, content: message.content ?? "" };
      sent.push(await sendPlaintext(api, { to: targetOf(key), message: body, client_msg_id: clientMsgId }));
    }
    return sent;
  }

  /** A new group's messages are encrypted from the start when everyone in it has a device. */
  async encryptGroup(groupId: number) {
    const client = await this.#client;
    if (!client) return;
    await client.encryptGroup(groupId).catch((error: unknown) => {
      // Someone has no device that can read encrypted messages: the group stays plaintext.
      if (!(error instanceof NotEncryptableError)) throw error;
    });
  }

  /** After members came or went: their devices are committed in or out now, not at the next message. */
  async syncDevices(groupId: number) {
    if (!this.isEncrypted(groupKey(groupId))) return;
    const client = await this.#client;
    await client?.syncDevices({ group_id: groupId });
  }

  // ---- verification ----

  async safetyNumber(userId: number) {
    const client = await this.#requireClient();
    return { number: await client.safetyNumber(userId), isVerified: await client.isVerified(userId) };
  }

  async markVerified(userId: number) {
    await (await this.#requireClient()).markVerified(userId);
  }

  /** Trusts someone's new identity key (after they reset or changed devices without approval). */
  async acceptIdentity(userId: number) {
    await (await this.#requireClient()).acceptIdentity(userId);
    const status = this.#status;
    if (status.state === "ready") {
      this.#setStatus({ ...status, identityChanged: status.identityChanged.filter((id) => id !== userId) });
    }
    this.#deps.reload();
  }
}
