import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestRuntime, eventsOf, type TestRuntime } from "@parley/api/test";

import { createParleyClient, type ParleyClient } from "./node";
import { createReceipts } from "./receipts";
import { eventually, signUp, startTestServer, type TestServer } from "./test-server";

let runtime: TestRuntime;
let api: TestServer;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  runtime = await createTestRuntime();
  api = await startTestServer(runtime);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await api?.close();
  await runtime?.close();
});

function client(token: string): ParleyClient {
  const opened = createParleyClient({ url: api.ws, token });
  cleanups.push(() => opened.close());
  return opened;
}

const newClientMsgId = () => crypto.randomUUID();

/** The "read" receipts a sender was told of. */
async function readReceipts(userId: number) {
  return (await eventsOf(runtime, userId))
    .map((stored) => stored.event)
    .filter(
      (event) =>
        (event.type === "message_status_update" || event.type === "group_message_status") && event.status === "read",
    );
}

describe("receipts", () => {
  it("gathers read marks for a chat into one request for the furthest of them", async () => {
    const ana = await signUp(runtime, api, "Ana");
    const bob = await signUp(runtime, api, "Bob");
    const bobClient = client(bob.token);
    const sent = [];
    for (const content of ["one", "two", "three"]) {
      sent.push(await bobClient.message.send.mutate({ receiver_id: ana.id, content, client_msg_id: newClientMsgId() }));
    }
    const [first, second, third] = sent.map((message) => message.id);
    const chatId = sent[0]?.chat_id ?? 0;
    const receipts = createReceipts(client(ana.token), { selfUserId: ana.id });
    cleanups.push(() => receipts.close());

    // Out of order, as a scrolled list may report them: the furthest wins.
    const answers = await Promise.all([
      receipts.markChatRead(chatId, first),
      receipts.markChatRead(chatId, third),
      receipts.markChatRead(chatId, second),
    ]);
    expect(answers[0]).toEqual({ chat_id: chatId, up_to_seq: 3, unread_count: 0 });
    // One request answered all three.
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toBe(answers[0]);
    expect(await readReceipts(bob.id)).toHaveLength(1);
  });

  it("sends a group's next mark after the one in flight, the marks made meanwhile as one", async () => {
    const ana = await signUp(runtime, api, "Ana");
    const bob = await signUp(runtime, api, "Bob");
    const bobClient = client(bob.token);
    const group = await bobClient.group.create.mutate({ name: "Book club", member_ids: [ana.id] });
    const seqs = [];
    for (const content of ["one", "two", "three", "four"]) {
      const message = await bobClient.message.sendGroup.mutate({
        group_id: group.id,
        content,
        client_msg_id: newClientMsgId(),
      });
      seqs.push(message.seq);
    }
    const receipts = createReceipts(client(ana.token), { selfUserId: ana.id, readDelayMs: 0 });
    cleanups.push(() => receipts.close());

    const firstMark = receipts.markGroupRead(group.id, seqs[0]);
    // Out by now; these two wait for it and go together.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = [receipts.markGroupRead(group.id, seqs[2]), receipts.markGroupRead(group.id, seqs[1])];
    const first = await firstMark;
    const [third, second] = await Promise.all(later);
    expect(first.up_to_seq).toBe(seqs[0]);
    expect(third).toBe(second);
    expect(third?.up_to_seq).toBe(seqs[2]);
    expect(third?.unread_count).toBe(1);

    // No bound means everything.
    expect((await receipts.markGroupRead(group.id)).unread_count).toBe(0);
  });

  it("acknowledges loaded messages in batches: others' 1:1 messages by id, a group's by watermark", async () => {
    const ana = await signUp(runtime, api, "Ana");
    const bob = await signUp(runtime, api, "Bob");
    const anaClient = client(ana.token);
    const bobClient = client(bob.token);
    const group = await bobClient.group.create.mutate({ name: "Band", member_ids: [ana.id] });
    for (const content of ["a", "b", "c"]) {
      await bobClient.message.send.mutate({ receiver_id: ana.id, content, client_msg_id: newClientMsgId() });
      await bobClient.message.sendGroup.mutate({ group_id: group.id, content, client_msg_id: newClientMsgId() });
    }
    const mine = await anaClient.message.send.mutate({
      receiver_id: bob.id,
      content: "mine",
      client_msg_id: newClientMsgId(),
    });
    const receipts = createReceipts(anaClient, { selfUserId: ana.id });
    cleanups.push(() => receipts.close());

    const page = await anaClient.message.list.query({ chat_id: mine.chat_id });
    receipts.acknowledge(page.messages);
    receipts.acknowledge((await anaClient.message.listGroup.query({ group_id: group.id })).messages);

    await eventually(async () => {
      const seen = await bobClient.message.list.query({ chat_id: mine.chat_id });
      return seen.messages.filter((message) => message.sender_id === bob.id).every((m) => m.status === "delivered");
    });
    await eventually(async () => {
      const seen = await bobClient.message.listGroup.query({ group_id: group.id });
      return seen.messages.filter((m) => m.system === null).every((m) => m.status === "delivered");
    });
    // My own message is the recipient's to acknowledge.
    const mineNow = (await bobClient.message.list.query({ chat_id: mine.chat_id })).messages.find(
      (message) => message.id === mine.id,
    );
    expect(mineNow?.status).toBe("sent");
  });
});
