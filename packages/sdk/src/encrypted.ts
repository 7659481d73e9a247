import {
  Conversation,
  CryptoError,
  createDeviceKeys,
  fromBase64,
  fromUtf8,
  generateAccountKey,
  generateKeyPackage,
  generateRecoveryKey,
  openAccountKey,
  RecoveryKeyError,
  safetyNumber,
  sealAccountKey,
  toBase64,
  utf8,
  type AccountKey,
  type DeviceKeys,
  type GeneratedKeyPackage,
  type SafetyNumber,
  type StagedCommit,
  type TrustPolicy,
} from "@parley/crypto";
import {
  encryptedBodySchema,
  KEY_PACKAGE_TARGET,
  type EncryptedBody,
  type EncryptionState,
  type GroupMessageOutput,
  type MessageOutput,
  type ParleyEvent,
} from "@parley/validators";

import type { ParleyClient } from "./client";
import { errorCode } from "./errors";
import type { KeyStore } from "./key-store";
import type { LiveOptions, LiveSubscription } from "./live";

/** Someone in the conversation has no device that can read encrypted messages (yet): it stays plaintext. */
export class NotEncryptableError extends Error {
  constructor() {
    super("Not everyone here has a device that can receive encrypted messages yet");
    this.name = "NotEncryptableError";
  }
}

/**
 * This device is not (yet) in the encrypted conversation: a new device waits for another one of
 * the conversation to commit it in, which they do when they hear it was linked.
 */
export class NotInConversationError extends Error {
  constructor(conversation: string) {
    super(`This device is not in ${conversation} yet: another device of the chat adds it shortly`);
    this.name = "NotInConversationError";
  }
}

/** An encrypted conversation: a 1:1 chat or a group. */
export type EncryptedTarget = { chat_id: number } | { group_id: number };

/** A message as this device read it: its place in the conversation, and what it says (or why not). */
export type OpenedMessage = {
  id: number;
  seq: number;
  chat_id: number | null;
  group_id: number | null;
  sender_id: number;
  created_at: string;
} & (
  | {
      state: "opened";
      body: EncryptedBody;
      /** When the sender last edited it (a text), from their edit messages. */
      edited_at: string | null;
      /** Each person's reaction to it, by user id. */
      reactions: Record<string, string>;
    }
  /** Deleted for everyone: its plaintext is gone from this device too. */
  | { state: "deleted" }
  /** Sent by a client newer than this one, in a kind this one does not know. */
  | { state: "unsupported" }
  /** Could not be opened on this device (tampered, replayed, sent before it joined). */
  | { state: "undecryptable"; reason: string }
);

export type EncryptedClientOptions = {
  client: ParleyClient;
  /** The signed-in user (from `auth.verifyOtp` / `user.me`). */
  userId: number;
  store: KeyStore;
  /** How this device is listed on the user's other devices. */
  deviceName: string;
  /** Restores the account key on a new device of an account that has one. */
  recoveryKey?: string;
  /**
   * Someone's account key is not the one this device pinned: their messages and devices are refused
   * until `acceptIdentity` says the new key is theirs (compare safety numbers first).
   */
  onIdentityChange?: (userId: number) => void;
};

export type SendOptions = {
  /** Your own UUID for the message (an outbox's), so a retry is not sent twice. */
  clientMsgId?: string;
  /** An uploaded file the message carries (files are not encrypted yet; a `file` body holds its caption). */
  mediaId?: string;
};

/** A body to send; its version is filled in. */
export type EncryptedBodyInput = EncryptedBody extends infer B
  ? B extends EncryptedBody
    ? Omit<B, "v">
    : never
  : never;

export type EncryptedLiveOptions = Omit<LiveOptions, "onEvent"> & {
  /**
   * Every encrypted message, opened, in seq order per conversation; your own sends included. An
   * edit or a reaction comes with `changed`: the message it changed, as it reads now.
   */
  onMessage: (message: OpenedMessage, changed: OpenedMessage | null) => void;
  /** Every other event, as `subscribeEvents` gives it. */
  onEvent?: LiveOptions["onEvent"];
};

export type EncryptedClient = {
  /** This device's id on the server. */
  readonly deviceId: string;
  /** Turns encryption on for a 1:1 chat with this person (made if new); the answer is the chat. */
  startChat(receiverId: number): Promise<{ chat_id: number }>;
  /** Turns encryption on for a group you are an admin of. */
  encryptGroup(groupId: number): Promise<void>;
  /**
   * Encrypts and sends a message (a text, a place, or an edit of or reaction to an earlier one):
   * devices added and removed first, retried across a racing commit.
   */
  send(target: EncryptedTarget, body: EncryptedBodyInput, options?: SendOptions): Promise<OpenedMessage>;
  sendText(target: EncryptedTarget, text: string): Promise<OpenedMessage>;
  /** Commits departed devices out and new ones in now (after a membership change), not at the next send. */
  syncDevices(target: EncryptedTarget): Promise<void>;
  /** The message at `seq` as this device has it now (its edits and reactions applied). */
  read(target: EncryptedTarget, seq: number): Promise<OpenedMessage | null>;
  /** Opens a message from the server (history page or live), fetching any it skipped first. */
  open(message: MessageOutput | GroupMessageOutput): Promise<OpenedMessage | null>;
  /** Reads the conversation up to the server's newest message. */
  sync(target: EncryptedTarget): Promise<void>;
  /** What this device opened of a conversation, oldest first: messages, not the edits and reactions folded into them. */
  history(target: EncryptedTarget): Promise<OpenedMessage[]>;
  /** Joins every conversation a Welcome waits for. */
  acceptWelcomes(): Promise<void>;
  /** The newest message this device read that is one to show (not an edit or reaction), for a chat list. */
  latest(target: EncryptedTarget): Promise<OpenedMessage | null>;
  /** Live events with encrypted messages opened. */
  subscribe(options: EncryptedLiveOptions): LiveSubscription;
  /**
   * What `subscribe` does with one event, for an app that runs its own live stream (call it in
   * event order): opens an encrypted message (with the message an edit or reaction changed),
   * joins from a Welcome for this device, forgets a deleted message. Null when it opened nothing.
   */
  receive(event: ParleyEvent): Promise<{ message: OpenedMessage; changed: OpenedMessage | null } | null>;
  /** The 60 digits both people compare; null until this device has seen their key. */
  safetyNumber(userId: number): Promise<SafetyNumber | null>;
  /** Marks the person verified (after comparing safety numbers). */
  markVerified(userId: number): Promise<void>;
  isVerified(userId: number): Promise<boolean>;
  /** Whether a new account key of theirs waits for `acceptIdentity` (their new devices are refused until then). */
  hasIdentityChanged(userId: number): Promise<boolean>;
  /** Trusts a person's new account key (their identity changed); clears verification. */
  acceptIdentity(userId: number): Promise<void>;
};

// ---- what the store holds (all JSON, byte fields in base64) -------------------------------------

type StoredAccount = { publicKey: string; signKey: string };
type StoredDevice = {
  id: string;
  signaturePublicKey: string;
  signKey: string;
  credential: { userId: number; accountPublicKey: string; certificate: string };
  lastResortRef: string;
};
type StoredKeyPackage = { keyPackage: string; privateKeys: string };
type StoredPin = { key: string; verified: boolean; pending?: string };
type StoredConversation = { state: string; readSeq: number };
type StoredMessage = OpenedMessage | { seq: number; state: "handshake" };
type StoredPlace = { conversation: string; seq: number };

const KEYS = {
  account: "account",
  device: "device",
  keyPackage: (ref: string) => `kp/${ref}`,
  pin: (userId: number) => `pin/${userId}`,
};

/**
 * What one device holds of its conversations. Named by the device: after a logout and login the
 * browser is a new device (a new MLS leaf), and the old one's group states must not be used.
 */
const deviceKeys = (deviceId: string) => ({
  conversation: (conversation: string) => `${deviceId}/conv/${conversation}`,
  message: (conversation: string, seq: number) => `${deviceId}/msg/${conversation}/${seq}`,
  /** Where a message id is (delete events name the id). */
  place: (messageId: number) => `${deviceId}/mid/${messageId}`,
  /** Every conversation the device is in, to bring a linked or removed device into each. */
  conversations: `${deviceId}/conversations`,
});

const encodeJson = (value: unknown) => utf8(JSON.stringify(value));

async function readJson<T>(store: KeyStore, key: string): Promise<T | undefined> {
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(fromUtf8(bytes)) as T) : undefined;
}
const writeJson = (store: KeyStore, key: string, value: unknown) => store.set(key, encodeJson(value));

/** An edit or a reaction: a change to the message it names, not a message to show. */
export const isChange = (
  message: OpenedMessage,
): message is OpenedMessage & { state: "opened"; body: { type: "edit" | "reaction"; target_seq: number } } =>
  message.state === "opened" && (message.body.type === "edit" || message.body.type === "reaction");

const conversationKey = (target: EncryptedTarget) =>
  "chat_id" in target ? `chat:${target.chat_id}` : `group:${target.group_id}`;

/** The conversation a server message belongs to, as encrypted sends and reads name it. */
export const encryptedTargetOf = (message: MessageOutput | GroupMessageOutput): EncryptedTarget =>
  "group_id" in message ? { group_id: message.group_id } : { chat_id: message.chat_id };

// Devices hearing of a linked or removed device spread their commits over this long.
const DEVICE_SYNC_SPREAD_MS = 1_500;
// A commit may race another member's: the loser catches up and tries again, a few times.
const MAX_COMMIT_RACES = 5;
const PAGE = 200;

/**
 * Makes this signed-in session an encrypted device (account key, device key, key packages) or
 * opens the one it already is, and returns the client that sends and opens encrypted messages.
 * `recoveryKey` in the answer is set once, when this call made the account's key: show it to the
 * person, who needs it to bring the account to a new device.
 */
export async function createEncryptedClient(
  options: EncryptedClientOptions,
): Promise<{ client: EncryptedClient; recoveryKey: string | null }> {
  const { client: api, store, userId } = options;

  // ---- trust: pin each person's account key the first time, refuse a different one after ----
  const trust: TrustPolicy = {
    async isTrustedAccountKey(owner, accountPublicKey) {
      const key = toBase64(accountPublicKey);
      const pin = await readJson<StoredPin>(store, KEYS.pin(owner));
      if (!pin) {
        await writeJson(store, KEYS.pin(owner), { key, verified: false } satisfies StoredPin);
        return true;
      }
      if (pin.key === key) return true;
      if (pin.pending !== key) await writeJson(store, KEYS.pin(owner), { ...pin, pending: key } satisfies StoredPin);
      // Each time, not only the first: an app that restarted shows the notice again.
      options.onIdentityChange?.(owner);
      return false;
    },
  };

  // ---- the account and this device ----
  let recoveryKey: string | null = null;
  let device = await readJson<StoredDevice>(store, KEYS.device);
  let account = await loadAccount();
  // A device kept from a session that ended (logged out, signed in again) is not this session's.
  if (device && !(await api.device.list.query()).devices.some((item) => item.is_current && item.id === device?.id)) {
    device = undefined;
  }
  if (!device) device = await registerDevice();
  const keys: DeviceKeys = {
    signaturePublicKey: fromBase64(device.signaturePublicKey),
    signKey: fromBase64(device.signKey),
    credential: {
      userId,
      accountPublicKey: fromBase64(device.credential.accountPublicKey),
      certificate: fromBase64(device.credential.certificate),
    },
  };
  const deviceId = device.id;
  const lastResortRef = device.lastResortRef;
  const K = deviceKeys(deviceId);

  async function loadAccount(): Promise<AccountKey | undefined> {
    const stored = await readJson<StoredAccount>(store, KEYS.account);
    return stored && { publicKey: fromBase64(stored.publicKey), signKey: fromBase64(stored.signKey) };
  }

  async function registerDevice(): Promise<StoredDevice> {
    let sealed: string | undefined;
    if (!account) {
      const { sealed_account_key: existing } = await api.device.sealedAccountKey.query();
      if (existing) {
        if (!options.recoveryKey) {
          throw new RecoveryKeyError(
            "This account's encryption is set up on another device: enter the recovery key you were given there.",
          );
        }
        // A mistyped or wrong key is a RecoveryKeyError too, with what was wrong.
        account = await openAccountKey(fromBase64(existing), options.recoveryKey, userId);
      } else {
        account = await generateAccountKey();
        recoveryKey = generateRecoveryKey();
        sealed = toBase64(await sealAccountKey(account, recoveryKey, userId));
      }
      await writeJson(store, KEYS.account, {
        publicKey: toBase64(account.publicKey),
        signKey: toBase64(account.signKey),
      } satisfies StoredAccount);
    }
    // Our own account key is pinned from the start: no one else's can pass as ours.
    await writeJson(store, KEYS.pin(userId), { key: toBase64(account.publicKey), verified: true } satisfies StoredPin);
    const made = await createDeviceKeys(account, userId);
    const registered = await api.device.register.mutate({
      name: options.deviceName,
      signature_public_key: toBase64(made.signaturePublicKey),
      account_public_key: toBase64(account.publicKey),
      certificate: toBase64(made.credential.certificate),
      sealed_account_key: sealed,
    });
    const lastResort = await generateKeyPackage(made);
    await keepKeyPackage(lastResort);
    const stored: StoredDevice = {
      id: registered.id,
      signaturePublicKey: toBase64(made.signaturePublicKey),
      signKey: toBase64(made.signKey),
      credential: {
        userId,
        accountPublicKey: toBase64(made.credential.accountPublicKey),
        certificate: toBase64(made.credential.certificate),
      },
      lastResortRef: lastResort.ref,
    };
    await writeJson(store, KEYS.device, stored);
    await api.device.publishKeyPackages.mutate({ key_packages: [], last_resort: toBase64(lastResort.keyPackage) });
    return stored;
  }

  function keepKeyPackage(item: GeneratedKeyPackage) {
    return writeJson(store, KEYS.keyPackage(item.ref), {
      keyPackage: toBase64(item.keyPackage),
      privateKeys: toBase64(item.privateKeys),
    } satisfies StoredKeyPackage);
  }

  /** Keeps KEY_PACKAGE_TARGET one-time key packages published, their private halves in the store. */
  async function topUpKeyPackages() {
    const { unused } = await api.device.keyPackageCount.query();
    if (unused >= KEY_PACKAGE_TARGET / 2) return;
    const made = await Promise.all(Array.from({ length: KEY_PACKAGE_TARGET - unused }, () => generateKeyPackage(keys)));
    // Private halves first: a package handed out before its half is stored could never be joined with.
    for (const item of made) await keepKeyPackage(item);
    await api.device.publishKeyPackages.mutate({ key_packages: made.map((item) => toBase64(item.keyPackage)) });
  }
  await topUpKeyPackages();

  // ---- conversations: one queue each, so messages are read in seq order exactly once ----
  const queues = new Map<string, Promise<unknown>>();
  function serially<T>(conversation: string, work: () => Promise<T>): Promise<T> {
    const run = (queues.get(conversation) ?? Promise.resolve()).then(work, work);
    queues.set(
      conversation,
      run.catch(() => {}),
    );
    return run;
  }

  type Loaded = { conversation: Conversation; readSeq: number };
  const loaded = new Map<string, Loaded>();

  async function load(conversation: string): Promise<Loaded | undefined> {
    const cached = loaded.get(conversation);
    if (cached) return cached;
    const stored = await readJson<StoredConversation>(store, K.conversation(conversation));
    if (!stored) return undefined;
    const opened = { conversation: Conversation.restore(fromBase64(stored.state), trust), readSeq: stored.readSeq };
    loaded.set(conversation, opened);
    return opened;
  }

  let known: Set<string> | null = null;
  async function knownConversations(): Promise<Set<string>> {
    known ??= new Set(await readJson<string[]>(store, K.conversations));
    return known;
  }

  async function save(conversation: string, state: Loaded) {
    const conversations = await knownConversations();
    if (!conversations.has(conversation)) {
      conversations.add(conversation);
      await writeJson(store, K.conversations, [...conversations]);
    }
    loaded.set(conversation, state);
    await writeJson(store, K.conversation(conversation), {
      state: toBase64(state.conversation.save()),
      readSeq: state.readSeq,
    } satisfies StoredConversation);
  }

  const fetchAfter = (target: EncryptedTarget, afterSeq: number) =>
    "chat_id" in target
      ? api.message.list.query({ chat_id: target.chat_id, after_seq: afterSeq, limit: PAGE })
      : api.message.listGroup.query({ group_id: target.group_id, after_seq: afterSeq, limit: PAGE });

  /** Reads the conversation's messages after what this device read, up to `untilSeq`. */
  async function readUpTo(target: EncryptedTarget, state: Loaded, untilSeq: number) {
    while (state.readSeq < untilSeq) {
      const page = await fetchAfter(target, state.readSeq);
      const wanted = page.messages.filter((message) => message.seq > state.readSeq && message.seq <= untilSeq);
      for (const message of wanted) await readOne(target, state, message);
      // Deleted-for-me messages never come back: past the page, nothing more is there to read.
      if (page.next_cursor === null || wanted.length === 0) {
        if (state.readSeq < untilSeq) {
          state.readSeq = untilSeq;
          await save(conversationKey(target), state);
        }
        return;
      }
    }
  }

  const placeOf = (message: MessageOutput | GroupMessageOutput) => ({
    id: message.id,
    seq: message.seq,
    chat_id: "chat_id" in message ? message.chat_id : null,
    group_id: "group_id" in message ? message.group_id : null,
    sender_id: message.sender_id,
    created_at: message.created_at,
  });

  /** Reads the message right after what this device read: opens it or applies its commit. */
  async function readOne(target: EncryptedTarget, state: Loaded, message: MessageOutput | GroupMessageOutput) {
    const conversation = conversationKey(target);
    const key = K.message(conversation, message.seq);
    // Our own sends (and commits) were kept when the server took them: MLS can't open them again.
    // A plaintext message (a file, until files are encrypted) is read as the server has it.
    if (message.message_type === "encrypted" && !(await store.get(key))) {
      if (message.encrypted?.ciphertext) await keep(conversation, await receiveOne(state.conversation, message));
      else await writeJson(store, key, { ...placeOf(message), state: "deleted" } satisfies StoredMessage);
    }
    state.readSeq = message.seq;
    await save(conversation, state);
  }

  async function receiveOne(conversation: Conversation, message: MessageOutput | GroupMessageOutput) {
    const place = placeOf(message);
    try {
      const received = await conversation.receive(fromBase64(message.encrypted?.ciphertext ?? ""));
      if (received.kind !== "application") return { seq: message.seq, state: "handshake" } satisfies StoredMessage;
      if (received.sender.userId !== message.sender_id) {
        return { ...place, state: "undecryptable", reason: "the sender is not who the server says" } as const;
      }
      let json: unknown;
      try {
        json = JSON.parse(fromUtf8(received.plaintext));
      } catch {
        return { ...place, state: "undecryptable", reason: "not a Parley message" } as const;
      }
      const body = encryptedBodySchema.safeParse(json);
      return body.success
        ? ({ ...place, state: "opened", body: body.data, edited_at: null, reactions: {} } as const)
        : ({ ...place, state: "unsupported" } as const);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      return { ...place, state: "undecryptable", reason: error.message } as const;
    }
  }

  const readStored = (conversation: string, seq: number) =>
    readJson<StoredMessage>(store, K.message(conversation, seq));

  /** Stores what a device read (or sent), and folds an edit or a reaction into the message it names. */
  async function keep(conversation: string, message: StoredMessage) {
    await writeJson(store, K.message(conversation, message.seq), message);
    if (message.state === "handshake") return;
    await writeJson(store, K.place(message.id), { conversation, seq: message.seq } satisfies StoredPlace);
    if (message.state !== "opened") return;
    const { body } = message;
    if (body.type !== "edit" && body.type !== "reaction") return;
    const target = await readStored(conversation, body.target_seq);
    if (target?.state !== "opened" || isChange(target)) return;
    if (body.type === "edit") {
      // Only the sender edits, and only a text.
      if (target.sender_id !== message.sender_id || target.body.type !== "text") return;
      target.body = { ...target.body, content: body.content };
      target.edited_at = message.created_at;
    } else if (body.emoji === null) {
      delete target.reactions[String(message.sender_id)];
    } else {
      target.reactions[String(message.sender_id)] = body.emoji;
    }
    await writeJson(store, K.message(conversation, target.seq), target);
  }

  /** Deleted (for everyone, or for me): the plaintext goes from this device; its place stays. */
  async function forget(messageId: number) {
    const place = await readJson<StoredPlace>(store, K.place(messageId));
    const stored = place && (await readStored(place.conversation, place.seq));
    if (!place || !stored || stored.state === "handshake" || stored.state === "deleted") return;
    const { id, seq, chat_id, group_id, sender_id, created_at } = stored;
    await writeJson(store, K.message(place.conversation, seq), {
      ...{ id, seq, chat_id, group_id, sender_id, created_at },
      state: "deleted",
    } satisfies StoredMessage);
  }

  async function requireConversation(target: EncryptedTarget): Promise<Loaded> {
    const conversation = conversationKey(target);
    let state = await load(conversation);
    if (!state) {
      await acceptWelcomes();
      state = await load(conversation);
    }
    if (!state) throw new NotInConversationError(conversation);
    return state;
  }

  async function openMessage(message: MessageOutput | GroupMessageOutput): Promise<OpenedMessage | null> {
    if (message.message_type !== "encrypted") return null;
    const target = encryptedTargetOf(message);
    const conversation = conversationKey(target);
    return serially(conversation, async () => {
      const state = (await load(conversation)) ?? (await acceptWelcomes().then(() => load(conversation)));
      if (!state) return null;
      if (message.seq > state.readSeq + 1) await readUpTo(target, state, message.seq - 1);
      if (message.seq === state.readSeq + 1) await readOne(target, state, message);
      if (message.is_deleted) await forget(message.id);
      const stored = await readStored(conversation, message.seq);
      return stored && stored.state !== "handshake" ? stored : null;
    });
  }

  // ---- joining ----
  // One pass at a time: a live mls_welcome and a send into a new conversation both come here.
  const acceptWelcomes = () => serially("welcomes", joinWelcomes);

  async function joinWelcomes() {
    const { welcomes } = await api.e2ee.welcomes.query();
    for (const welcome of welcomes) {
      const target: EncryptedTarget =
        welcome.chat_id !== null ? { chat_id: welcome.chat_id } : { group_id: welcome.group_id ?? 0 };
      const conversation = conversationKey(target);
      const used: string[] = [];
      try {
        const joined = await Conversation.join(
          fromBase64(welcome.welcome),
          async (ref) => {
            const stored = await readJson<StoredKeyPackage>(store, KEYS.keyPackage(ref));
            if (stored) used.push(ref);
            return stored && { keyPackage: fromBase64(stored.keyPackage), privateKeys: fromBase64(stored.privateKeys) };
          },
          trust,
        );
        const existing = await load(conversation);
        // A newer Welcome (the device was committed out and back in) replaces the old group.
        if (!existing || existing.readSeq < welcome.seq) {
          await save(conversation, { conversation: joined, readSeq: welcome.seq });
        }
      } catch (error) {
        // A Welcome this device can't open (untrusted member, lost key package) is dropped: the
        // conversation's other devices see it missing and can commit it in again.
        if (!(error instanceof CryptoError)) throw error;
      }
      for (const ref of used) if (ref !== lastResortRef) await store.delete(KEYS.keyPackage(ref));
      await api.e2ee.takeWelcome.mutate({ welcome_id: welcome.id }).catch((error: unknown) => {
        // Taken already (by this device, before a restart): nothing is left to do.
        if (errorCode(error) !== "NOT_FOUND") throw error;
      });
    }
    if (welcomes.length > 0) await topUpKeyPackages();
  }

  // ---- sending ----
  /** Our own commit, kept so reading the conversation later skips it (MLS applied it already). */
  const markHandshake = (conversation: string, seq: number) =>
    writeJson(store, K.message(conversation, seq), { seq, state: "handshake" } satisfies StoredMessage);

  type Sent = Awaited<ReturnType<typeof api.e2ee.send.mutate>>;

  /** Sends one MLS message at the conversation's epoch; a commit is merged once the server took it. */
  async function deliver(
    target: EncryptedTarget,
    state: Loaded,
    message: Uint8Array,
    commit?: { staged: StagedCommit; added: string[]; removed: string[] },
    options: SendOptions = {},
  ): Promise<Sent> {
    const sent = await api.e2ee.send.mutate({
      ...target,
      client_msg_id: options.clientMsgId ?? crypto.randomUUID(),
      ...(options.mediaId ? { media_id: options.mediaId } : {}),
      message: toBase64(message),
      welcome: commit?.staged.welcome ? toBase64(commit.staged.welcome) : undefined,
      added_device_ids: commit?.added ?? [],
      removed_device_ids: commit?.removed ?? [],
    });
    if (commit) {
      state.conversation.merge(commit.staged);
      await markHandshake(conversationKey(target), sent.seq);
      if (sent.seq === state.readSeq + 1) state.readSeq = sent.seq;
      await save(conversationKey(target), state);
    }
    return sent;
  }

  /**
   * Brings the MLS group in line with who may read the conversation: devices that left are
   * committed out, devices that joined are committed in. Answers whether it committed.
   */
  async function reconcile(target: EncryptedTarget, state: Loaded, server: EncryptionState): Promise<boolean> {
    const leaving = server.devices.filter((item) => item.in_group && item.must_remove);
    if (leaving.length > 0) {
      const keys = new Set(leaving.map((item) => item.signature_public_key));
      const staged = await state.conversation.stageRemove((member) => keys.has(toBase64(member.signaturePublicKey)));
      await deliver(target, state, staged.commit, {
        staged,
        added: [],
        removed: leaving.map((item) => item.device_id),
      });
      return true;
    }
    const missing = new Set(server.devices.filter((item) => !item.in_group).map((item) => item.device_id));
    if (missing.size === 0) return false;
    const userIds = [...new Set(server.devices.filter((item) => !item.in_group).map((item) => item.user_id))];
    const claimed = (await api.device.claimKeyPackages.mutate({ user_ids: userIds })).key_packages.filter((item) =>
      missing.has(item.device_id),
    );
    if (claimed.length === 0) return false;
    const staged = await state.conversation.stageAdd(claimed.map((item) => fromBase64(item.key_package)));
    await deliver(target, state, staged.commit, {
      staged,
      added: claimed.map((item) => item.device_id),
      removed: [],
    });
    return true;
  }

  /** Runs `send` at the server's epoch, with the group's devices right; catches up and retries on a race. */
  async function atCurrentEpoch<T>(target: EncryptedTarget, send: (state: Loaded) => Promise<T>): Promise<T> {
    const state = await requireConversation(target);
    for (let attempt = 0; ; attempt++) {
      try {
        const server = await api.e2ee.state.query(target);
        await readUpTo(target, state, server.last_seq);
        if (await reconcile(target, state, server)) continue;
        return await send(state);
      } catch (error) {
        if (errorCode(error) !== "CONFLICT" || attempt >= MAX_COMMIT_RACES) throw error;
      }
    }
  }

  async function send(
    target: EncryptedTarget,
    input: EncryptedBodyInput,
    options: SendOptions = {},
  ): Promise<OpenedMessage> {
    const body = encryptedBodySchema.parse({ ...input, v: 1 });
    const conversation = conversationKey(target);
    return serially(conversation, () =>
      atCurrentEpoch(target, async (state) => {
        const sent = await deliver(
          target,
          state,
          await state.conversation.encrypt(encodeJson(body)),
          undefined,
          options,
        );
        const opened: OpenedMessage = {
          id: sent.id,
          seq: sent.seq,
          chat_id: sent.chat_id,
          group_id: sent.group_id,
          sender_id: userId,
          created_at: sent.created_at,
          state: "opened",
          body,
          edited_at: null,
          reactions: {},
        };
        await keep(conversation, opened);
        // Right after what this device read: read it is (no fetch of our own message later).
        if (sent.seq === state.readSeq + 1) state.readSeq = sent.seq;
        // The sender ratchet moved: keep it, or a restart would reuse a key.
        await save(conversation, state);
        return opened;
      }),
    );
  }

  /** Makes the MLS group alone, then commits in every other device of the conversation. */
  async function start(receiver: { receiver_id: number } | { group_id: number }, memberIds: number[]) {
    const conversation = await Conversation.create(keys, crypto.getRandomValues(new Uint8Array(32)), trust);
    const claimed = await api.device.claimKeyPackages.mutate({ user_ids: memberIds });
    if (claimed.users_without_devices.some((id) => id !== userId)) {
      throw new NotEncryptableError();
    }
    const staged = await conversation.stageAdd(claimed.key_packages.map((item) => fromBase64(item.key_package)));
    const sent = await api.e2ee.start.mutate({
      ...receiver,
      client_msg_id: crypto.randomUUID(),
      mls_group_id: toBase64(conversation.groupId),
      commit: toBase64(staged.commit),
      welcome: toBase64(staged.welcome ?? new Uint8Array()),
      welcome_device_ids: claimed.key_packages.map((item) => item.device_id),
    });
    conversation.merge(staged);
    const target: EncryptedTarget =
      sent.group_id !== null ? { group_id: sent.group_id } : { chat_id: sent.chat_id ?? 0 };
    await markHandshake(conversationKey(target), sent.seq);
    // Whatever came before encryption was plaintext, read the ordinary way.
    await save(conversationKey(target), { conversation, readSeq: sent.seq });
    return target;
  }

  async function pinOf(owner: number) {
    return readJson<StoredPin>(store, KEYS.pin(owner));
  }

  /** Brings every conversation's devices in line with the server (someone linked or removed one). */
  async function syncAllDevices() {
    for (const conversation of await knownConversations()) {
      const [kind, id] = conversation.split(":");
      const target: EncryptedTarget = kind === "group" ? { group_id: Number(id) } : { chat_id: Number(id) };
      await serially(conversation, () => atCurrentEpoch(target, async () => undefined)).catch(() => {
        // Out of that conversation now, or offline: its next send reconciles.
      });
    }
  }

  const client: EncryptedClient = {
    deviceId,
    async startChat(receiverId) {
      const target = await start({ receiver_id: receiverId }, [receiverId, userId]);
      return target as { chat_id: number };
    },
    async encryptGroup(groupId) {
      const { members } = await api.group.get.query({ group_id: groupId });
      await start({ group_id: groupId }, [...new Set([...members.map((member) => member.user_id), userId])]);
    },
    send,
    sendText: (target, text) => send(target, { type: "text", content: text }),
    syncDevices: (target) => serially(conversationKey(target), () => atCurrentEpoch(target, async () => undefined)),
    async read(target, seq) {
      const stored = await readStored(conversationKey(target), seq);
      return stored && stored.state !== "handshake" ? stored : null;
    },
    open: openMessage,
    sync: (target) =>
      serially(conversationKey(target), async () => {
        const state = await requireConversation(target);
        const server = await api.e2ee.state.query(target);
        await readUpTo(target, state, server.last_seq);
      }),
    async history(target) {
      const conversation = conversationKey(target);
      const state = await load(conversation);
      const out: OpenedMessage[] = [];
      for (let seq = 1; state && seq <= state.readSeq; seq++) {
        const stored = await readStored(conversation, seq);
        if (stored && stored.state !== "handshake" && !isChange(stored)) out.push(stored);
      }
      return out;
    },
    acceptWelcomes,
    async latest(target) {
      const conversation = conversationKey(target);
      const state = await load(conversation);
      // A chat's last few entries hold a message unless they are all changes and commits.
      for (let seq = state?.readSeq ?? 0, looked = 0; seq > 0 && looked < PAGE; seq--, looked++) {
        const stored = await readStored(conversation, seq);
        if (stored && stored.state !== "handshake" && !isChange(stored)) return stored;
      }
      return null;
    },
    async receive(event) {
      if (event.type === "mls_welcome") {
        if (event.device_ids.includes(deviceId)) await acceptWelcomes();
        return null;
      }
      if (event.type === "message_deleted" || event.type === "group_message_deleted") {
        await forget(event.message_id);
        return null;
      }
      if (event.type === "devices_changed") {
        // Every device of the conversations hears this: after a random pause most find one of
        // them already committed the change, and commit nothing.
        const pause = Math.random() * DEVICE_SYNC_SPREAD_MS;
        setTimeout(() => void syncAllDevices().catch(() => {}), pause);
        return null;
      }
      if (event.type !== "new_message" && event.type !== "new_group_message") return null;
      const opened = await openMessage(event.message);
      if (!opened) return null;
      const changed = isChange(opened)
        ? await client.read(encryptedTargetOf(event.message), opened.body.target_seq)
        : null;
      return { message: opened, changed };
    },
    subscribe(live) {
      const { onMessage, onEvent, ...rest } = live;
      let delivered = Promise.resolve();
      // One event at a time, in order: a send and its deletion land in that order.
      const deliverInOrder = (work: () => Promise<void>) => {
        delivered = delivered.then(work).catch((error: unknown) => rest.onError?.(error));
      };
      return api.subscribeEvents({
        ...rest,
        selfUserId: userId,
        onEvent: (event: ParleyEvent, id) => {
          deliverInOrder(async () => {
            const opened = await client.receive(event);
            if (opened) onMessage(opened.message, opened.changed);
          });
          const isEncrypted =
            (event.type === "new_message" || event.type === "new_group_message") &&
            event.message.message_type === "encrypted";
          if (!isEncrypted) onEvent?.(event, id);
        },
      });
    },
    async safetyNumber(owner) {
      const [mine, theirs] = [await pinOf(userId), await pinOf(owner)];
      if (!mine || !theirs) return null;
      return safetyNumber(
        { userId, accountPublicKey: fromBase64(mine.key) },
        { userId: owner, accountPublicKey: fromBase64(theirs.key) },
      );
    },
    async markVerified(owner) {
      const pin = await pinOf(owner);
      if (!pin) throw new Error("This device has not seen that person's key yet");
      await writeJson(store, KEYS.pin(owner), { key: pin.key, verified: true } satisfies StoredPin);
    },
    async isVerified(owner) {
      return (await pinOf(owner))?.verified === true;
    },
    async hasIdentityChanged(owner) {
      return (await pinOf(owner))?.pending !== undefined;
    },
    async acceptIdentity(owner) {
      const pin = await pinOf(owner);
      if (!pin?.pending) return;
      await writeJson(store, KEYS.pin(owner), { key: pin.pending, verified: false } satisfies StoredPin);
    },
  };
  return { client, recoveryKey };
}
