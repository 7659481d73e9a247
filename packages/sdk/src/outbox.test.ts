import { copyFile, readFile } from "node:fs/promises";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import type { GroupMessageOutput, MessageOutput } from "@parley/validators";

import { createOutbox, isRetryableError, type Outbox, type OutboxItem, type OutboxState } from "./outbox";
import { fileOutboxStore } from "./outbox-file";
import { eventually, signUp, testSuite } from "./test-server";

const suite = testSuite("parley-outbox-");
const { cleanups, server, connect: client } = suite;

function outboxOf<Meta = unknown>(options: Parameters<typeof createOutbox<Meta>>[0]): Outbox<Meta> {
  const outbox = createOutbox<Meta>(options);
  cleanups.push(() => outbox.close());
  return outbox;
}

/** Every state each item went through, by client_msg_id. */
function recorder() {
  const states = new Map<string, OutboxState[]>();
  const last = new Map<string, OutboxItem>();
  return {
    states,
    last,
    onUpdate: (item: OutboxItem) => {
      const seen = states.get(item.client_msg_id) ?? [];
      if (seen.at(-1) !== item.state) seen.push(item.state);
      states.set(item.client_msg_id, seen);
      last.set(item.client_msg_id, item);
    },
  };
}

const contents = (messages: (MessageOutput | GroupMessageOutput)[]) =>
  [...messages].sort((a, b) => a.seq - b.seq).map((message) => message.content);

describe("the outbox", () => {
  it("sends in order per conversation, 1:1 and group, reporting queued, sending and sent with the server's message", async () => {
    const api = await server();
    const ana = await signUp(suite.runtime, api, "Ana");
    const bob = await signUp(suite.runtime, api, "Bob");
    const cy = await signUp(suite.runtime, api, "Cy");
    const anaClient = client(api.ws, ana.token);
    const group = await anaClient.group.create.mutate({ name: "Trip", member_ids: [bob.id, cy.id] });
    const record = recorder();
    const outbox = outboxOf({ client: anaClient, onUpdate: record.onUpdate });

    const words = ["one", "two", "three", "four", "five", "six"];
    const direct = words.map((word) => outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: word } }));
    const grouped = words.map((word) =>
      outbox.enqueue({ to: { group_id: group.id }, message: { content: `g ${word}` } }),
    );
    expect(direct.every((item) => item.state === "queued")).toBe(true);
    await outbox.idle();

    for (const item of [...direct, ...grouped]) {
      expect(record.states.get(item.client_msg_id)).toEqual(["queued", "sending", "sent"]);
      expect(record.last.get(item.client_msg_id)?.sent?.client_msg_id).toBe(item.client_msg_id);
    }
    const sentDirect = direct.map((item) => record.last.get(item.client_msg_id)?.sent as MessageOutput);
    // Seqs are the server's order: the same as the order put in line.
    expect(sentDirect.map((message) => message.content)).toEqual(words);
    expect(sentDirect.map((message) => message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const chatId = sentDirect[0]?.chat_id ?? 0;
    const bobClient = client(api.ws, bob.token);
    expect(contents((await bobClient.message.list.query({ chat_id: chatId })).messages)).toEqual(words);
    const groupPage = await bobClient.message.listGroup.query({ group_id: group.id });
    expect(contents(groupPage.messages.filter((message) => message.system === null))).toEqual(
      words.map((word) => `g ${word}`),
    );
    expect(outbox.items()).toEqual([]);
  });

  it("fails a refused item at once and moves on; retried later, it goes with the same client_msg_id", async () => {
    const api = await server();
    const ana = await signUp(suite.runtime, api, "Ana");
    const bob = await signUp(suite.runtime, api, "Bob");
    const anaClient = client(api.ws, ana.token);
    const bobClient = client(api.ws, bob.token);
    const record = recorder();
    const outbox = outboxOf({ client: anaClient, onUpdate: record.onUpdate });

    const first = outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: "Hi Bob" } });
    const blank = outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: "   " } });
    const nobody = outbox.enqueue({ to: { receiver_id: 2_000_000_000 }, message: { content: "Hello?" } });
    const last = outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: "Still there?" } });
    await outbox.idle();

    const failedBlank = record.last.get(blank.client_msg_id);
    expect(failedBlank).toMatchObject({ state: "failed", failed_in: "send", attempts: 0 });
    expect((failedBlank?.error as { data?: { code?: string } }).data?.code).toBe("BAD_REQUEST");
    expect(isRetryableError(failedBlank?.error)).toBe(false);
    expect(record.last.get(nobody.client_msg_id)).toMatchObject({ state: "failed", attempts: 0 });
    expect(record.last.get(first.client_msg_id)?.state).toBe("sent");
    expect(record.last.get(last.client_msg_id)?.state).toBe("sent");
    expect(outbox.items().map((item) => item.client_msg_id)).toEqual([blank.client_msg_id, nobody.client_msg_id]);

    // Blocked: refused (FORBIDDEN). Unblocked, a retry sends it.
    await bobClient.contact.block.mutate({ user_id: ana.id });
    const refused = outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: "Why?" } });
    await outbox.idle();
    expect(record.last.get(refused.client_msg_id)).toMatchObject({ state: "failed", failed_in: "send" });
    await bobClient.contact.unblock.mutate({ user_id: ana.id });
    expect(outbox.retry(refused.client_msg_id)).toBe(true);
    await outbox.idle();
    const sent = record.last.get(refused.client_msg_id)?.sent as MessageOutput;
    expect(sent).toMatchObject({ content: "Why?", client_msg_id: refused.client_msg_id });
    expect(contents((await bobClient.message.list.query({ chat_id: sent.chat_id })).messages)).toEqual([
      "Hi Bob",
      "Still there?",
      "Why?",
    ]);
  });

  it("retries with backoff while the server is unreachable, then sends everything once, in order", async () => {
    const first = await server();
    const ana = await signUp(suite.runtime, first, "Ana");
    const bob = await signUp(suite.runtime, first, "Bob");
    // Over HTTP every attempt fails at once while the server is down: the retries are what is tested.
    const anaClient = client(first.http, ana.token);
    await first.close();
    const record = recorder();
    const outbox = outboxOf({ client: anaClient, onUpdate: record.onUpdate });

    const items = ["a", "b", "c"].map((word) =>
      outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: word } }),
    );
    await eventually(() => (record.last.get(items[0]?.client_msg_id ?? "")?.attempts ?? 0) >= 2);
    // The line waits behind its first item: nothing after it was tried.
    expect(record.last.get(items[2]?.client_msg_id ?? "")?.state).toBe("queued");

    const back = await server(first.port);
    await outbox.idle();
    const sent = items.map((item) => record.last.get(item.client_msg_id)?.sent as MessageOutput);
    expect(sent.map((message) => message.content)).toEqual(["a", "b", "c"]);
    const bobClient = client(back.ws, bob.token);
    expect(contents((await bobClient.message.list.query({ chat_id: sent[0]?.chat_id ?? 0 })).messages)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("carries on over a WebSocket that drops and comes back", async () => {
    const first = await server();
    const ana = await signUp(suite.runtime, first, "Ana");
    const bob = await signUp(suite.runtime, first, "Bob");
    const anaClient = client(first.ws, ana.token);
    const record = recorder();
    const outbox = outboxOf({ client: anaClient, onUpdate: record.onUpdate });
    outbox.enqueue({ to: { receiver_id: bob.id }, message: { content: "before" } });
    await outbox.idle();

    await first.close();
    const items = ["during 1", "during 2", "during 3"].map((content) =>
      outbox.enqueue({ to: { receiver_id: bob.id }, message: { content } }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(items.every((item) => record.last.get(item.client_msg_id)?.state !== "sent")).toBe(true);
    const back = await server(first.port);
    await outbox.idle();

    const chatId = (record.last.get(items[0]?.client_msg_id ?? "")?.sent as MessageOutput).chat_id;
    const bobClient = client(back.ws, bob.token);
    expect(contents((await bobClient.message.list.query({ chat_id: chatId })).messages)).toEqual([
      "before",
      "during 1",
      "during 2",
      "during 3",
    ]);
  });

  it("never sends twice: a reload that finds an item already sent sends it again and gets the same message back", async () => {
    const first = await server();
    const ana = await signUp(suite.runtime, first, "Ana");
    const bob = await signUp(suite.runtime, first, "Bob");
    const path = join(suite.directory, `crash-${ana.id}.json`);
    const snapshot = join(suite.directory, `crash-${ana.id}-snapshot.json`);
    await first.close();

    // The first run queues the message while the server is away…
    const before = recorder();
    const firstRun = outboxOf({
      client: client(first.ws, ana.token),
      store: fileOutboxStore(path),
      onUpdate: before.onUpdate,
    });
    const item = firstRun.enqueue({ to: { receiver_id: bob.id }, message: { content: "Exactly once" } });
    await eventually(async () => (await readFile(path, "utf8").catch(() => "")).includes(item.client_msg_id));
    // …and this is the disk as a crash would leave it: the message sent, its removal never written.
    await copyFile(path, snapshot);
    const back = await server(first.port);
    await firstRun.idle();
    const firstAnswer = before.last.get(item.client_msg_id)?.sent as MessageOutput;
    expect(firstAnswer.content).toBe("Exactly once");
    firstRun.close();

    // The next run (a reload) finds it, sends it again with its client_msg_id, and the server answers with the first one.
    const restored: OutboxItem[] = [];
    const after = recorder();
    const secondRun = outboxOf({
      client: client(back.ws, ana.token),
      store: fileOutboxStore(snapshot),
      onRestore: (items) => restored.push(...items),
      onUpdate: after.onUpdate,
    });
    await secondRun.idle();
    expect(restored.map((restoredItem) => restoredItem.client_msg_id)).toEqual([item.client_msg_id]);
    expect((after.last.get(item.client_msg_id)?.sent as MessageOutput).id).toBe(firstAnswer.id);
    const bobClient = client(back.ws, bob.token);
    expect((await bobClient.message.list.query({ chat_id: firstAnswer.chat_id })).messages).toHaveLength(1);

    // Where the removal was written, a reload finds nothing to send.
    const cleanRun = outboxOf({ client: client(back.ws, ana.token), store: fileOutboxStore(path) });
    await cleanRun.ready;
    expect(cleanRun.items()).toEqual([]);
  });

  it("survives a reload: a file and a message behind it, kept on disk while offline, go out in order afterwards", async () => {
    const first = await server();
    const ana = await signUp(suite.runtime, first, "Ana");
    const bob = await signUp(suite.runtime, first, "Bob");
    const path = join(suite.directory, `reload-${ana.id}.json`);
    await first.close();

    const bytes = new TextEncoder().encode("Minutes of the meeting\n".repeat(2_000));
    const offline = outboxOf<{ label: string }>({ client: client(first.ws, ana.token), store: fileOutboxStore(path) });
    const note = offline.enqueue({
      to: { receiver_id: bob.id },
      message: { message_type: "document", content: "The minutes" },
      file: { body: bytes, kind: "document", mime_type: "text/plain", file_name: "minutes.txt" },
      meta: { label: "minutes" },
    });
    const after = offline.enqueue({ to: { receiver_id: bob.id }, message: { content: "See above" } });
    await eventually(async () => (await readFile(path, "utf8").catch(() => "")).includes(after.client_msg_id));
    offline.close();

    const back = await server(first.port);
    const restored: OutboxItem<{ label: string }>[] = [];
    const record = recorder();
    const online = outboxOf<{ label: string }>({
      client: client(back.ws, ana.token),
      store: fileOutboxStore(path),
      onRestore: (items) => restored.push(...items),
      onUpdate: record.onUpdate,
    });
    await online.idle();
    expect(restored.map((item) => item.client_msg_id)).toEqual([note.client_msg_id, after.client_msg_id]);
    expect(restored[0]?.meta).toEqual({ label: "minutes" });
    expect(restored[0]?.file?.body).toEqual(bytes);
    expect(record.states.get(note.client_msg_id)).toEqual(["uploading", "queued", "sending", "sent"]);
    const sent = record.last.get(note.client_msg_id)?.sent as MessageOutput;
    expect(sent.media).toMatchObject({ kind: "document", file_name: "minutes.txt", size: bytes.byteLength });
    const page = await client(back.ws, bob.token).message.list.query({ chat_id: sent.chat_id });
    expect(contents(page.messages)).toEqual(["The minutes", "See above"]);
    const reread = outboxOf({ client: client(back.ws, ana.token), store: fileOutboxStore(path) });
    await reread.ready;
    expect(reread.items()).toEqual([]);
  });

  it("takes back a message whose file is still uploading: nothing is sent", async () => {
    const api = await server();
    const ana = await signUp(suite.runtime, api, "Ana");
    const bob = await signUp(suite.runtime, api, "Bob");
    const anaClient = client(api.ws, ana.token);
    const record = recorder();
    const outbox = outboxOf({ client: anaClient, onUpdate: record.onUpdate });
    const big = new TextEncoder().encode("x".repeat(12 * 1024 * 1024));
    const item = outbox.enqueue({
      to: { receiver_id: bob.id },
      message: { message_type: "document" },
      file: { body: big, kind: "document", mime_type: "text/plain", file_name: "big.txt" },
    });
    await eventually(() => (record.last.get(item.client_msg_id)?.progress?.loaded ?? 0) > 0);
    outbox.remove(item.client_msg_id);
    await outbox.idle();
    expect(outbox.items()).toEqual([]);
    expect(record.states.get(item.client_msg_id)).toEqual(["queued", "uploading"]);
    // Bob has no chat with Ana at all: nothing was sent.
    expect(await client(api.ws, bob.token).chat.findWith.query({ user_id: ana.id })).toBeNull();
  });
});
