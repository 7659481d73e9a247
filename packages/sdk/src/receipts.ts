import type { TRPCClient } from "@trpc/client";

import type { AppRouter } from "@parley/api";
import { ACK_BATCH_LIMIT, type GroupMessageOutput, type MessageOutput } from "@parley/validators";

/** The answer to `chat.read`: how far the chat is read now, and what is left unread. */
export type ChatRead = Awaited<ReturnType<TRPCClient<AppRouter>["chat"]["read"]["mutate"]>>;
/** The answer to `group.read`. */
export type GroupRead = Awaited<ReturnType<TRPCClient<AppRouter>["group"]["read"]["mutate"]>>;

export type ReceiptsOptions = {
  /** Your own user id: your own messages are never acknowledged. */
  selfUserId?: number;
  /** How long read marks for one conversation are gathered into one request (default 100 ms). */
  readDelayMs?: number;
};

/**
 * What this device tells senders: "delivered" (batched `message.ackDelivered`) and "read"
 * (`chat.read` / `group.read`, one request per conversation at a time, the newest mark winning).
 */
export type Receipts = {
  /** Messages that reached this device (a live one, a page of history): their senders see two ticks. */
  acknowledge(messages: Iterable<MessageOutput | GroupMessageOutput>): void;
  /** Everything in a group up to a seq reached this device (a group's delivery is a watermark). */
  acknowledgeGroup(groupId: number, upToSeq: number): void;
  /** The other person's messages up to a message (default: all) are read. Marks made close together go as one. */
  markChatRead(chatId: number, upToMessageId?: number): Promise<ChatRead>;
  /** Everything in a group up to a seq (default: all) is read. */
  markGroupRead(groupId: number, upToSeq?: number): Promise<GroupRead>;
  /** Stops: pending acknowledgements are dropped, pending read marks rejected. */
  close(): void;
};

const ACK_DELAY_MS = 50;
// A group's two ticks need every member's receipt, so a second's batching costs the sender
// nothing they'd notice, and keeps 255 members of a busy group from acking 20 times a second each.
const GROUP_ACK_DELAY_MS = 1_000;
const READ_DELAY_MS = 100;

/** "Everything": a read mark without an upper bound beats any bounded one. */
const NEWEST = Number.POSITIVE_INFINITY;

type Waiter<R> = { resolve: (result: R) => void; reject: (error: unknown) => void };
type ReadLane<R> = {
  upTo: number;
  waiters: Waiter<R>[];
  timer: ReturnType<typeof setTimeout> | null;
  isBusy: boolean;
};

/**
 * Read marks per conversation: marks made within `delayMs` of each other, or while the previous
 * request for that conversation is still out, go as one request for the furthest of them.
 */
function createReadMarker<R>(delayMs: number, send: (id: number, upTo: number | undefined) => Promise<R>) {
  const lanes = new Map<number, ReadLane<R>>();
  let isClosed = false;

  const flush = (id: number, lane: ReadLane<R>) => {
    lane.timer = null;
    const { waiters, upTo } = lane;
    lane.waiters = [];
    lane.upTo = 0;
    lane.isBusy = true;
    send(id, upTo === NEWEST ? undefined : upTo)
      .then(
        (result) => waiters.forEach((waiter) => waiter.resolve(result)),
        (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
      )
      .finally(() => {
        lane.isBusy = false;
        if (lane.waiters.length > 0 && !isClosed) schedule(id, lane);
        else lanes.delete(id);
      });
  };
  const schedule = (id: number, lane: ReadLane<R>) => {
    if (!lane.isBusy && lane.timer === null) lane.timer = setTimeout(() => flush(id, lane), delayMs);
  };

  return {
    mark(id: number, upTo: number | undefined): Promise<R> {
      if (isClosed) return Promise.reject(new Error("The receipts were closed"));
      let lane = lanes.get(id);
      if (!lane) {
        lane = { upTo: 0, waiters: [], timer: null, isBusy: false };
        lanes.set(id, lane);
      }
      lane.upTo = Math.max(lane.upTo, upTo ?? NEWEST);
      const promise = new Promise<R>((resolve, reject) => lane.waiters.push({ resolve, reject }));
      schedule(id, lane);
      return promise;
    },
    close() {
      isClosed = true;
      for (const lane of lanes.values()) {
        if (lane.timer) clearTimeout(lane.timer);
        for (const waiter of lane.waiters) waiter.reject(new Error("The receipts were closed"));
      }
      lanes.clear();
    },
  };
}

/** Delivery and read receipts for one client; `subscribeToEvents` acknowledges live messages through one of these. */
export function createReceipts(client: TRPCClient<AppRouter>, options: ReceiptsOptions = {}): Receipts {
  const { selfUserId } = options;
  // Receipts to send: 1:1 message ids, and per group the newest seq received (group receipts
  // are watermarks). One request in flight at a time: under load (a busy group) receipts cover
  // more messages each instead of multiplying, so a device's ack rate adapts to the server's pace.
  const pendingAcks = new Set<number>();
  const pendingGroupAcks = new Map<number, number>();
  let ackTimer: ReturnType<typeof setTimeout> | null = null;
  let groupAckTimer: ReturnType<typeof setTimeout> | null = null;
  let isAcking = false;
  let isClosed = false;

  const scheduleAcks = () => {
    if (isAcking || isClosed) return;
    if (pendingAcks.size > 0) ackTimer ??= setTimeout(flushAcks, ACK_DELAY_MS);
    // Jittered: members who got the same message at the same moment shouldn't all ack at once.
    else if (pendingGroupAcks.size > 0)
      groupAckTimer ??= setTimeout(flushAcks, GROUP_ACK_DELAY_MS * (0.5 + Math.random()));
  };
  const clearTimers = () => {
    if (ackTimer) clearTimeout(ackTimer);
    if (groupAckTimer) clearTimeout(groupAckTimer);
    ackTimer = groupAckTimer = null;
  };
  const flushAcks = () => {
    clearTimers();
    const ids = [...pendingAcks].slice(0, ACK_BATCH_LIMIT);
    const groups = [...pendingGroupAcks]
      .slice(0, ACK_BATCH_LIMIT)
      .map(([group_id, up_to_seq]) => ({ group_id, up_to_seq }));
    if ((ids.length === 0 && groups.length === 0) || isClosed) return;
    for (const id of ids) pendingAcks.delete(id);
    for (const { group_id } of groups) pendingGroupAcks.delete(group_id);
    isAcking = true;
    void client.message.ackDelivered
      .mutate({ message_ids: ids, groups })
      // A receipt lost to a dropped connection is not worth a retry: the next load acknowledges again.
      .catch(() => {})
      .finally(() => {
        isAcking = false;
        scheduleAcks();
      });
  };
  const acknowledgeGroup = (groupId: number, upToSeq: number) => {
    if (isClosed) return;
    pendingGroupAcks.set(groupId, Math.max(pendingGroupAcks.get(groupId) ?? 0, upToSeq));
    scheduleAcks();
  };

  const chatReads = createReadMarker(options.readDelayMs ?? READ_DELAY_MS, (chatId, upTo) =>
    client.chat.read.mutate(upTo === undefined ? { chat_id: chatId } : { chat_id: chatId, up_to_message_id: upTo }),
  );
  const groupReads = createReadMarker(options.readDelayMs ?? READ_DELAY_MS, (groupId, upTo) =>
    client.group.read.mutate(upTo === undefined ? { group_id: groupId } : { group_id: groupId, up_to_seq: upTo }),
  );

  return {
    acknowledge(messages) {
      for (const message of messages) {
        // Only what is still "sent" needs saying; your own messages' status is the recipient's.
        if (message.sender_id === selfUserId || message.status !== "sent") continue;
        if ("group_id" in message) acknowledgeGroup(message.group_id, message.seq);
        else if (!isClosed) pendingAcks.add(message.id);
      }
      scheduleAcks();
    },
    acknowledgeGroup,
    // Message ids grow with seq within a chat, so the largest id is the furthest mark.
    markChatRead: (chatId, upToMessageId) => chatReads.mark(chatId, upToMessageId),
    markGroupRead: (groupId, upToSeq) => groupReads.mark(groupId, upToSeq),
    close() {
      isClosed = true;
      clearTimers();
      pendingAcks.clear();
      pendingGroupAcks.clear();
      chatReads.close();
      groupReads.close();
    },
  };
}
