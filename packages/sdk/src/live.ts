import type { TRPCClient } from "@trpc/client";

import type { AppRouter } from "@parley/api";
import type { GroupMessageOutput, MessageOutput, ParleyEvent } from "@parley/validators";

import { createReceipts, type Receipts } from "./receipts";

export type LiveOptions = {
  /** Called once per event, in order. Messages fetched to fill a gap arrive as `new_message` events too. */
  onEvent: (event: ParleyEvent, id: string | null) => void;
  /** Resume after this event id (persist the ids `onEvent` gives you to survive a page reload). */
  lastEventId?: string | null;
  /** The newest seq you already hold per chat, so a gap before the next live message is fetched. */
  chatSeqs?: Iterable<[chatId: number, seq: number]>;
  /** The same per group. */
  groupSeqs?: Iterable<[groupId: number, seq: number]>;
  /** Tell senders their messages reached this device (default true). */
  acknowledgeDelivery?: boolean;
  /**
   * Where delivery receipts go: give the `createReceipts` you also acknowledge loaded history
   * and mark reads with, so one batch covers both. By default the subscription makes its own.
   */
  receipts?: Receipts;
  /** The subscription ended for good (e.g. the session ended): nothing more will arrive. */
  onError?: (error: unknown) => void;
  /**
   * Missing messages before a live one could not be fetched after retries; the live one was
   * delivered anyway. Refetch the history (`message.list` / `message.listGroup` with `after_seq`) to recover.
   */
  onGapUnfilled?: (gap: GapInfo) => void;
  /** The underlying connection state, for a "connecting…" banner. */
  onStateChange?: (state: "connecting" | "pending" | "idle") => void;
};

/** Which conversation a gap is in: a 1:1 chat (chat_id) or a group (group_id). */
export type GapInfo = ({ chat_id: number } | { group_id: number }) & {
  after_seq: number;
  before_seq: number;
  error: unknown;
};

export type LiveSubscription = {
  /** The id of the last event delivered to `onEvent`. */
  readonly lastEventId: string | null;
  /**
   * The newest seq you hold for a chat loaded after subscribing (the newest message of a history
   * page), so gaps before its next message are filled. Not the seq of your own send's answer: a
   * message before it may still be on its way, and it must not be taken for a repeat.
   */
  noteChatSeq(chatId: number, seq: number): void;
  /** The same for a group. */
  noteGroupSeq(groupId: number, seq: number): void;
  unsubscribe(): void;
};

type Envelope = { id: string; data: ParleyEvent } | ParleyEvent;

const isTracked = (value: Envelope): value is { id: string; data: ParleyEvent } =>
  typeof (value as { id?: unknown }).id === "string" && typeof (value as { data?: unknown }).data === "object";

// Remembered message ids, to drop a live copy of a message already fetched by a gap fill.
const MAX_REMEMBERED_MESSAGES = 5_000;
const GAP_FILL_RETRY_DELAYS_MS = [250, 1_000, 3_000];

/**
 * The caller's live events with the guarantees a chat UI needs: resumes from
 * the last event id after any reconnect, drops anything already seen, and
 * when a chat's messages skip a seq, fetches the missing ones first.
 */
export function subscribeToEvents(
  client: TRPCClient<AppRouter>,
  options: LiveOptions,
  selfUserId?: number,
): LiveSubscription {
  let lastEventId = options.lastEventId ?? null;
  // Newest seq held per conversation, keyed "chat:<id>" or "group:<id>" (the two id spaces overlap).
  const seqs = new Map<string, number>([
    ...[...(options.chatSeqs ?? [])].map(([id, seq]): [string, number] => [`chat:${id}`, seq]),
    ...[...(options.groupSeqs ?? [])].map(([id, seq]): [string, number] => [`group:${id}`, seq]),
  ]);
  const noteSeq = (key: string, seq: number) => seqs.set(key, Math.max(seqs.get(key) ?? 0, seq));
  const seenMessages = new Set<number>();
  const receipts = options.receipts ?? createReceipts(client, { selfUserId });
  let queue = Promise.resolve();
  let isClosed = false;

  const remember = (messageId: number) => {
    seenMessages.add(messageId);
    if (seenMessages.size > MAX_REMEMBERED_MESSAGES) {
      const oldest = seenMessages.values().next().value;
      if (oldest !== undefined) seenMessages.delete(oldest);
    }
  };

  const acknowledge = (message: MessageOutput | GroupMessageOutput) => {
    if (options.acknowledgeDelivery === false || message.sender_id === selfUserId) return;
    receipts.acknowledge([message]);
  };

  /** One conversation kind: how its messages are keyed and wrapped as events, and how to fetch them by seq. */
  type Thread<M extends MessageOutput | GroupMessageOutput> = {
    conversation(message: M): number;
    key(conversation: number): string;
    event(message: M): ParleyEvent;
    fetchAfter(conversation: number, afterSeq: number): Promise<{ messages: M[]; next_cursor: number | null }>;
    gap(conversation: number): { chat_id: number } | { group_id: number };
  };
  const direct: Thread<MessageOutput> = {
    conversation: (message) => message.chat_id,
    key: (chatId) => `chat:${chatId}`,
    event: (message) => ({ type: "new_message", message }),
    fetchAfter: (chatId, afterSeq) => client.message.list.query({ chat_id: chatId, after_seq: afterSeq, limit: 200 }),
    gap: (chatId) => ({ chat_id: chatId }),
  };
  const group: Thread<GroupMessageOutput> = {
    conversation: (message) => message.group_id,
    key: (groupId) => `group:${groupId}`,
    event: (message) => ({ type: "new_group_message", message }),
    fetchAfter: (groupId, afterSeq) =>
      client.message.listGroup.query({ group_id: groupId, after_seq: afterSeq, limit: 200 }),
    gap: (groupId) => ({ group_id: groupId }),
  };

  function deliverMessage<M extends MessageOutput | GroupMessageOutput>(
    thread: Thread<M>,
    message: M,
    id: string | null,
  ) {
    if (seenMessages.has(message.id)) return;
    remember(message.id);
    noteSeq(thread.key(thread.conversation(message)), message.seq);
    options.onEvent(thread.event(message), id);
    acknowledge(message);
  }

  /** Fetches and delivers a conversation's messages with afterSeq < seq < beforeSeq. */
  async function fillGap<M extends MessageOutput | GroupMessageOutput>(
    thread: Thread<M>,
    conversation: number,
    afterSeq: number,
    beforeSeq: number,
  ) {
    let cursor = afterSeq;
    while (cursor < beforeSeq - 1) {
      const page = await thread.fetchAfter(conversation, cursor);
      for (const message of page.messages) if (message.seq < beforeSeq) deliverMessage(thread, message, null);
      // Hidden ("deleted for me") messages never come back: what the server returns is the truth.
      if (page.next_cursor === null || page.messages.length === 0) break;
      cursor = page.next_cursor;
    }
  }

  /** fillGap, retried a few times; reported through onGapUnfilled if it still fails. */
  async function fillGapWithRetries<M extends MessageOutput | GroupMessageOutput>(
    thread: Thread<M>,
    conversation: number,
    afterSeq: number,
    beforeSeq: number,
  ) {
    const key = thread.key(conversation);
    for (let attempt = 0; ; attempt++) {
      try {
        await fillGap(thread, conversation, seqs.get(key) ?? afterSeq, beforeSeq);
        return;
      } catch (error) {
        const delay = GAP_FILL_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || isClosed) {
          options.onGapUnfilled?.({ ...thread.gap(conversation), after_seq: afterSeq, before_seq: beforeSeq, error });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  /** Delivers a live message, first fetching any it skipped. */
  async function receive<M extends MessageOutput | GroupMessageOutput>(
    thread: Thread<M>,
    message: M,
    id: string | null,
  ) {
    const conversation = thread.conversation(message);
    const known = seqs.get(thread.key(conversation));
    // A group's seq is gap-free and only ever grows: at or below what we hold is a repeat (live
    // copy of a message a gap fill already brought, or a system message also in our own log).
    if (thread === group && known !== undefined && message.seq <= known) return;
    if (known !== undefined && message.seq > known + 1)
      await fillGapWithRetries(thread, conversation, known, message.seq);
    deliverMessage(thread, message, id);
  }

  /**
   * The stream opened with each group's newest seq: fetch what this device missed while away.
   * A group it holds nothing of yet starts from the head (the app loads history itself).
   */
  async function catchUpGroups(heads: { group_id: number; last_seq: number }[]) {
    for (const head of heads) {
      const known = seqs.get(group.key(head.group_id));
      if (known === undefined) noteSeq(group.key(head.group_id), head.last_seq);
      else if (head.last_seq > known) await fillGapWithRetries(group, head.group_id, known, head.last_seq + 1);
    }
  }

  async function handle(value: Envelope) {
    const event = isTracked(value) ? value.data : value;
    const id = isTracked(value) ? value.id : null;
    if (id !== null) {
      // Per-user ids only grow: anything not above the last one is a repeat.
      if (lastEventId !== null && Number(id) <= Number(lastEventId)) return;
      lastEventId = id;
    }
    if (event.type === "new_message") return receive(direct, event.message, id);
    if (event.type === "new_group_message") return receive(group, event.message, id);
    // A batch from a busy stream: the app sees each message on its own, as if they came one by one.
    if (event.type === "new_group_messages") {
      for (const message of event.messages) await receive(group, message, null);
      return;
    }
    if (event.type === "group_heads") await catchUpGroups(event.groups);
    options.onEvent(event, id);
  }

  const subscription = client.event.onEvent.subscribe(lastEventId ? { lastEventId } : undefined, {
    onData: (value) => {
      queue = queue.then(() => handle(value as Envelope));
    },
    onError: (error) => options.onError?.(error),
    onConnectionStateChange: (state) => options.onStateChange?.(state.state),
  });

  return {
    get lastEventId() {
      return lastEventId;
    },
    noteChatSeq: (chatId, seq) => noteSeq(`chat:${chatId}`, seq),
    noteGroupSeq: (groupId, seq) => noteSeq(`group:${groupId}`, seq),
    unsubscribe: () => {
      isClosed = true;
      // Receipts given to us are the caller's to close.
      if (!options.receipts) receipts.close();
      subscription.unsubscribe();
    },
  };
}
