import { TRPCClientError } from "@trpc/client";

import type { GroupMessageOutput, LocationInput, MessageOutput, MessageType } from "@parley/validators";

import type { ParleyClient } from "./client";
import { errorData } from "./errors";
import { UploadError, type UploadMediaOptions, type UploadProgress } from "./media";

/** Whom a message goes to: a person (1:1, `message.send`) or a group (`message.sendGroup`). */
export type OutboxTarget = { receiver_id: number } | { group_id: number };

/** What a message carries, as `message.send` takes it (without its addressing and client_msg_id). */
export type OutboxMessage = {
  message_type?: MessageType;
  content?: string;
  /** Set by the outbox once it has uploaded the item's file. */
  media_id?: string;
  location?: LocationInput;
  reply_to_message_id?: number;
};

/** A file the outbox uploads (`media.createUpload`, the PUT, `media.complete`) before sending its message. */
export type OutboxFile = Omit<UploadMediaOptions, "signal" | "onProgress" | "purpose">;

/** What the store keeps of an item: enough to send it after a reload, exactly once. */
export type OutboxRecord<Meta = unknown> = {
  /** The server keeps the first message sent with this id; every retry (and a reload's) sends the same one. */
  client_msg_id: string;
  to: OutboxTarget;
  message: OutboxMessage;
  /** The file to send; kept after upload (message.media_id then set) so an app can still show it. */
  file: OutboxFile | null;
  /** The app's own data for the item (how to show it again after a reload); stored as it is. */
  meta?: Meta;
  created_at: string;
  /** Place in line: a conversation's items are sent in this order. */
  position: number;
};

/**
 * queued: waiting for its turn (or for the connection); uploading: its file is on the way;
 * sending: `message.send` is out; sent: the server has it (`sent`); failed: refused (`error`).
 */
export type OutboxState = "queued" | "uploading" | "sending" | "sent" | "failed";

export type OutboxItem<Meta = unknown> = Readonly<OutboxRecord<Meta>> & {
  readonly state: OutboxState;
  /** While uploading: how far. */
  readonly progress: UploadProgress | null;
  /** Attempts that failed and were retried (a dropped connection, a server error, a rate limit). */
  readonly attempts: number;
  /** When failed: why (a TRPCClientError, an UploadError). */
  readonly error: unknown;
  /** When failed: whether the file (upload) or the message (send) was refused. */
  readonly failed_in: "upload" | "send" | null;
  /** When sent: the server's message. */
  readonly sent: MessageOutput | GroupMessageOutput | null;
};

/**
 * Where an outbox keeps what it hasn't sent yet, so a reload (or a restarted process) sends it.
 * `memoryOutboxStore()`, `indexedDbOutboxStore(name)` in a browser, `fileOutboxStore(path)` in Node.
 */
export type OutboxStore<Meta = unknown> = {
  load(): Promise<OutboxRecord<Meta>[]>;
  /** Adds or replaces the record with this client_msg_id. */
  put(record: OutboxRecord<Meta>): Promise<void>;
  delete(clientMsgId: string): Promise<void>;
};

export type OutboxOptions<Meta = unknown> = (
  | { client: ParleyClient }
  /** For a client that comes and goes (an app that reconnects with a new one): null means wait. */
  | { getClient: () => ParleyClient | null }
) & {
  /** Where items wait; in memory by default (lost with the process). */
  store?: OutboxStore<Meta>;
  /** Every change of an item: its state, its upload's progress, its media_id once uploaded. */
  onUpdate?: (item: OutboxItem<Meta>) => void;
  /** Items the store still held from before (a reload), called once before any of them is worked on. */
  onRestore?: (items: OutboxItem<Meta>[]) => void;
  /** The wait before retry number `attempt` (1, 2, …); `outboxRetryDelayMs` by default. */
  retryDelayMs?: (attempt: number) => number;
  /** Give up (failed) after this many attempts that could have been retried; never by default. */
  maxAttempts?: number;
  /**
   * Sends one item once its file is up: `message.send` / `message.sendGroup` by default. An app
   * with encrypted conversations sends those through its encrypted client here, and answers
   * with the message as it shows it.
   */
  deliver?: (client: ParleyClient, record: OutboxRecord<Meta>) => Promise<MessageOutput | GroupMessageOutput>;
};

/** The plaintext send: what an outbox does without a `deliver` of its own. */
export function sendPlaintext(
  client: ParleyClient,
  record: Pick<OutboxRecord<unknown>, "to" | "message" | "client_msg_id">,
) {
  const { to, message, client_msg_id } = record;
  return "group_id" in to
    ? client.message.sendGroup.mutate({ group_id: to.group_id, ...message, client_msg_id })
    : client.message.send.mutate({ receiver_id: to.receiver_id, ...message, client_msg_id });
}

export type EnqueueInput<Meta = unknown> = {
  to: OutboxTarget;
  message?: OutboxMessage;
  file?: OutboxFile;
  meta?: Meta;
  /** Your own UUID for the message (to show it before it is sent); one is made if not given. */
  client_msg_id?: string;
};

export type Outbox<Meta = unknown> = {
  /** Resolves once the store was read and what it held is back in line. */
  readonly ready: Promise<void>;
  /** Puts a message in line: its file (if any) starts uploading at once, the send waits for its turn. */
  enqueue(input: EnqueueInput<Meta>): OutboxItem<Meta>;
  /** A failed item goes back in line, at the end, with the same client_msg_id. False if there is none. */
  retry(clientMsgId: string): boolean;
  /** Takes back an item not sent yet (an upload under way stops). A send already out may still arrive. */
  remove(clientMsgId: string): void;
  /** Every item not sent yet, failed ones included, in line order. */
  items(): OutboxItem<Meta>[];
  /** The connection is back (or the client function has one again): waits before a retry end now. */
  wake(): void;
  /** Resolves when nothing is queued, uploading or sending. */
  idle(): Promise<void>;
  /** Stops working; what is not sent stays in the store for the next outbox. */
  close(): void;
};

/** Backoff with jitter, from 250–500 ms up to 5–10 s: a reconnecting device is back in seconds. */
export function outboxRetryDelayMs(attempt: number): number {
  const base = Math.min(10_000, 500 * 2 ** (attempt - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

// Codes worth waiting out; any 5xx is too. Everything else (validation, FORBIDDEN, NOT_FOUND,
// CONFLICT for a reused client_msg_id) would be refused again, so the item fails instead.
const RETRYABLE_CODES = new Set(["TOO_MANY_REQUESTS", "TIMEOUT"]);

/**
 * Whether sending again could work: the server was not reached (a dropped connection), had a
 * fault (5xx), or asked to slow down (TOO_MANY_REQUESTS); for uploads, storage likewise.
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof UploadError) return error.status === 0 || error.status === 429 || error.status >= 500;
  if (!(error instanceof TRPCClientError)) return false;
  const { code, httpStatus } = errorData(error);
  // No error shape: the request never got an answer from the API.
  if (typeof code !== "string") return true;
  return RETRYABLE_CODES.has(code) || (typeof httpStatus === "number" && httpStatus >= 500);
}

/** The seconds a TOO_MANY_REQUESTS answer asked to wait, if it said. */
function retryAfterMs(error: unknown): number {
  if (!(error instanceof TRPCClientError)) return 0;
  const { retryAfterSeconds } = errorData(error);
  return typeof retryAfterSeconds === "number" ? retryAfterSeconds * 1_000 : 0;
}

// How long an item waits for a client function to have a client again, unless woken sooner.
const NO_CLIENT_WAIT_MS = 5_000;

const isAbort = (error: unknown) => error instanceof Error && error.name === "AbortError";

/** A UUID v4. crypto.randomUUID only exists in secure contexts, and a page may be served over plain http. */
export function newClientMsgId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Items in memory only: an outbox that survives nothing, for tests and short scripts. */
export function memoryOutboxStore<Meta = unknown>(): OutboxStore<Meta> {
  const records = new Map<string, OutboxRecord<Meta>>();
  return {
    load: async () => [...records.values()],
    put: async (record) => void records.set(record.client_msg_id, record),
    delete: async (clientMsgId) => void records.delete(clientMsgId),
  };
}

/** A conversation's line: "chat:<receiver>" or "group:<id>" (the two id spaces overlap). */
const laneOf = (to: OutboxTarget) => ("group_id" in to ? `group:${to.group_id}` : `chat:${to.receiver_id}`);

type Entry<Meta> = {
  record: OutboxRecord<Meta>;
  state: OutboxState;
  progress: UploadProgress | null;
  attempts: number;
  error: unknown;
  failed_in: "upload" | "send" | null;
  sent: MessageOutput | GroupMessageOutput | null;
  isRemoved: boolean;
  /** Aborts the upload under way, and stops waiting for a retry. */
  controller: AbortController;
  /** The file's upload, started as soon as the item is in line; resolves false if it failed or stopped. */
  upload: Promise<boolean> | null;
};

class Stopped extends Error {}

/**
 * Messages on their way out, for a chat UI or a bot alike: sent in order per conversation,
 * retried with backoff while the connection is down (or the server is busy), kept in a store so
 * a reload sends them, and never sent twice: each carries its client_msg_id, which the server
 * dedupes on, through every retry and reload. A refusal (validation, FORBIDDEN, …) fails the
 * item, reports it, and the line moves on.
 */
export function createOutbox<Meta = unknown>(options: OutboxOptions<Meta>): Outbox<Meta> {
  const store = options.store ?? memoryOutboxStore<Meta>();
  const getClient = "getClient" in options ? options.getClient : () => options.client;
  const retryDelayMs = options.retryDelayMs ?? outboxRetryDelayMs;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const entries = new Map<string, Entry<Meta>>();
  const busyLanes = new Set<string>();
  let lastPosition = 0;
  let isClosed = false;
  let wakeUp: (() => void)[] = [];
  let idleWaiters: (() => void)[] = [];
  // Store writes in the order they were made: a put after its delete would bring an item back.
  let writes = Promise.resolve();

  const persist = (write: () => Promise<void>) => {
    // The store failing (full, disabled) leaves the outbox working from memory.
    writes = writes.then(write).catch(() => {});
  };
  const nextPosition = () => (lastPosition = Math.max(Date.now(), lastPosition + 1));

  // The app's callbacks must not break the outbox: what they throw surfaces on its own.
  const notify = <T>(callback: ((value: T) => void) | undefined, value: T) => {
    try {
      callback?.(value);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  const view = (entry: Entry<Meta>): OutboxItem<Meta> => ({
    ...entry.record,
    state: entry.state,
    progress: entry.progress,
    attempts: entry.attempts,
    error: entry.error,
    failed_in: entry.failed_in,
    sent: entry.sent,
  });
  const update = (entry: Entry<Meta>, changes: Partial<Entry<Meta>>) => {
    Object.assign(entry, changes);
    if (!entry.isRemoved && !isClosed) notify(options.onUpdate, view(entry));
  };

  const isWorking = (entry: Entry<Meta>) =>
    !entry.isRemoved && (entry.state === "queued" || entry.state === "uploading" || entry.state === "sending");
  const checkIdle = () => {
    if ([...entries.values()].some(isWorking)) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Waits `ms`, or less if woken; throws Stopped if the item is taken back or the outbox closed meanwhile. */
  const wait = (entry: Entry<Meta>, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        entry.controller.signal.removeEventListener("abort", stop);
        wakeUp = wakeUp.filter((wake) => wake !== done);
        resolve();
      };
      const stop = () => {
        clearTimeout(timer);
        wakeUp = wakeUp.filter((wake) => wake !== done);
        reject(new Stopped());
      };
      const timer = setTimeout(done, ms);
      wakeUp.push(done);
      entry.controller.signal.addEventListener("abort", stop, { once: true });
    });

  const stillWanted = (entry: Entry<Meta>) => {
    if (entry.isRemoved || isClosed) throw new Stopped();
  };

  /** Runs one step until it works, waiting out what can be waited out; throws what can't (or Stopped). */
  async function attempt<T>(entry: Entry<Meta>, step: (client: ParleyClient) => Promise<T>): Promise<T> {
    for (;;) {
      stillWanted(entry);
      const client = getClient();
      if (!client) {
        // Not connected at all: nothing was tried, so nothing counts; wake() or a while brings it back.
        await wait(entry, NO_CLIENT_WAIT_MS);
        continue;
      }
      try {
        return await step(client);
      } catch (error) {
        stillWanted(entry);
        if (isAbort(error) || !isRetryableError(error) || entry.attempts + 1 >= maxAttempts) throw error;
        update(entry, { attempts: entry.attempts + 1 });
        await wait(entry, Math.max(retryDelayMs(entry.attempts), retryAfterMs(error)));
      }
    }
  }

  const fail = (entry: Entry<Meta>, error: unknown, failedIn: "upload" | "send") => {
    // A refusal is final until the app asks again; a reload doesn't bring it back.
    persist(() => store.delete(entry.record.client_msg_id));
    update(entry, { state: "failed", error, failed_in: failedIn, progress: null });
  };

  /** Uploads an item's file, side by side with others; true once its media_id is set. */
  async function uploadFile(entry: Entry<Meta>): Promise<boolean> {
    const { file } = entry.record;
    if (!file || entry.record.message.media_id) return true;
    try {
      const media = await attempt(entry, (client) => {
        update(entry, { state: "uploading", progress: { loaded: 0, total: 0, stage: "uploading" } });
        return client.uploadMedia({
          ...file,
          purpose: "message",
          signal: entry.controller.signal,
          onProgress: (progress) => {
            if (!entry.isRemoved) update(entry, { progress });
          },
        });
      });
      stillWanted(entry);
      entry.record = { ...entry.record, message: { ...entry.record.message, media_id: media.id } };
      persist(() => store.put(entry.record));
      update(entry, { state: "queued", progress: null });
      return true;
    } catch (error) {
      if (!(error instanceof Stopped) && !entry.isRemoved && !isClosed && !isAbort(error)) fail(entry, error, "upload");
      return false;
    }
  }

  async function send(entry: Entry<Meta>) {
    const { client_msg_id } = entry.record;
    const deliver = options.deliver ?? sendPlaintext;
    try {
      const sent = await attempt<MessageOutput | GroupMessageOutput>(entry, (client) => {
        update(entry, { state: "sending" });
        return deliver(client, entry.record);
      });
      persist(() => store.delete(client_msg_id));
      entries.delete(client_msg_id);
      // Reported even if it was taken back meanwhile: it did arrive, and the app should show it.
      Object.assign(entry, { state: "sent", sent, error: null });
      if (!isClosed) notify(options.onUpdate, view(entry));
    } catch (error) {
      if (error instanceof Stopped || entry.isRemoved || isClosed) return;
      fail(entry, error, "send");
    }
  }

  /** The next item of a lane whose turn it is. */
  const nextInLane = (lane: string) =>
    [...entries.values()]
      .filter((entry) => laneOf(entry.record.to) === lane && isWorking(entry))
      .sort((a, b) => a.record.position - b.record.position)[0];

  async function runLane(lane: string) {
    if (busyLanes.has(lane)) return;
    busyLanes.add(lane);
    try {
      await ready;
      for (let entry = nextInLane(lane); entry && !isClosed; entry = nextInLane(lane)) {
        entry.upload ??= uploadFile(entry);
        // A failed upload fails its item (its state says so); the line moves on either way.
        if (await entry.upload) await send(entry);
        else if (isWorking(entry)) break;
      }
    } finally {
      busyLanes.delete(lane);
      checkIdle();
    }
  }

  const track = (record: OutboxRecord<Meta>): Entry<Meta> => {
    const entry: Entry<Meta> = {
      record,
      state: "queued",
      progress: null,
      attempts: 0,
      error: null,
      failed_in: null,
      sent: null,
      isRemoved: false,
      controller: new AbortController(),
      upload: null,
    };
    entries.set(record.client_msg_id, entry);
    return entry;
  };

  /** An item's file starts uploading now; its send waits for the lane. */
  const start = (entry: Entry<Meta>) => {
    if (entry.record.file && !entry.record.message.media_id) entry.upload = uploadFile(entry);
    void runLane(laneOf(entry.record.to));
  };

  const ready = store
    .load()
    .catch(() => [] as OutboxRecord<Meta>[])
    .then((records) => {
      if (isClosed) return;
      const restored = records
        .filter((record) => !entries.has(record.client_msg_id))
        .sort((a, b) => a.position - b.position)
        .map(track);
      lastPosition = Math.max(lastPosition, ...restored.map((entry) => entry.record.position));
      if (restored.length > 0) notify(options.onRestore, restored.map(view));
    });
  void ready.then(() => {
    for (const entry of [...entries.values()]) if (entry.upload === null && isWorking(entry)) start(entry);
  });

  return {
    ready,
    enqueue(input) {
      if (isClosed) throw new Error("The outbox was closed");
      const record: OutboxRecord<Meta> = {
        client_msg_id: input.client_msg_id ?? newClientMsgId(),
        to: input.to,
        message: input.message ?? {},
        file: input.file ?? null,
        ...(input.meta === undefined ? {} : { meta: input.meta }),
        created_at: new Date().toISOString(),
        position: nextPosition(),
      };
      const existing = entries.get(record.client_msg_id);
      if (existing) return view(existing);
      const entry = track(record);
      persist(() => store.put(record));
      notify(options.onUpdate, view(entry));
      start(entry);
      return view(entry);
    },
    retry(clientMsgId) {
      const entry = entries.get(clientMsgId);
      if (!entry || entry.state !== "failed" || isClosed) return false;
      entry.record = { ...entry.record, position: nextPosition() };
      Object.assign(entry, { attempts: 0, error: null, failed_in: null, upload: null });
      entry.controller = new AbortController();
      persist(() => store.put(entry.record));
      update(entry, { state: "queued" });
      start(entry);
      return true;
    },
    remove(clientMsgId) {
      const entry = entries.get(clientMsgId);
      if (!entry) return;
      entry.isRemoved = true;
      entries.delete(clientMsgId);
      entry.controller.abort();
      persist(() => store.delete(clientMsgId));
      checkIdle();
    },
    items: () =>
      [...entries.values()]
        .filter((entry) => !entry.isRemoved)
        .sort((a, b) => a.record.position - b.record.position)
        .map(view),
    wake() {
      for (const wake of wakeUp) wake();
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        void ready.then(checkIdle);
      });
    },
    close() {
      isClosed = true;
      for (const entry of entries.values()) entry.controller.abort();
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
}
