import type { TRPCClient } from "@trpc/client";
import { describe, expect, it } from "vitest";

import type { AppRouter } from "@parley/api";
import type { GroupMessageOutput, MessageOutput, ParleyEvent } from "@parley/validators";

import { reconnectDelayMs } from "./client";
import { subscribeToEvents } from "./live";

function message(seq: number, overrides: Partial<MessageOutput> = {}): MessageOutput {
  return {
    id: 1000 + seq,
    chat_id: 7,
    seq,
    sender_id: 2,
    receiver_id: 1,
    client_msg_id: null,
    content: `m${seq}`,
    message_type: "text",
    status: "sent",
    reply_to_message_id: null,
    reply_to: null,
    media: null,
    location: null,
    is_forwarded: false,
    edited_at: null,
    reactions: [],
    encrypted: null,
    is_deleted: false,
    created_at: new Date(0).toISOString(),
    ...overrides,
  };
}

function groupMessage(seq: number, overrides: Partial<GroupMessageOutput> = {}): GroupMessageOutput {
  return {
    id: 5000 + seq,
    group_id: 3,
    seq,
    sender_id: 2,
    client_msg_id: null,
    content: `g${seq}`,
    message_type: "text",
    system: null,
    status: "sent",
    reply_to_message_id: null,
    reply_to: null,
    media: null,
    location: null,
    is_forwarded: false,
    edited_at: null,
    reactions: [],
    encrypted: null,
    is_deleted: false,
    created_at: new Date(0).toISOString(),
    ...overrides,
  };
}

/** A scripted transport standing in for the server: the SDK's own logic is what is under test. */
function scriptedClient(history: MessageOutput[], groupHistory: GroupMessageOutput[] = []) {
  let onData: ((value: unknown) => void) | undefined;
  const acks: number[][] = [];
  const groupAcks: { group_id: number; up_to_seq: number }[][] = [];
  const listCalls: { after_seq?: number }[] = [];
  const client = {
    event: {
      onEvent: {
        subscribe: (_input: unknown, handlers: { onData: (value: unknown) => void }) => {
          onData = handlers.onData;
          return { unsubscribe: () => {} };
        },
      },
    },
    message: {
      list: {
        query: async (input: { after_seq?: number; limit: number }) => {
          listCalls.push(input);
          const messages = history.filter((m) => m.seq > (input.after_seq ?? 0)).slice(0, input.limit);
          return { messages, next_cursor: messages.length === input.limit ? (messages.at(-1)?.seq ?? null) : null };
        },
      },
      listGroup: {
        query: async (input: { group_id: number; after_seq?: number; limit: number }) => {
          listCalls.push(input);
          const messages = groupHistory.filter((m) => m.seq > (input.after_seq ?? 0)).slice(0, input.limit);
          return { messages, next_cursor: messages.length === input.limit ? (messages.at(-1)?.seq ?? null) : null };
        },
      },
      ackDelivered: {
        mutate: async (input: { message_ids: number[]; groups: { group_id: number; up_to_seq: number }[] }) => {
          if (input.message_ids.length > 0) acks.push(input.message_ids);
          if (input.groups.length > 0) groupAcks.push(input.groups);
          return { updated: input.message_ids.length + input.groups.length };
        },
      },
    },
  };
  return {
    client: client as unknown as TRPCClient<AppRouter>,
    push: (value: unknown) => onData?.(value),
    acks,
    groupAcks,
    listCalls,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 80));

describe("live events in the SDK", () => {
  it("drops events at or below the last id and passes ephemeral ones through", async () => {
    const server = scriptedClient([]);
    const seen: [string, string | null][] = [];
    const live = subscribeToEvents(server.client, {
      lastEventId: "10",
      onEvent: (event, id) => seen.push([event.type, id]),
      acknowledgeDelivery: false,
    });
    const read: ParleyEvent = { type: "chat_read", chat_id: 7, up_to_seq: 1, unread_count: 0 };
    server.push({ id: "9", data: read });
    server.push({ id: "10", data: read });
    server.push({ id: "11", data: read });
    server.push({ id: "11", data: read });
    server.push({ type: "typing", chat_id: 7, user_id: 2, is_typing: true, expires_in_ms: 6000 });
    await settle();
    expect(seen).toEqual([
      ["chat_read", "11"],
      ["typing", null],
    ]);
    expect(live.lastEventId).toBe("11");
  });

  it("fetches a chat's missing messages before the one that revealed the gap, once each", async () => {
    const history = [1, 2, 3, 4, 5].map((seq) => message(seq));
    const server = scriptedClient(history);
    const contents: (string | null)[] = [];
    subscribeToEvents(
      server.client,
      {
        chatSeqs: [[7, 1]],
        onEvent: (event) => {
          if (event.type === "new_message") contents.push(event.message.content);
        },
      },
      1,
    );
    server.push({ id: "1", data: { type: "new_message", message: history[4] } });
    server.push({ id: "2", data: { type: "new_message", message: history[2] } }); // already fetched by the gap fill
    await settle();
    expect(contents).toEqual(["m2", "m3", "m4", "m5"]);
    expect(server.listCalls).toEqual([{ chat_id: 7, after_seq: 1, limit: 200 }]);
    // Delivery of others' messages is acknowledged, batched.
    expect(server.acks.flat().sort()).toEqual([1002, 1003, 1004, 1005]);
  });

  it("fills gaps for chats noted after subscribing, retries a failed fill and reports one that never works", async () => {
    const history = [1, 2, 3].map((seq) => message(seq));
    const server = scriptedClient(history);
    let failures = 1;
    const list = (
      server.client as unknown as {
        message: { list: { query: (i: { after_seq?: number; limit: number }) => Promise<unknown> } };
      }
    ).message.list;
    const realQuery = list.query;
    list.query = async (input) => {
      if (failures-- > 0) throw new Error("network blip");
      return realQuery(input);
    };
    const contents: (string | null)[] = [];
    const unfilled: unknown[] = [];
    const live = subscribeToEvents(server.client, {
      onEvent: (event) => event.type === "new_message" && contents.push(event.message.content),
      onGapUnfilled: (gap) => unfilled.push(gap),
    });
    live.noteChatSeq(7, 1);
    server.push({ id: "1", data: { type: "new_message", message: history[2] } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(contents).toEqual(["m2", "m3"]);
    expect(unfilled).toEqual([]);

    list.query = async () => {
      throw new Error("down");
    };
    live.noteChatSeq(8, 1);
    server.push({ id: "2", data: { type: "new_message", message: message(5, { id: 2005, chat_id: 8 }) } });
    await new Promise((resolve) => setTimeout(resolve, 4_600));
    expect(contents).toEqual(["m2", "m3", "m5"]);
    expect(unfilled).toEqual([{ chat_id: 8, after_seq: 1, before_seq: 5, error: new Error("down") }]);
  }, 10_000);

  it("catches a group up from the stream's group_heads, drops repeats by seq, and acknowledges a watermark", async () => {
    const history = [1, 2, 3, 4, 5, 6].map((seq) => groupMessage(seq));
    const server = scriptedClient([], history);
    const contents: (string | null)[] = [];
    subscribeToEvents(
      server.client,
      {
        groupSeqs: [[3, 2]],
        onEvent: (event) => event.type === "new_group_message" && contents.push(event.message.content),
      },
      1,
    );
    // Held up to 2; the group is at 5 (and 9 has nothing held: it starts from its head).
    server.push({
      type: "group_heads",
      groups: [
        { group_id: 3, last_seq: 5 },
        { group_id: 9, last_seq: 40 },
      ],
    });
    server.push({ type: "new_group_message", message: history[4] }); // live copy of 5, already fetched
    server.push({ type: "new_group_message", message: history[5] });
    server.push({ type: "new_group_message", message: groupMessage(41, { id: 9041, group_id: 9 }) });
    // Group receipts are batched over about a second (jittered).
    for (const deadline = Date.now() + 3_000; server.groupAcks.length === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await settle();
    expect(contents).toEqual(["g3", "g4", "g5", "g6", "g41"]);
    expect(server.listCalls).toEqual([{ group_id: 3, after_seq: 2, limit: 200 }]);
    expect(server.groupAcks.flat()).toEqual([
      { group_id: 3, up_to_seq: 6 },
      { group_id: 9, up_to_seq: 41 },
    ]);
  });

  it("does not acknowledge its own messages", async () => {
    const server = scriptedClient([]);
    subscribeToEvents(server.client, { onEvent: () => {} }, 2);
    server.push({ id: "1", data: { type: "new_message", message: message(1) } });
    await settle();
    expect(server.acks).toEqual([]);
  });
});

describe("reconnect backoff", () => {
  it("grows with each attempt, with jitter, and is capped at 10 s", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const base = Math.min(10_000, 250 * 2 ** attempt);
      const delay = reconnectDelayMs(attempt);
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base);
    }
  });
});
