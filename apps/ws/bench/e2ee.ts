/**
 * pnpm bench:e2ee — what end-to-end encryption costs.
 *
 * 1. On a device (this process, no server): making an MLS group of N devices (the commit that
 *    adds N-1 of them, and its Welcome), joining from that Welcome, removing one device and
 *    adding one, each in ms and bytes; encrypting and opening a message. Baseline, same run: one
 *    AES-128-GCM seal of the same message, the least any encryption costs.
 * 2. Through the server (its own process, scaled shape): one person sends to another, one message
 *    after the other, encrypted (the SDK's encrypted client) and, as the baseline, in plaintext
 *    (message.send): send→delivered p50/p99 and messages/s. Then a group of `--group` members:
 *    one encrypted message fanned out to every member's device, against a plaintext group message.
 */
import { parseArgs } from "node:util";

import {
  Conversation,
  createDeviceKeys,
  generateAccountKey,
  generateKeyPackage,
  utf8,
  type DeviceKeys,
  type GeneratedKeyPackage,
  type TrustPolicy,
} from "@parley/crypto";
import {
  createEncryptedClient,
  createParleyClient,
  memoryKeyStore,
  type EncryptedClient,
  type ParleyClient,
} from "@parley/sdk/node";

import { ms, percentile, signUpUsers, type BenchUser } from "./load";
import { startScaled } from "./servers";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "2,16,64,256" },
    messages: { type: "string", default: "200" },
    group: { type: "string", default: "32" },
    "group-messages": { type: "string", default: "50" },
    port: { type: "string", default: "4313" },
  },
});
const sizes = (values.sizes ?? "").split(",").map(Number);
const messageCount = Number(values.messages);
const groupSize = Number(values.group);
const groupMessages = Number(values["group-messages"]);
const TEXT = "A message of about the length people send, with a little more to it: 100 bytes or so, say.";

// A subscription is live only once the server has it: one started "from now" just before the first
// send can miss it. Every stream here replays its user's log from the start instead.
const FROM_THE_START = "0";
const LOST_AFTER_MS = 15_000;
const trustAll: TrustPolicy = { isTrustedAccountKey: () => Promise.resolve(true) };
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

type Member = { keys: DeviceKeys; packages: Map<string, GeneratedKeyPackage> };

async function member(userId: number): Promise<Member & { keyPackage: GeneratedKeyPackage }> {
  const keys = await createDeviceKeys(await generateAccountKey(), userId);
  const keyPackage = await generateKeyPackage(keys);
  return { keys, keyPackage, packages: new Map([[keyPackage.ref, keyPackage]]) };
}

async function deviceCosts() {
  process.stdout.write("\n== On one device (no server)\n");
  process.stdout.write(
    "members | add all: ms, commit, welcome | join: ms | remove one: ms, commit | add one: ms, commit | encrypt | open\n",
  );
  const key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]);
  const plaintext = utf8(TEXT);
  const [, aesMs] = await timed(async () => {
    for (let i = 0; i < 1000; i++) {
      await crypto.subtle.encrypt({ name: "AES-GCM", iv: crypto.getRandomValues(new Uint8Array(12)) }, key, plaintext);
    }
  });

  for (const size of sizes) {
    const members = await Promise.all(Array.from({ length: size }, (_, index) => member(index + 1)));
    const [creator, joiner] = members;
    if (!creator || !joiner) throw new Error("a group needs two members");
    const conversation = await Conversation.create(creator.keys, crypto.getRandomValues(new Uint8Array(32)), trustAll);
    const [added, addMs] = await timed(() =>
      conversation.stageAdd(members.slice(1).map((item) => item.keyPackage.keyPackage)),
    );
    conversation.merge(added);
    const [joined, joinMs] = await timed(() =>
      Conversation.join(
        added.welcome ?? new Uint8Array(),
        (ref) => Promise.resolve(joiner.packages.get(ref)),
        trustAll,
      ),
    );
    // One device more, then that one out again: the group is back to its size.
    const newcomer = await member(size + 1);
    const [addition, addOneMs] = await timed(() => conversation.stageAdd([newcomer.keyPackage.keyPackage]));
    conversation.merge(addition);
    await joined.receive(addition.commit);
    const leaving = newcomer.keys.signaturePublicKey;
    const [removal, removeMs] = await timed(() =>
      conversation.stageRemove((item) => item.signaturePublicKey.every((byte, index) => byte === leaving[index])),
    );
    conversation.merge(removal);
    await joined.receive(removal.commit);

    const rounds = 200;
    const ciphertexts: Uint8Array[] = [];
    const [, encryptMs] = await timed(async () => {
      for (let i = 0; i < rounds; i++) ciphertexts.push(await conversation.encrypt(plaintext));
    });
    const [, openMs] = await timed(async () => {
      for (const ciphertext of ciphertexts) await joined.receive(ciphertext);
    });
    process.stdout.write(
      `${String(size).padStart(7)} | ${ms(addMs)}, ${kib(added.commit.length)}, ${kib(added.welcome?.length ?? 0)}` +
        ` | ${ms(joinMs)} | ${ms(removeMs)}, ${kib(removal.commit.length)}` +
        ` | ${ms(addOneMs)}, ${kib(addition.commit.length)}` +
        ` | ${ms(encryptMs / rounds)} (${ciphertexts[0]?.length ?? 0} B) | ${ms(openMs / rounds)}\n`,
    );
  }
  process.stdout.write(`baseline: AES-128-GCM seal of the same ${plaintext.length} B: ${ms(aesMs / 1000)}\n`);
}

type Pair = { sender: ParleyClient; receiver: ParleyClient; senderUser: BenchUser; receiverUser: BenchUser };

/** Sends `count` messages one after the other; resolves each send→delivered latency. */
async function oneAfterAnother(
  count: number,
  send: (index: number) => Promise<void>,
  delivered: Map<number, () => void>,
) {
  const latencies: number[] = [];
  let lost = 0;
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const at = performance.now();
    const arrived = new Promise<boolean>((resolve) => {
      delivered.set(index, () => resolve(true));
      setTimeout(() => resolve(false), LOST_AFTER_MS);
    });
    await send(index);
    if (await arrived) latencies.push(performance.now() - at);
    else lost++;
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), rate: count / seconds, lost };
}

const indexOf = (text: string) => Number(/#(\d+)$/.exec(text)?.[1] ?? -1);

async function throughServer() {
  const server = await startScaled(Number(values.port));
  const clients: ParleyClient[] = [];
  const connect = (user: BenchUser) => {
    const client = createParleyClient({ url: server.wsUrl, token: user.token });
    clients.push(client);
    return client;
  };
  try {
    const users = await signUpUsers(server.wsUrl, 4 + groupSize);
    const [a, b, c, d] = users as [BenchUser, BenchUser, BenchUser, BenchUser];
    const tie = async (from: ParleyClient, to: BenchUser[]) =>
      from.contact.import.mutate({
        contacts: to.map((user, i) => ({ phone_number: user.phone_number, name: `P${i}` })),
      });

    process.stdout.write(`\n== Through the server (scaled shape): ${messageCount} messages, one after another\n`);
    // Encrypted: a → b.
    const encrypted: Pair = { sender: connect(a), receiver: connect(b), senderUser: a, receiverUser: b };
    await tie(encrypted.sender, [b]);
    const encryptedDelivered = new Map<number, () => void>();
    const sender = await createEncryptedClient({
      client: encrypted.sender,
      userId: a.id,
      store: memoryKeyStore(),
      deviceName: "Bench",
    });
    const receiver = await createEncryptedClient({
      client: encrypted.receiver,
      userId: b.id,
      store: memoryKeyStore(),
      deviceName: "Bench",
    });
    const live = receiver.client.subscribe({
      lastEventId: FROM_THE_START,
      onMessage: (message) => {
        if (message.state === "opened" && message.body.type === "text") {
          encryptedDelivered.get(indexOf(message.body.content))?.();
        }
      },
    });
    const { chat_id } = await sender.client.startChat(b.id);
    const e2ee = await oneAfterAnother(
      messageCount,
      async (index) => void (await sender.client.sendText({ chat_id }, `${TEXT} #${index}`)),
      encryptedDelivered,
    );
    live.unsubscribe();

    // Plaintext: c → d, the same text through message.send.
    const plain: Pair = { sender: connect(c), receiver: connect(d), senderUser: c, receiverUser: d };
    await tie(plain.sender, [d]);
    const plainDelivered = new Map<number, () => void>();
    const plainLive = plain.receiver.subscribeEvents({
      selfUserId: d.id,
      lastEventId: FROM_THE_START,
      onEvent: (event) => {
        if (event.type === "new_message" && event.message.content)
          plainDelivered.get(indexOf(event.message.content))?.();
      },
    });
    const baseline = await oneAfterAnother(
      messageCount,
      async (index) =>
        void (await plain.sender.message.send.mutate({
          receiver_id: d.id,
          message_type: "text",
          content: `${TEXT} #${index}`,
          client_msg_id: crypto.randomUUID(),
        })),
      plainDelivered,
    );
    plainLive.unsubscribe();
    process.stdout.write(
      `encrypted (1:1): p50 ${ms(e2ee.p50)}, p99 ${ms(e2ee.p99)}, ${e2ee.rate.toFixed(0)} msg/s, lost ${e2ee.lost}\n` +
        `baseline plaintext: p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}, ${baseline.rate.toFixed(0)} msg/s, lost ${baseline.lost}\n`,
    );

    await groupFanOut(users.slice(4), connect);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.stop();
  }
}

/** One message to a group of `members.length`, until every other member's device has it. */
async function groupFanOut(members: BenchUser[], connect: (user: BenchUser) => ParleyClient) {
  const [owner, ...others] = members;
  if (!owner) return;
  process.stdout.write(`\n== A group of ${members.length}: ${groupMessages} messages, each until all have it\n`);
  const apis = members.map(connect);
  const ownerApi = apis[0] as ParleyClient;
  await ownerApi.contact.import.mutate({
    contacts: others.map((user, i) => ({ phone_number: user.phone_number, name: `M${i}` })),
  });
  const devices: EncryptedClient[] = [];
  for (const [index, user] of members.entries()) {
    devices.push(
      (
        await createEncryptedClient({
          client: apis[index] as ParleyClient,
          userId: user.id,
          store: memoryKeyStore(),
          deviceName: "Bench",
        })
      ).client,
    );
  }
  const measure = async (
    subscribe: (arrived: (index: number) => void) => () => void,
    send: (index: number) => Promise<void>,
  ) => {
    const counts = new Map<number, number>();
    const waiting = new Map<number, () => void>();
    const unsubscribe = subscribe((index) => {
      const count = (counts.get(index) ?? 0) + 1;
      counts.set(index, count);
      if (count === others.length) waiting.get(index)?.();
    });
    const result = await oneAfterAnother(groupMessages, send, waiting);
    unsubscribe();
    return result;
  };

  const encryptedGroup = await ownerApi.group.create.mutate({ name: "Encrypted", member_ids: others.map((u) => u.id) });
  const [, startMs] = await timed(() => (devices[0] as EncryptedClient).encryptGroup(encryptedGroup.id));
  const e2ee = await measure(
    (arrived) => {
      const subs = devices.slice(1).map((device) =>
        device.subscribe({
          lastEventId: FROM_THE_START,
          onMessage: (message) => {
            if (message.state === "opened" && message.body.type === "text") arrived(indexOf(message.body.content));
          },
        }),
      );
      return () => subs.forEach((sub) => sub.unsubscribe());
    },
    async (index) =>
      void (await (devices[0] as EncryptedClient).sendText({ group_id: encryptedGroup.id }, `${TEXT} #${index}`)),
  );

  const plainGroup = await ownerApi.group.create.mutate({ name: "Plain", member_ids: others.map((u) => u.id) });
  const baseline = await measure(
    (arrived) => {
      const subs = apis.slice(1).map((api, i) =>
        api.subscribeEvents({
          selfUserId: others[i]?.id,
          lastEventId: FROM_THE_START,
          onEvent: (event) => {
            if (event.type === "new_group_message" && event.message.group_id === plainGroup.id && event.message.content)
              arrived(indexOf(event.message.content));
          },
        }),
      );
      return () => subs.forEach((sub) => sub.unsubscribe());
    },
    async (index) =>
      void (await ownerApi.message.sendGroup.mutate({
        group_id: plainGroup.id,
        message_type: "text",
        content: `${TEXT} #${index}`,
        client_msg_id: crypto.randomUUID(),
      })),
  );
  process.stdout.write(
    `turning encryption on (commit adding ${others.length} devices, through the server): ${ms(startMs)}\n` +
      `encrypted: until all ${others.length} opened it p50 ${ms(e2ee.p50)}, p99 ${ms(e2ee.p99)}, lost ${e2ee.lost}\n` +
      `baseline plaintext: until all ${others.length} had it p50 ${ms(baseline.p50)}, p99 ${ms(baseline.p99)}, lost ${baseline.lost}\n`,
  );
}

await deviceCosts();
await throughServer();
process.exit(0);
