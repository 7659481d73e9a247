import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  Conversation,
  CryptoError,
  createDeviceKeys,
  fromBase64,
  fromUtf8,
  generateAccountKey,
  generateKeyPackage,
  toBase64,
  utf8,
  type AccountKey,
  type DeviceKeys,
  type GeneratedKeyPackage,
  type StagedCommit,
  type TrustPolicy,
} from "@parley/crypto";
import { schema } from "@parley/db";
import { createUploadInput } from "@parley/validators";

import { createTestRuntime, eventsOf, makeUser, trpcError, type TestRuntime, type TestShape } from "../test";
import { blockUser } from "./blocks";
import { sendChatMessage, listMessages } from "./chat-messages";
import * as devices from "./devices";
import * as e2ee from "./e2ee";
import { sendGroupMessage } from "./group-messages";
import { createGroup, leaveGroup } from "./groups";
import { createUpload } from "./media/media";
import { editMessage, react } from "./message-actions";
import { createSession, type SessionAuth } from "./session";

const trustEveryone: TrustPolicy = { isTrustedAccountKey: () => Promise.resolve(true) };

/** One signed-in device with real MLS keys, as the SDK will hold it. */
interface Device {
  userId: number;
  session: SessionAuth;
  id: string;
  keys: DeviceKeys;
  packages: Map<string, GeneratedKeyPackage>;
  conversation?: Conversation;
}

describe.each<TestShape>(["scaled", "embedded"])("the MLS delivery service on the %s shape", (shape) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
  });
  afterAll(() => runtime.close());

  const accounts = new Map<number, AccountKey>();

  async function device(userId: number, name = "Phone"): Promise<Device> {
    const { sessionId } = await runtime.db.transaction((tx) =>
      createSession(runtime, tx, userId, { ipAddress: null, userAgent: "test" }),
    );
    const session = { userId, sessionId };
    const account = accounts.get(userId) ?? (await generateAccountKey());
    accounts.set(userId, account);
    const keys = await createDeviceKeys(account, userId);
    const registered = await devices.registerDevice(runtime, session, {
      name,
      signature_public_key: toBase64(keys.signaturePublicKey),
      account_public_key: toBase64(account.publicKey),
      certificate: toBase64(keys.credential.certificate),
    });
    const made: Device = { userId, session, id: registered.id, keys, packages: new Map() };
    const generated = await Promise.all([1, 2, 3].map(() => generateKeyPackage(keys)));
    for (const item of generated) made.packages.set(item.ref, item);
    await devices.publishKeyPackages(runtime, session, {
      key_packages: generated.map((item) => toBase64(item.keyPackage)),
    });
    return made;
  }

  /** Claims the key packages of these people's devices (and the claimer's other ones) and stages their add. */
  async function stageAddOf(by: Device, conversation: Conversation, userIds: number[]) {
    const claimed = await devices.claimKeyPackages(runtime, by.session, userIds);
    const staged = await conversation.stageAdd(claimed.key_packages.map((item) => fromBase64(item.key_package)));
    return { staged, deviceIds: claimed.key_packages.map((item) => item.device_id) };
  }

  async function joinFromWelcome(joiner: Device) {
    const { welcomes } = await e2ee.pendingWelcomes(runtime, joiner.session);
    const welcome = welcomes.at(-1);
    if (!welcome) throw new Error("no Welcome for this device");
    joiner.conversation = await Conversation.join(
      fromBase64(welcome.welcome),
      (ref) => Promise.resolve(joiner.packages.get(ref)),
      trustEveryone,
    );
    await e2ee.takeWelcome(runtime, joiner.session, welcome.id);
    return welcome;
  }

  /** What a device hands e2ee.start: the group it made, and the commit welcoming the others. */
  const startInput = (
    target: { receiver_id: number } | { group_id: number },
    conversation: Conversation,
    staged: StagedCommit,
    deviceIds: string[],
  ) => ({
    ...target,
    client_msg_id: crypto.randomUUID(),
    mls_group_id: toBase64(conversation.groupId),
    commit: toBase64(staged.commit),
    welcome: toBase64(staged.welcome ?? new Uint8Array()),
    welcome_device_ids: deviceIds,
  });

  async function startChat(from: Device, receiverId: number) {
    const conversation = await Conversation.create(
      from.keys,
      crypto.getRandomValues(new Uint8Array(32)),
      trustEveryone,
    );
    from.conversation = conversation;
    const { staged, deviceIds } = await stageAddOf(from, conversation, [receiverId, from.userId]);
    const sent = await e2ee.startEncryption(
      runtime,
      from.session,
      startInput({ receiver_id: receiverId }, conversation, staged, deviceIds),
    );
    conversation.merge(staged);
    return sent;
  }

  async function say(from: Device, target: { chat_id?: number; group_id?: number }, text: string) {
    const ciphertext = await (from.conversation as Conversation).encrypt(utf8(text));
    return {
      ciphertext,
      sent: await e2ee.sendEncrypted(runtime, from.session, {
        ...target,
        client_msg_id: crypto.randomUUID(),
        message: toBase64(ciphertext),
        added_device_ids: [],
        removed_device_ids: [],
      }),
    };
  }

  async function commit(
    from: Device,
    target: { chat_id?: number; group_id?: number },
    staged: StagedCommit,
    change: { added?: string[]; removed?: string[] } = {},
  ) {
    const sent = await e2ee.sendEncrypted(runtime, from.session, {
      ...target,
      client_msg_id: crypto.randomUUID(),
      message: toBase64(staged.commit),
      welcome: staged.welcome ? toBase64(staged.welcome) : undefined,
      added_device_ids: change.added ?? [],
      removed_device_ids: change.removed ?? [],
    });
    (from.conversation as Conversation).merge(staged);
    return sent;
  }

  /** What a member's device does with a message from the conversation's history. */
  async function read(reader: Device, ciphertext: string | null) {
    const received = await (reader.conversation as Conversation).receive(fromBase64(ciphertext ?? ""));
    return received.kind === "application" ? fromUtf8(received.plaintext) : received.kind;
  }

  it("starts an encrypted chat, delivers ciphertext in seq order that only the devices read, and refuses plaintext", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    const anaPhone = await device(ana);
    const [benPhone, benLaptop] = [await device(ben), await device(ben, "Laptop")];

    const started = await startChat(anaPhone, ben);
    expect(started).toMatchObject({ seq: 1, kind: "commit", epoch: 1 });
    const chatId = started.chat_id ?? 0;
    for (const joiner of [benPhone, benLaptop]) expect((await joinFromWelcome(joiner)).seq).toBe(1);
    // A Welcome is handed to the devices it is for only, and once taken it is gone.
    expect((await e2ee.pendingWelcomes(runtime, benPhone.session)).welcomes).toEqual([]);
    expect((await trpcError(e2ee.welcomeById(runtime, anaPhone.session, 1))).code).toBe("NOT_FOUND");

    const { sent } = await say(anaPhone, { chat_id: chatId }, "the secret is 4417");
    expect(sent).toMatchObject({ seq: 2, kind: "application", epoch: 1 });
    const history = await listMessages(runtime, ben, { chat_id: chatId, after_seq: 0, limit: 50 });
    expect(history.messages.map((m) => [m.seq, m.message_type, m.content, m.encrypted?.kind])).toEqual([
      [1, "encrypted", null, "commit"],
      [2, "encrypted", null, "application"],
    ]);
    const stored = history.messages[1]?.encrypted?.ciphertext ?? null;
    for (const reader of [benPhone, benLaptop]) expect(await read(reader, stored)).toBe("the secret is 4417");

    // Nothing the server keeps holds the words. (A bare "4417" can turn up in a UUID or base64 by
    // chance; with the space before it, it can't.)
    const rows = await runtime.db.select().from(schema.messages);
    expect(JSON.stringify(rows)).not.toContain("is 4417");

    // Plaintext can't go into an encrypted chat, nor can the server edit or react for a device.
    const plaintext = await trpcError(
      sendChatMessage(runtime, ana, {
        receiver_id: ben,
        message_type: "text",
        content: "in the clear",
        client_msg_id: crypto.randomUUID(),
      }),
    );
    expect(plaintext.code).toBe("PRECONDITION_FAILED");
    const messageId = sent.id;
    expect((await trpcError(editMessage(runtime, ana, { message_id: messageId, content: "x" }))).code).toBe(
      "BAD_REQUEST",
    );
    expect((await trpcError(react(runtime, ben, { message_id: messageId, emoji: "👍" }))).code).toBe("BAD_REQUEST");

    // Starting it again is refused: the chat is encrypted for good.
    expect((await trpcError(startChat(await device(ana, "Tablet"), ben))).code).toBe("CONFLICT");
  });

  it("accepts one of two racing commits; the other device catches up and retries at the new epoch", async () => {
    const [cam, dee] = [await makeUser(runtime, "Cam"), await makeUser(runtime, "Dee")];
    const [camPhone, deePhone] = [await device(cam), await device(dee)];
    const chatId = (await startChat(camPhone, dee)).chat_id ?? 0;
    await joinFromWelcome(deePhone);
    const target = { chat_id: chatId };

    const [camUpdate, deeUpdate] = [
      await (camPhone.conversation as Conversation).stageUpdate(),
      await (deePhone.conversation as Conversation).stageUpdate(),
    ];
    expect((await commit(deePhone, target, deeUpdate)).epoch).toBe(2);
    const lost = await trpcError(commit(camPhone, target, camUpdate));
    expect(lost.code).toBe("CONFLICT");
    // An application message at the old epoch is refused the same way.
    expect((await trpcError(say(camPhone, target, "too early"))).code).toBe("CONFLICT");

    const page = await listMessages(runtime, cam, { chat_id: chatId, after_seq: 1, limit: 10 });
    expect(await read(camPhone, page.messages[0]?.encrypted?.ciphertext ?? null)).toBe("commit");
    const { sent } = await say(camPhone, target, "now at epoch two");
    expect(sent.epoch).toBe(2);
    const latest = await listMessages(runtime, dee, { chat_id: chatId, after_seq: sent.seq - 1, limit: 1 });
    expect(await read(deePhone, latest.messages[0]?.encrypted?.ciphertext ?? null)).toBe("now at epoch two");
  });

  it("refuses malformed, misaddressed, oversized and retried-but-different messages with clear errors", async () => {
    const [eve, fay] = [await makeUser(runtime, "Eve"), await makeUser(runtime, "Fay")];
    const [evePhone, fayPhone] = [await device(eve), await device(fay)];
    const chatId = (await startChat(evePhone, fay)).chat_id ?? 0;
    await joinFromWelcome(fayPhone);
    const send = (message: string, clientMsgId: string = crypto.randomUUID()) =>
      e2ee.sendEncrypted(runtime, evePhone.session, {
        chat_id: chatId,
        client_msg_id: clientMsgId,
        message,
        added_device_ids: [],
        removed_device_ids: [],
      });

    expect((await trpcError(send(toBase64(utf8("not mls at all"))))).code).toBe("BAD_REQUEST");
    const elsewhere = await Conversation.create(
      evePhone.keys,
      crypto.getRandomValues(new Uint8Array(32)),
      trustEveryone,
    );
    expect((await trpcError(send(toBase64(await elsewhere.encrypt(utf8("hi")))))).code).toBe("BAD_REQUEST");
    const huge = await (evePhone.conversation as Conversation).encrypt(new Uint8Array(70_000));
    expect((await trpcError(send(toBase64(huge)))).code).toBe("PAYLOAD_TOO_LARGE");

    const clientMsgId = crypto.randomUUID();
    const once = toBase64(await (evePhone.conversation as Conversation).encrypt(utf8("once")));
    const first = await send(once, clientMsgId);
    expect(await send(once, clientMsgId)).toEqual(first);
    const other = toBase64(await (evePhone.conversation as Conversation).encrypt(utf8("other")));
    expect((await trpcError(send(other, clientMsgId))).code).toBe("CONFLICT");

    // A device the group doesn't hold can't send into it, even one of a member.
    const fayLaptop = await device(fay, "Laptop");
    fayLaptop.conversation = elsewhere;
    const fromLaptop = await trpcError(
      e2ee.sendEncrypted(runtime, fayLaptop.session, {
        chat_id: chatId,
        client_msg_id: crypto.randomUUID(),
        message: once,
        added_device_ids: [],
        removed_device_ids: [],
      }),
    );
    expect(fromLaptop.code).toBe("FORBIDDEN");
    // And someone outside the chat learns nothing of it.
    const stranger = await device(await makeUser(runtime, "Gil"));
    expect((await trpcError(e2ee.encryptionState(runtime, stranger.session, { chat_id: chatId }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("adds a new device by commit, and cuts a removed one off: it can't read what follows", async () => {
    const [hal, ivy] = [await makeUser(runtime, "Hal"), await makeUser(runtime, "Ivy")];
    const [halPhone, ivyPhone] = [await device(hal), await device(ivy)];
    const chatId = (await startChat(halPhone, ivy)).chat_id ?? 0;
    await joinFromWelcome(ivyPhone);
    const target = { chat_id: chatId };
    const latest = async (userId: number) =>
      (await listMessages(runtime, userId, { chat_id: chatId, limit: 1 })).messages[0]?.encrypted?.ciphertext ?? null;

    // Ivy signs in on a laptop: the chat lists it as missing, and Hal's phone commits it in.
    const ivyLaptop = await device(ivy, "Laptop");
    const state = await e2ee.encryptionState(runtime, halPhone.session, target);
    expect(state.devices.find((item) => item.device_id === ivyLaptop.id)).toMatchObject({ in_group: false });
    const claimed = await devices.claimKeyPackages(runtime, halPhone.session, [ivy]);
    const laptopPackage = claimed.key_packages.find((item) => item.device_id === ivyLaptop.id);
    const addLaptop = await (halPhone.conversation as Conversation).stageAdd([
      fromBase64(laptopPackage?.key_package ?? ""),
    ]);
    // The commit must say which devices it welcomes.
    expect((await trpcError(commit(halPhone, target, addLaptop, { added: [ivyPhone.id] }))).code).toBe("CONFLICT");
    await commit(halPhone, target, addLaptop, { added: [ivyLaptop.id] });
    expect(await read(ivyPhone, await latest(ivy))).toBe("commit");
    await joinFromWelcome(ivyLaptop);
    await say(halPhone, target, "welcome, laptop");
    const welcomed = await latest(ivy);
    expect(await read(ivyLaptop, welcomed)).toBe("welcome, laptop");
    expect(await read(ivyPhone, welcomed)).toBe("welcome, laptop");

    // Ivy unlinks the laptop: nobody may talk until a member commits it out.
    await devices.removeDevice(runtime, ivyPhone.session, ivyLaptop.id);
    expect((await e2ee.encryptionState(runtime, halPhone.session, target)).devices).toContainEqual({
      device_id: ivyLaptop.id,
      user_id: ivy,
      signature_public_key: toBase64(ivyLaptop.keys.signaturePublicKey),
      in_group: true,
      must_remove: true,
    });
    expect((await trpcError(say(halPhone, target, "too soon"))).code).toBe("PRECONDITION_FAILED");
    const removal = await (halPhone.conversation as Conversation).stageRemove(
      (member) => toBase64(member.signaturePublicKey) === toBase64(ivyLaptop.keys.signaturePublicKey),
    );
    await commit(halPhone, target, removal, { removed: [ivyLaptop.id] });
    const removalCommit = await latest(ivy);
    expect(await read(ivyPhone, removalCommit)).toBe("commit");
    expect(await read(ivyLaptop, removalCommit)).toBe("commit");
    expect((ivyLaptop.conversation as Conversation).isActive).toBe(false);

    await say(halPhone, target, "laptop must not see this");
    const ciphertext = await latest(ivy);
    expect(await read(ivyPhone, ciphertext)).toBe("laptop must not see this");
    // Handed the real ciphertext, the removed device still can't open it.
    await expect(read(ivyLaptop, ciphertext)).rejects.toBeInstanceOf(CryptoError);
  });

  it("tells the people in a person's encrypted conversations when that person links or removes a device", async () => {
    const [ana, ben, cam] = [
      await makeUser(runtime, "Ana"),
      await makeUser(runtime, "Ben"),
      await makeUser(runtime, "Cam"),
    ];
    const anaPhone = await device(ana);
    await device(ben);
    await device(cam);
    await startChat(anaPhone, ben);
    const changed = async (userId: number) =>
      (await eventsOf(runtime, userId))
        .filter((stored) => stored.event.type === "devices_changed")
        .map((stored) => stored.event);
    const benLaptop = await device(ben, "Laptop");
    // Ana shares an encrypted chat with Ben, and Ben's own devices hear too; Cam shares nothing with him.
    expect(await changed(ana)).toContainEqual({ type: "devices_changed", user_id: ben });
    expect(await changed(ben)).toContainEqual({ type: "devices_changed", user_id: ben });
    expect((await changed(cam)).filter((event) => "user_id" in event && event.user_id === ben)).toEqual([]);
    const before = (await changed(ana)).length;
    await devices.removeDevice(runtime, benLaptop.session, benLaptop.id);
    expect((await changed(ana)).length).toBe(before + 1);
  });

  it("refuses an encrypted message across a block, as it does a plaintext one", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    const anaPhone = await device(ana);
    await device(ben);
    const started = await startChat(anaPhone, ben);
    await blockUser(runtime, ben, ana);
    const refused = await trpcError(say(anaPhone, { chat_id: started.chat_id ?? 0 }, "let me explain"));
    expect(refused).toMatchObject({ code: "FORBIDDEN", message: "You can't send messages to this person." });
  });

  it("takes a file into an encrypted chat (files are not encrypted yet), its caption only inside the ciphertext", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    const anaPhone = await device(ana);
    await device(ben);
    const started = await startChat(anaPhone, ben);
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#0000ff" } })
      .png()
      .toBuffer();
    async function uploaded() {
      const input = createUploadInput.parse({ kind: "image", mime_type: "image/png", size: photo.length });
      const ticket = await createUpload(runtime, ana, input);
      // What the client's PUT to the upload URL does.
      await runtime.media.write(`uploads/${ticket.media_id}`, photo, "image/png");
      return ticket.media_id;
    }
    const photoTo = async (content?: string) =>
      sendChatMessage(runtime, ana, {
        receiver_id: ben,
        message_type: "image",
        media_id: await uploaded(),
        ...(content ? { content } : {}),
        client_msg_id: crypto.randomUUID(),
      });
    expect((await trpcError(photoTo("our cat"))).code).toBe("PRECONDITION_FAILED");
    expect(await photoTo()).toMatchObject({ seq: 2, message_type: "image", content: null, encrypted: null });

    // Or the file rides on an encrypted message, which holds its caption.
    const ciphertext = await (anaPhone.conversation as Conversation).encrypt(utf8("our cat"));
    const withFile = {
      chat_id: started.chat_id ?? 0,
      message: toBase64(ciphertext),
      added_device_ids: [],
      removed_device_ids: [],
      media_id: await uploaded(),
    };
    const sent = await e2ee.sendEncrypted(runtime, anaPhone.session, {
      ...withFile,
      client_msg_id: crypto.randomUUID(),
    });
    const [listed] = (await listMessages(runtime, ben, { chat_id: sent.chat_id ?? 0, after_seq: 2, limit: 1 }))
      .messages;
    expect(listed).toMatchObject({ message_type: "encrypted", content: null, media: { kind: "image" } });
    expect(JSON.stringify(listed)).not.toContain("our cat");
  });

  it("encrypts a group: plaintext is refused, and a member who leaves is committed out before anyone talks", async () => {
    const [jo, kim, lee] = [
      await makeUser(runtime, "Jo"),
      await makeUser(runtime, "Kim"),
      await makeUser(runtime, "Lee"),
    ];
    const [joPhone, kimPhone, leePhone] = [await device(jo), await device(kim), await device(lee)];
    const group = await createGroup(runtime, jo, { name: "Trio", member_ids: [kim, lee] });
    const conversation = await Conversation.create(
      joPhone.keys,
      crypto.getRandomValues(new Uint8Array(32)),
      trustEveryone,
    );
    joPhone.conversation = conversation;
    const { staged, deviceIds } = await stageAddOf(joPhone, conversation, [kim, lee]);
    // Only an admin turns encryption on.
    expect(
      (
        await trpcError(
          e2ee.startEncryption(
            runtime,
            kimPhone.session,
            startInput({ group_id: group.id }, conversation, staged, deviceIds),
          ),
        )
      ).code,
    ).toBe("FORBIDDEN");
    const started = await e2ee.startEncryption(
      runtime,
      joPhone.session,
      startInput({ group_id: group.id }, conversation, staged, deviceIds),
    );
    conversation.merge(staged);
    expect(started).toMatchObject({ group_id: group.id, kind: "commit", epoch: 1 });
    for (const member of [kimPhone, leePhone]) await joinFromWelcome(member);
    const target = { group_id: group.id };

    const plaintext = await trpcError(
      sendGroupMessage(runtime, kim, {
        group_id: group.id,
        message_type: "text",
        content: "in the clear",
        client_msg_id: crypto.randomUUID(),
      }),
    );
    expect(plaintext.code).toBe("PRECONDITION_FAILED");
    const { sent, ciphertext } = await say(kimPhone, target, "hello trio");
    expect(sent.seq).toBe(started.seq + 1);
    for (const reader of [joPhone, leePhone]) expect(await read(reader, toBase64(ciphertext))).toBe("hello trio");

    // Lee leaves: the group holds Lee's device until a member commits it out.
    await leaveGroup(runtime, lee, group.id);
    expect((await trpcError(say(kimPhone, target, "too soon"))).code).toBe("PRECONDITION_FAILED");
    const removal = await (kimPhone.conversation as Conversation).stageRemove((member) => member.userId === lee);
    const removed = await commit(kimPhone, target, removal, { removed: [leePhone.id] });
    expect(await read(joPhone, toBase64(removal.commit))).toBe("commit");
    expect(removed.epoch).toBe(2);
    const { ciphertext: secret } = await say(joPhone, target, "lee is gone");
    expect(await read(kimPhone, toBase64(secret))).toBe("lee is gone");
    const attempt = toBase64(await (leePhone.conversation as Conversation).encrypt(utf8("still here?")));
    await read(leePhone, toBase64(removal.commit));
    await expect(read(leePhone, toBase64(secret))).rejects.toBeInstanceOf(CryptoError);
    // Lee is no longer a member, so the server refuses Lee's device anything further.
    const refused = await trpcError(
      e2ee.sendEncrypted(runtime, leePhone.session, {
        ...target,
        client_msg_id: crypto.randomUUID(),
        message: attempt,
        added_device_ids: [],
        removed_device_ids: [],
      }),
    );
    expect(refused.code).toBe("FORBIDDEN");
  });
});
