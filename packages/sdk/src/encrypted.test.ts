import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { schema } from "@parley/db";

import { createEncryptedClient, type EncryptedClient, type EncryptedTarget, type OpenedMessage } from "./encrypted";
import { memoryKeyStore, type KeyStore } from "./key-store";
import { fileKeyStore } from "./key-store-file";
import { createParleyClient, type ParleyClient } from "./node";
import { eventually, signUp, testSuite, type TestServer, type TestUser } from "./test-server";

const suite = testSuite("parley-keys-");
const { cleanups, server, connect } = suite;
// MLS work on a busy 2-core machine takes far longer than idle: wait generously, assert nothing on time.
const PATIENCE = 30_000;

/** One encrypted device of a user, listening: what it opened, in order. */
async function device(api: ParleyClient, user: TestUser, store: KeyStore, extra: { recoveryKey?: string } = {}) {
  const made = await createEncryptedClient({ client: api, userId: user.id, store, deviceName: "Test", ...extra });
  const opened: OpenedMessage[] = [];
  /** The messages edits and reactions changed, as they read after each change. */
  const changed: OpenedMessage[] = [];
  const subscription = made.client.subscribe({
    onMessage: (message, change) => {
      opened.push(message);
      if (change) changed.push(change);
    },
  });
  cleanups.push(() => subscription.unsubscribe());
  return { ...made, opened, changed, texts: () => texts(opened) };
}

/** What each message says (a text's words), or its state. */
function texts(messages: OpenedMessage[]) {
  return messages.map((m) => (m.state === "opened" && m.body.type === "text" ? m.body.content : m.state));
}

/** A send that waits out a server restart (the WebSocket reconnects on its own). */
async function sendSoon(client: EncryptedClient, target: EncryptedTarget, text: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.sendText(target, text);
    } catch (error) {
      if (attempt > 40) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe("the encrypted client", { timeout: 120_000 }, () => {
  it("lets two people talk end to end across a server restart; the server and the key store hold no plaintext", async () => {
    const api = await server();
    const [ana, ben] = [await signUp(suite.runtime, api, "Ana"), await signUp(suite.runtime, api, "Ben")];
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const benKeys = join(suite.directory, "ben");
    const anaDevice = await device(connect(api.ws, ana.token), ana, memoryKeyStore());
    const benDevice = await device(connect(api.ws, ben.token), ben, await fileKeyStore(benKeys, secret));
    // The account's first device made its key: the recovery key is shown once.
    expect(anaDevice.recoveryKey).toMatch(/^([0-9A-Z]{4}-){11}[0-9A-Z]{4}$/);

    const { chat_id } = await anaDevice.client.startChat(ben.id);
    await anaDevice.client.sendText({ chat_id }, "the door code is 4417");
    await eventually(() => benDevice.texts().includes("the door code is 4417"), PATIENCE);
    await benDevice.client.sendText({ chat_id }, "got it, 4417");
    await eventually(() => anaDevice.texts().includes("got it, 4417"), PATIENCE);
    expect(anaDevice.texts()).toEqual(["the door code is 4417", "got it, 4417"]);

    // Both see the same safety number, from the account keys each pinned on first use.
    const [fromAna, fromBen] = [
      await anaDevice.client.safetyNumber(ben.id),
      await benDevice.client.safetyNumber(ana.id),
    ];
    expect(fromAna?.digits).toMatch(/^[0-9]{60}$/);
    expect(fromAna?.digits).toBe(fromBen?.digits);
    expect(await anaDevice.client.isVerified(ben.id)).toBe(false);
    await anaDevice.client.markVerified(ben.id);
    expect(await anaDevice.client.isVerified(ben.id)).toBe(true);

    // The server goes away and comes back on the same port: the stream resumes, nothing is lost.
    const { port } = api;
    await api.close();
    await server(port);
    await sendSoon(anaDevice.client, { chat_id }, "after the restart");
    await eventually(() => benDevice.texts().includes("after the restart"), PATIENCE);
    expect(benDevice.texts()).toEqual(["the door code is 4417", "got it, 4417", "after the restart"]);

    // Ben's program restarts: the same device comes back from its file store, history and all.
    const benAgain = await createEncryptedClient({
      client: connect(api.ws, ben.token),
      userId: ben.id,
      store: await fileKeyStore(benKeys, secret),
      deviceName: "Test",
    });
    expect(benAgain.client.deviceId).toBe(benDevice.client.deviceId);
    expect(benAgain.recoveryKey).toBeNull();
    expect(texts(await benAgain.client.history({ chat_id }))).toEqual([
      "the door code is 4417",
      "got it, 4417",
      "after the restart",
    ]);
    await anaDevice.client.sendText({ chat_id }, "still there?");
    await benAgain.client.sync({ chat_id });
    expect(texts(await benAgain.client.history({ chat_id })).at(-1)).toBe("still there?");

    // No row the server keeps, and no file of the key store, holds the words. (Each has a space or
    // 7 letters: a bare "4417" can turn up in a UUID or in base64 by chance.)
    const rows = JSON.stringify(await suite.runtime.db.select().from(schema.messages));
    for (const word of ["is 4417", "door code", "restart", "still there"]) expect(rows).not.toContain(word);
    for (const name of await readdir(benKeys)) {
      const bytes = await readFile(join(benKeys, name));
      expect(bytes.toString("latin1")).not.toContain("is 4417");
      expect(bytes.toString("latin1")).not.toContain("signKey");
    }
    // The wrong secret opens none of it.
    const wrong = await fileKeyStore(benKeys, crypto.getRandomValues(new Uint8Array(32)));
    await expect(wrong.get("device")).rejects.toThrow(/does not open/);
  });

  it("brings a new device in with the recovery key, committed in as soon as it is linked, and an unlinked one out", async () => {
    const api = await server();
    const [cam, dee] = [await signUp(suite.runtime, api, "Cam"), await signUp(suite.runtime, api, "Dee")];
    const camDevice = await device(connect(api.ws, cam.token), cam, memoryKeyStore());
    const deePhone = await device(connect(api.ws, dee.token), dee, memoryKeyStore());
    const { chat_id } = await camDevice.client.startChat(dee.id);
    await camDevice.client.sendText({ chat_id }, "one");
    await eventually(() => deePhone.texts().includes("one"), PATIENCE);

    // Dee signs in on a laptop: without the recovery key it can't take the account's key.
    const laptopApi = connect(api.http, (await login(api, dee)).token);
    await expect(
      createEncryptedClient({ client: laptopApi, userId: dee.id, store: memoryKeyStore(), deviceName: "Laptop" }),
    ).rejects.toThrow(/recovery key/);
    const laptopSession = await login(api, dee);
    const deeLaptop = await device(connect(api.ws, laptopSession.token), dee, memoryKeyStore(), {
      recoveryKey: deePhone.recoveryKey ?? "",
    });

    // The chat's devices hear the laptop was linked, and one of them commits it in: the laptop,
    // joined from its Welcome, writes first.
    const phoneApi = connect(api.http, dee.token);
    const isIn = async () =>
      (await phoneApi.e2ee.state.query({ chat_id })).devices.some(
        (item) => item.device_id === deeLaptop.client.deviceId && item.in_group,
      );
    await eventually(isIn, PATIENCE);
    await deeLaptop.client.sendText({ chat_id }, "from the laptop");
    await camDevice.client.sendText({ chat_id }, "two");
    await eventually(() => deeLaptop.texts().includes("two") && deePhone.texts().includes("two"), PATIENCE);
    expect(deeLaptop.texts()).toEqual(["from the laptop", "two"]);
    expect(camDevice.texts()).toEqual(["one", "from the laptop", "two"]);

    // Dee unlinks the laptop: it is committed out, and it can no longer read.
    await phoneApi.device.remove.mutate({ device_id: deeLaptop.client.deviceId });
    await camDevice.client.sendText({ chat_id }, "three");
    await eventually(() => deePhone.texts().includes("three"), PATIENCE);
    const state = await phoneApi.e2ee.state.query({ chat_id });
    expect(state.devices.map((item) => item.device_id)).not.toContain(deeLaptop.client.deviceId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(deeLaptop.texts()).not.toContain("three");
    expect(deePhone.texts()).toEqual(["one", "from the laptop", "two", "three"]);
  });

  it("encrypts a group for all its members' devices", async () => {
    const api = await server();
    const [eve, fay, gil] = [
      await signUp(suite.runtime, api, "Eve"),
      await signUp(suite.runtime, api, "Fay"),
      await signUp(suite.runtime, api, "Gil"),
    ];
    const eveApi = connect(api.ws, eve.token);
    const [eveDevice, fayDevice, gilDevice] = [
      await device(eveApi, eve, memoryKeyStore()),
      await device(connect(api.ws, fay.token), fay, memoryKeyStore()),
      await device(connect(api.ws, gil.token), gil, memoryKeyStore()),
    ];
    const group = await eveApi.group.create.mutate({ name: "Plans", member_ids: [fay.id, gil.id] });
    await eveDevice.client.encryptGroup(group.id);
    await fayDevice.client.sendText({ group_id: group.id }, "hello from fay");
    await gilDevice.client.sendText({ group_id: group.id }, "and gil");
    for (const member of [eveDevice, fayDevice, gilDevice]) {
      await eventually(() => member.texts().includes("and gil") && member.texts().includes("hello from fay"), PATIENCE);
    }
    expect(eveDevice.texts()).toEqual(["hello from fay", "and gil"]);
  });

  it("carries a reply's quote, a place, an edit and reactions inside the ciphertext, and forgets what was deleted", async () => {
    const api = await server();
    const [kim, lou] = [await signUp(suite.runtime, api, "Kim"), await signUp(suite.runtime, api, "Lou")];
    const kimApi = connect(api.ws, kim.token);
    const [kimDevice, louDevice] = [
      await device(kimApi, kim, memoryKeyStore()),
      await device(connect(api.ws, lou.token), lou, memoryKeyStore()),
    ];
    const { chat_id } = await kimDevice.client.startChat(lou.id);
    const target = { chat_id };
    const question = await kimDevice.client.sendText(target, "lunch at noon?");
    await kimDevice.client.send(target, { type: "edit", target_seq: question.seq, content: "lunch at one?" });
    const answer = await louDevice.client.send(target, {
      type: "text",
      content: "yes",
      reply_to: {
        id: question.id,
        sender_id: kim.id,
        message_type: "text",
        content: "lunch at one?",
        location_name: null,
      },
    });
    await louDevice.client.send(target, { type: "reaction", target_seq: question.seq, emoji: "👍" });
    await kimDevice.client.send(target, {
      type: "location",
      location: { latitude: 51.5, longitude: -0.12, name: "Cafe" },
    });
    // Someone else's edit is no edit: only the sender changes their words.
    await louDevice.client.send(target, { type: "edit", target_seq: question.seq, content: "forged" });
    const oops = await kimDevice.client.sendText(target, "oops, wrong chat");
    await kimApi.message.delete.mutate({ message_id: oops.id, for_everyone: true });

    await eventually(async () => (await louDevice.client.read(target, oops.seq))?.state === "deleted", PATIENCE);
    const history = await louDevice.client.history(target);
    expect(texts(history)).toEqual(["lunch at one?", "yes", "opened", "deleted"]);
    const [asked, replied, place] = history;
    expect(asked).toMatchObject({ reactions: { [lou.id]: "👍" } });
    expect(asked?.state === "opened" && typeof asked.edited_at).toBe("string");
    expect(replied).toMatchObject({ id: answer.id, body: { reply_to: { id: question.id, content: "lunch at one?" } } });
    expect(place).toMatchObject({ body: { type: "location", location: { name: "Cafe" } } });
    // Live, each change came with the message as it read after it.
    await eventually(() => louDevice.changed.length >= 3, PATIENCE);
    expect(texts(louDevice.changed)).toEqual(["lunch at one?", "lunch at one?", "lunch at one?"]);
    // The server holds none of it.
    const rows = (
      await suite.runtime.db
        .select({ chatId: schema.messages.chatId, content: schema.messages.content })
        .from(schema.messages)
    ).filter((row) => row.chatId === chat_id);
    expect(rows.length).toBeGreaterThan(7);
    expect(rows.every((row) => row.content === null)).toBe(true);
  });
});

async function login(api: TestServer, user: TestUser) {
  return createParleyClient({ url: api.http }).auth.login.mutate({
    phone_number: user.phone_number,
    password: "password123",
  });
}

describe("the encrypted client against a hostile server or member", { timeout: 120_000 }, () => {
  it("shows a tampered or replayed message as undecryptable, and keeps reading what follows", async () => {
    const api = await server();
    const [hal, ivy] = [await signUp(suite.runtime, api, "Hal"), await signUp(suite.runtime, api, "Ivy")];
    const halApi = connect(api.ws, hal.token);
    const halDevice = await device(halApi, hal, memoryKeyStore());
    // Ivy's device reads history only when asked, as an app coming back does.
    const ivyDevice = await createEncryptedClient({
      client: connect(api.ws, ivy.token),
      userId: ivy.id,
      store: memoryKeyStore(),
      deviceName: "Test",
    });
    const { chat_id } = await halDevice.client.startChat(ivy.id);
    const first = await halDevice.client.sendText({ chat_id }, "first words");
    const [stored] = (await halApi.message.list.query({ chat_id, after_seq: first.seq - 1, limit: 1 })).messages;
    const ciphertext = Uint8Array.from(atob(stored?.encrypted?.ciphertext ?? ""), (char) => char.charCodeAt(0));

    // The same ciphertext again (a replay), then one with a byte of its sealed body flipped.
    const tampered = ciphertext.slice();
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 0x01;
    for (const bytes of [ciphertext, tampered]) {
      await halApi.e2ee.send.mutate({
        chat_id,
        client_msg_id: crypto.randomUUID(),
        message: btoa(String.fromCharCode(...bytes)),
        added_device_ids: [],
        removed_device_ids: [],
      });
    }
    await halDevice.client.sendText({ chat_id }, "after the noise");

    await ivyDevice.client.sync({ chat_id });
    const history = await ivyDevice.client.history({ chat_id });
    expect(history.map((m) => m.state)).toEqual(["opened", "undecryptable", "undecryptable", "opened"]);
    expect(texts(history)).toEqual(["first words", "undecryptable", "undecryptable", "after the noise"]);
    expect(history.every((m) => m.sender_id === hal.id)).toBe(true);
  });
});
