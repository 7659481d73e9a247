import { beforeAll, describe, expect, it } from "vitest";

import { generateAccountKey, type AccountKey } from "./account";
import { bytesEqual, fromUtf8, toHex, utf8 } from "./bytes";
import { Conversation, CryptoError, inspectMessage, readKeyPackage, type TrustPolicy } from "./conversation";
import { createDeviceKeys, generateKeyPackage, type DeviceKeys, type GeneratedKeyPackage } from "./device";

/** Trust on first use, as a client keeps it: the first key seen for a user is pinned. */
function pinningTrust(): TrustPolicy & { pins: Map<number, string> } {
  const pins = new Map<number, string>();
  return {
    pins,
    isTrustedAccountKey(userId, key) {
      const pinned = pins.get(userId);
      if (pinned === undefined) pins.set(userId, toHex(key));
      return Promise.resolve(pinned === undefined || pinned === toHex(key));
    },
  };
}

interface TestDevice {
  keys: DeviceKeys;
  trust: ReturnType<typeof pinningTrust>;
  packages: Map<string, GeneratedKeyPackage>;
}

async function device(account: AccountKey, userId: number): Promise<TestDevice> {
  return { keys: await createDeviceKeys(account, userId), trust: pinningTrust(), packages: new Map() };
}

async function publish(d: TestDevice): Promise<Uint8Array> {
  const generated = await generateKeyPackage(d.keys);
  d.packages.set(generated.ref, generated);
  return generated.keyPackage;
}

const join = (d: TestDevice, welcome: Uint8Array) =>
  Conversation.join(welcome, (ref) => Promise.resolve(d.packages.get(ref)), d.trust);

async function expectCryptoError(promise: Promise<unknown>, code: CryptoError["code"]) {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe(code);
}

const ALICE = 1;
const BOB = 2;
let aliceAccount: AccountKey;
let bobAccount: AccountKey;

beforeAll(async () => {
  [aliceAccount, bobAccount] = await Promise.all([generateAccountKey(), generateAccountKey()]);
});

/** Alice's phone creates the chat and adds her laptop and Bob's phone in one commit. */
async function threeDevices() {
  const [alicePhone, aliceLaptop, bobPhone] = await Promise.all([
    device(aliceAccount, ALICE),
    device(aliceAccount, ALICE),
    device(bobAccount, BOB),
  ]);
  const a = await Conversation.create(alicePhone.keys, utf8("chat-1"), alicePhone.trust);
  const staged = await a.stageAdd([await publish(aliceLaptop), await publish(bobPhone)]);
  expect(staged.welcomedRefs).toHaveLength(2);
  a.merge(staged);
  if (!staged.welcome) throw new Error("an add commit comes with a Welcome");
  const laptop = await join(aliceLaptop, staged.welcome);
  const b = await join(bobPhone, staged.welcome);
  return { a, laptop, b, devices: { alicePhone, aliceLaptop, bobPhone } };
}

describe("a conversation of three devices", () => {
  it("agrees on one epoch and decrypts each message on every other device, naming its sender", async () => {
    const { a, laptop, b } = await threeDevices();
    expect(b.epoch).toBe(1n);
    expect(bytesEqual(a.epochAuthenticator, b.epochAuthenticator)).toBe(true);
    expect(bytesEqual(a.epochAuthenticator, laptop.epochAuthenticator)).toBe(true);
    expect(b.members().map((member) => member.userId)).toEqual([ALICE, ALICE, BOB]);

    const hello = await a.encrypt(utf8("hello, Bob 👋"));
    expect(toHex(hello)).not.toContain(toHex(utf8("hello")));
    for (const receiver of [b, laptop]) {
      const received = await receiver.receive(hello);
      expect(received.kind).toBe("application");
      if (received.kind !== "application") return;
      expect(fromUtf8(received.plaintext)).toBe("hello, Bob 👋");
      expect(received.sender.userId).toBe(ALICE);
      expect(bytesEqual(received.sender.accountPublicKey, aliceAccount.publicKey)).toBe(true);
    }
    const reply = await b.receive(await b.encrypt(utf8("unused"))).catch((error: unknown) => error);
    // A sender cannot open its own ciphertext: MLS deletes the key once used.
    expect(reply).toBeInstanceOf(CryptoError);
    const back = await a.receive(await b.encrypt(utf8("hi Alice")));
    expect(back.kind === "application" && fromUtf8(back.plaintext)).toBe("hi Alice");
    expect(back.kind === "application" && back.sender.userId).toBe(BOB);
  });

  it("refuses a tampered message and a replayed one, and the next message still decrypts", async () => {
    const { a, b } = await threeDevices();
    const first = await a.encrypt(utf8("first"));
    const tampered = first.slice();
    tampered[tampered.length - 5] = (tampered.at(-5) ?? 0) ^ 0x01;
    await expectCryptoError(b.receive(tampered), "undecryptable");
    expect(fromUtf8(((await b.receive(first)) as { plaintext: Uint8Array }).plaintext)).toBe("first");
    await expectCryptoError(b.receive(first), "undecryptable");
    const second = await a.receive(await b.encrypt(utf8("second"))).then(async () => a.encrypt(utf8("third")));
    expect(fromUtf8(((await b.receive(second)) as { plaintext: Uint8Array }).plaintext)).toBe("third");
  });

  it("shuts a removed device out: it cannot read what follows, even handed the ciphertext", async () => {
    const { a, laptop, b } = await threeDevices();
    const removal = await a.stageRemove((member) => member.userId === BOB);
    a.merge(removal);
    expect(await laptop.receive(removal.commit)).toEqual({ kind: "commit", epoch: 2n, removedSelf: false });
    const removed = await b.receive(removal.commit);
    expect(removed).toMatchObject({ kind: "commit", removedSelf: true });
    expect(b.isActive).toBe(false);

    const secret = await a.encrypt(utf8("after Bob left"));
    const onLaptop = await laptop.receive(secret);
    expect(onLaptop.kind === "application" && fromUtf8(onLaptop.plaintext)).toBe("after Bob left");
    await expect(b.receive(secret)).rejects.toBeInstanceOf(CryptoError);
    await expectCryptoError(b.encrypt(utf8("still here?")), "removed");
  });

  it("lets one of two racing commits win; the loser applies the winner's and commits again", async () => {
    const { a, laptop, b } = await threeDevices();
    const fromA = await a.stageUpdate();
    const fromB = await b.stageUpdate();
    // The delivery service accepted A's commit first, at epoch 1.
    a.merge(fromA);
    await laptop.receive(fromA.commit);
    await b.receive(fromA.commit);
    expect(() => b.merge(fromB)).toThrow(CryptoError);
    const retry = await b.stageUpdate();
    expect(retry.epoch).toBe(2n);
    b.merge(retry);
    await a.receive(retry.commit);
    await laptop.receive(retry.commit);
    expect(bytesEqual(a.epochAuthenticator, b.epochAuthenticator)).toBe(true);
    // A commit from a past epoch is refused as stale, not applied.
    await expectCryptoError(laptop.receive(fromB.commit), "stale_epoch");
  });

  it("survives a save and a restore on every side", async () => {
    const { a, b, devices } = await threeDevices();
    const restoredA = Conversation.restore(a.save(), devices.alicePhone.trust);
    const restoredB = Conversation.restore(b.save(), devices.bobPhone.trust);
    const received = await restoredB.receive(await restoredA.encrypt(utf8("after a reload")));
    expect(received.kind === "application" && fromUtf8(received.plaintext)).toBe("after a reload");
    expect(() => Conversation.restore(utf8("garbage"), devices.bobPhone.trust)).toThrow(CryptoError);
  });

  it("decrypts a message from the epoch before a commit that arrives after it", async () => {
    const { a, laptop, b } = await threeDevices();
    const early = await a.encrypt(utf8("sent at epoch 1"));
    const update = await laptop.stageUpdate();
    laptop.merge(update);
    await a.receive(update.commit);
    await b.receive(update.commit);
    const late = await b.receive(early);
    expect(late.kind === "application" && late.epoch).toBe(1n);
  });
});

describe("a device the server injects", () => {
  it("is refused when offered as a key package, and when another member commits it", async () => {
    const { a, b } = await threeDevices();
    // The server mints a device for Bob under a key of its own.
    const forged = await device(await generateAccountKey(), BOB);
    await expectCryptoError(a.stageAdd([await publish(forged)]), "untrusted");

    // A member whose client trusts anything commits it: everyone else refuses the commit.
    const gullible = { isTrustedAccountKey: () => Promise.resolve(true) };
    const lax = Conversation.restore(a.save(), gullible);
    const staged = await lax.stageAdd([await publish(forged)]);
    await expectCryptoError(b.receive(staged.commit), "untrusted");
    expect(b.epoch).toBe(1n);
  });

  it("is refused when its certificate was made for another signature key", async () => {
    const stolen = await device(bobAccount, BOB);
    const thief = await device(aliceAccount, ALICE);
    // A credential copied from a real device onto a key the server holds.
    thief.keys = { ...thief.keys, credential: stolen.keys.credential };
    const a = await Conversation.create((await device(aliceAccount, ALICE)).keys, utf8("chat-2"), pinningTrust());
    await expectCryptoError(a.stageAdd([await publish(thief)]), "untrusted");
  });
});

describe("what the delivery service reads", () => {
  it("is the frame (kind, group, epoch) and nothing of the content; garbage is malformed", async () => {
    const { a } = await threeDevices();
    const frame = inspectMessage(await a.encrypt(utf8("private")));
    expect(frame.kind).toBe("application");
    expect(frame.epoch).toBe(1n);
    expect(frame.groupId && fromUtf8(frame.groupId)).toBe("chat-1");
    expect(inspectMessage((await a.stageUpdate()).commit).kind).toBe("commit");
    expect(() => inspectMessage(utf8("not mls at all"))).toThrow(CryptoError);
    const message = await a.encrypt(utf8("x"));
    expect(() => inspectMessage(new Uint8Array([...message, 0]))).toThrow(CryptoError);
  });
});

describe("a published key package, as the server checks it", () => {
  it("names its device and ref, and a forged or damaged one is refused", async () => {
    const phone = await device(aliceAccount, ALICE);
    const generated = await generateKeyPackage(phone.keys);
    const info = await readKeyPackage(generated.keyPackage);
    expect(info.ref).toBe(generated.ref);
    expect(info.credential.userId).toBe(ALICE);
    expect(bytesEqual(info.signaturePublicKey, phone.keys.signaturePublicKey)).toBe(true);

    const damaged = generated.keyPackage.slice();
    damaged[damaged.length - 1] = (damaged.at(-1) ?? 0) ^ 1;
    await expectCryptoError(readKeyPackage(damaged), "untrusted");
    await expectCryptoError(readKeyPackage(utf8("nope")), "malformed");
    const thief = await device(aliceAccount, ALICE);
    thief.keys = { ...thief.keys, credential: (await device(bobAccount, BOB)).keys.credential };
    await expectCryptoError(readKeyPackage((await generateKeyPackage(thief.keys)).keyPackage), "untrusted");
  });
});
