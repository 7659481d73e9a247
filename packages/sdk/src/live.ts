import type { TRPCClient } from "@trpc/client";

import type { AppRouter } from "@parley/api";
import type { GroupMessageOutput, MessageOutput, ParleyEvent } from "@parley/validators";

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
export type GapInfo = ({ chat_id: number; group_id?: undefined } | { group_id: number; chat_id?: undefined }) & {
  after_seq: number;
  before_seq: number;
  error: unknown;
};

export type LiveSubscription = {
  /** The id of the last event delivered to `onEvent`. */
  readonly lastEventId: string | null;
  /** The newest seq you hold for a chat loaded after subscribing, so gaps before its next message are filled. */
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
const ACK_DELAY_MS = 50;
const GAP_FILL_RETRY_DELAYS_MS = [250, 1_000, 3_000];

/**
 * The caller's live events with the guarantees a chat UI needs: resumes from
 * the last event id after any reconnect, drops anything already seen, and
 * when a chat's messages skip a seq, fetches the missing ones first.
 */
export function subscribeToEvents(client: TRPCClient<AppRouter>, options: LiveOptions, selfUserId?: number): LiveSubscription {
  let lastEventId = options.lastEventId ?? null;
  // Newest seq held per conversation, keyed "chat:<id>" or "group:<id>" (the two id spaces overlap).
  const seqs = new Map<string, number>([
    ...[...(options.chatSeqs ?? [])].map(([id, seq]): [string, number] => [`chat:${id}`, seq]),
    ...[...(options.groupSeqs ?? [])].map(([id, seq]): [string, number] => [`group:${id}`, seq]),
  ]);
  const noteSeq = (key: string, seq: number) => seqs.set(key, Math.max(seqs.get(key) ?? 0, seq));
  const seenMessages = new Set<number>();
  const pendingAcks = new Set<number>();
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  let queue = Promise.resolve();
  let isClosed = false;

  const remember = (messageId: number) => {
    seenMessages.add(messageId);
    if (seenMessages.size > MAX_REMEMBERED_MESSAGES) {
      const oldest = seenMessages.values().next().value;
      if (oldest !== undefined) seenMessages.delete(oldest);
    }
  };

  // Receipts to send: 1:1 message ids, and per group the newest seq received (group receipts
  // are watermarks). One request in flight at a time: under load (a busy group) receipts cover
  // more messages each instead of multiplying, so a device's ack rate adapts to the server's pace.
  const pendingGroupAcks = new Map<number, number>();
  let isAcking = false;
  const flushAcks = () => {
    ackTimer = null;
    const ids = [...pendingAcks].slice(0, 500);
    const groups = [...pendingGroupAcks].slice(0, 500).map(([group_id, up_to_seq]) => ({ group_id, up_to_seq }));
    if ((ids.length === 0 && groups.length === 0) || isClosed) return;
    for (const id of ids) pendingAcks.delete(id);
    for (const { group_id } of groups) pendingGroupAcks.delete(group_id);
    isAcking = true;
    void client.message.ackDelivered
      .mutate({ message_ids: ids, groups })
      .catch(() => {})
      .finally(() => {
        isAcking = false;
        if (pendingAcks.size > 0 || pendingGroupAcks.size > 0) ackTimer ??= setTimeout(flushAcks, ACK_DELAY_MS);
      });
  };
  const acknowledge = (message: MessageOutput | GroupMessageOutput) => {
    if (options.acknowledgeDelivery === false || message.sender_id === selfUserId || message.status !== "sent") return;
    if ("group_id" in message) {
      pendingGroupAcks.set(message.group_id, Math.max(pendingGroupAcks.get(message.group_id) ?? 0, message.seq));
    } else {
      pendingAcks.add(message.id);
    }
    if (!isAcking) ackTimer ??= setTimeout(flushAcks, ACK_DELAY_MS);
  };

  /** One conversation kind: how its messages are keyed, wrapped as events, and fetched by seq. */
  type Thread<M extends MessageOutput | GroupMessageOutput> = {
    key(message: M): string;
    event(message: M): ParleyEvent;
    fetchAfter(message: M, afterSeq: number): Promise<{ messages: M[]; next_cursor: number | null }>;
    gap(message: M): Pick<GapInfo, "chat_id" | "group_id">;
  };
  const direct: Thread<MessageOutput> = {
    key: (message) => `chat:${message.chat_id}`,
    event: (message) => ({ type: "new_message", message }),
    fetchAfter: (message, afterSeq) => client.message.list.query({ chat_id: message.chat_id, after_seq: afterSeq, limit: 200 }),
    gap: (message) => ({ chat_id: message.chat_id }),
  };
  const group: Thread<GroupMessageOutput> = {
    key: (message) => `group:${message.group_id}`,
    event: (message) => ({ type: "new_group_message", message }),
    fetchAfter: (message, afterSeq) => client.message.listGroup.query({ group_id: message.group_id, after_seq: afterSeq, limit: 200 }),
    gap: (message) => ({ group_id: message.group_id }) as Pick<GapInfo, "chat_id" | "group_id">,
  };

  function deliverMessage<M extends MessageOutput | GroupMessageOutput>(thread: Thread<M>, message: M, id: string | null) {
    if (seenMessages.has(message.id)) return;
    remember(message.id);
    noteSeq(thread.key(message), message.seq);
    options.onEvent(thread.event(message), id);
    acknowledge(message);
  }

  async function fillGap<M extends MessageOutput | GroupMessageOutput>(thread: Thread<M>, live: M, afterSeq: number) {
    let cursor = afterSeq;
    while (cursor < live.seq - 1) {
      const page = await thread.fetchAfter(live, cursor);
      for (const message of page.messages) if (message.seq < live.seq) deliverMessage(thread, message, null);
      // Hidden ("deleted for me") messages never come back: what the server returns is the truth.
      if (page.next_cursor === null || page.messages.length === 0) break;
      cursor = page.next_cursor;
    }
  }

  /** Delivers a live message, first fetching any it skipped (retrying; reporting if that fails). */
  async function receive<M extends MessageOutput | GroupMessageOutput>(thread: Thread<M>, message: M, id: string | null) {
    const known = seqs.get(thread.key(message));
    if (known !== undefined && message.seq > known + 1) {
      for (let attempt = 0; ; attempt++) {
        try {
          await fillGap(thread, message, seqs.get(thread.key(message)) ?? known);
          break;
        } catch (error) {
          const delay = GAP_FILL_RETRY_DELAYS_MS[attempt];
          if (delay === undefined || isClosed) {
            options.onGapUnfilled?.({ ...thread.gap(message), after_seq: known, before_seq: message.seq, error } as GapInfo);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    }
    deliverMessage(thread, message, id);
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
      if (ackTimer) clearTimeout(ackTimer);
      subscription.unsubscribe();
    },
  };
}
