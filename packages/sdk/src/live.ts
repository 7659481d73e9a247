import type { TRPCClient } from "@trpc/client";

import type { AppRouter } from "@parley/api";
import type { MessageOutput, ParleyEvent } from "@parley/validators";

export type LiveOptions = {
  /** Called once per event, in order. Messages fetched to fill a gap arrive as `new_message` events too. */
  onEvent: (event: ParleyEvent, id: string | null) => void;
  /** Resume after this event id (persist the ids `onEvent` gives you to survive a page reload). */
  lastEventId?: string | null;
  /** The newest seq you already hold per chat, so a gap before the next live message is fetched. */
  chatSeqs?: Iterable<[chatId: number, seq: number]>;
  /** Tell senders their messages reached this device (default true). */
  acknowledgeDelivery?: boolean;
  /** The subscription ended for good (e.g. the session ended): nothing more will arrive. */
  onError?: (error: unknown) => void;
  /**
   * Missing messages before a live one could not be fetched after retries; the live one was
   * delivered anyway. Refetch the chat's history (`message.list` with `after_seq`) to recover.
   */
  onGapUnfilled?: (gap: { chat_id: number; after_seq: number; before_seq: number; error: unknown }) => void;
  /** The underlying connection state, for a "connecting…" banner. */
  onStateChange?: (state: "connecting" | "pending" | "idle") => void;
};

export type LiveSubscription = {
  /** The id of the last event delivered to `onEvent`. */
  readonly lastEventId: string | null;
  /** The newest seq you hold for a chat loaded after subscribing, so gaps before its next message are filled. */
  noteChatSeq(chatId: number, seq: number): void;
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
  const chatSeqs = new Map(options.chatSeqs ?? []);
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

  const acknowledge = (message: MessageOutput) => {
    if (options.acknowledgeDelivery === false || message.sender_id === selfUserId || message.status !== "sent") return;
    pendingAcks.add(message.id);
    ackTimer ??= setTimeout(() => {
      ackTimer = null;
      const ids = [...pendingAcks].slice(0, 500);
      for (const id of ids) pendingAcks.delete(id);
      if (ids.length > 0 && !isClosed) void client.message.ackDelivered.mutate({ message_ids: ids }).catch(() => {});
    }, ACK_DELAY_MS);
  };

  const deliverMessage = (message: MessageOutput, id: string | null) => {
    if (seenMessages.has(message.id)) return;
    remember(message.id);
    chatSeqs.set(message.chat_id, Math.max(chatSeqs.get(message.chat_id) ?? 0, message.seq));
    options.onEvent({ type: "new_message", message }, id);
    acknowledge(message);
  };

  async function fillGap(chatId: number, afterSeq: number, beforeSeq: number) {
    let cursor = afterSeq;
    while (cursor < beforeSeq - 1) {
      const page = await client.message.list.query({ chat_id: chatId, after_seq: cursor, limit: 200 });
      for (const message of page.messages) if (message.seq < beforeSeq) deliverMessage(message, null);
      // Hidden ("deleted for me") messages never come back: what the server returns is the truth.
      if (page.next_cursor === null || page.messages.length === 0) break;
      cursor = page.next_cursor;
    }
  }

  async function fillGapWithRetries(chatId: number, afterSeq: number, beforeSeq: number) {
    for (let attempt = 0; ; attempt++) {
      try {
        await fillGap(chatId, chatSeqs.get(chatId) ?? afterSeq, beforeSeq);
        return;
      } catch (error) {
        const delay = GAP_FILL_RETRY_DELAYS_MS[attempt];
        if (delay === undefined || isClosed) {
          options.onGapUnfilled?.({ chat_id: chatId, after_seq: afterSeq, before_seq: beforeSeq, error });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
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
    if (event.type === "new_message") {
      const { message } = event;
      const known = chatSeqs.get(message.chat_id);
      if (known !== undefined && message.seq > known + 1) await fillGapWithRetries(message.chat_id, known, message.seq);
      deliverMessage(message, id);
      return;
    }
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
    noteChatSeq: (chatId, seq) => {
      chatSeqs.set(chatId, Math.max(chatSeqs.get(chatId) ?? 0, seq));
    },
    unsubscribe: () => {
      isClosed = true;
      if (ackTimer) clearTimeout(ackTimer);
      subscription.unsubscribe();
    },
  };
}
