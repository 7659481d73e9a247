import { memoryOutboxStore, type OutboxRecord, type OutboxStore } from "./outbox";

// The part of the browser's IndexedDB used here (the SDK is typed without the DOM library).
type IdbRequest<T> = { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null };
type IdbObjectStore = {
  getAll(): IdbRequest<unknown[]>;
  put(value: unknown): IdbRequest<unknown>;
  delete(key: string): IdbRequest<unknown>;
};
type IdbTransaction = {
  objectStore(name: string): IdbObjectStore;
  error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
};
type IdbDatabase = {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options: { keyPath: string }): unknown;
  transaction(name: string, mode: "readonly" | "readwrite"): IdbTransaction;
};
type IdbOpenRequest = IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null };
type IdbFactory = { open(name: string, version: number): IdbOpenRequest };

const ITEMS = "items";

const asError = (error: unknown) => (error instanceof Error ? error : new Error("IndexedDB refused the request"));

function openDatabase(factory: IdbFactory, name: string): Promise<IdbDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(ITEMS)) {
        request.result.createObjectStore(ITEMS, { keyPath: "client_msg_id" });
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(asError(request.error));
  });
}

/** One request in its own transaction, resolved once the transaction is committed. */
function run<T>(database: IdbDatabase, mode: "readonly" | "readwrite", work: (items: IdbObjectStore) => IdbRequest<T>) {
  return new Promise<T>((resolve, reject) => {
    const transaction = database.transaction(ITEMS, mode);
    const request = work(transaction.objectStore(ITEMS));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = transaction.onabort = () => reject(asError(transaction.error ?? request.error));
  });
}

/**
 * A browser's outbox store: the database `name` in IndexedDB, which keeps files (Blobs) as they
 * are. Name it per user, so one person's unsent messages are never sent as another's. Where
 * IndexedDB is missing or refuses (a private window), items are kept in memory instead.
 */
export function indexedDbOutboxStore<Meta = unknown>(name: string): OutboxStore<Meta> {
  const factory = (globalThis as { indexedDB?: IdbFactory }).indexedDB;
  const fallback = memoryOutboxStore<Meta>();
  let opened: Promise<IdbDatabase | null> | null = null;
  const database = () => (opened ??= factory ? openDatabase(factory, name).catch(() => null) : Promise.resolve(null));

  return {
    async load() {
      const db = await database();
      if (!db) return fallback.load();
      return (await run(db, "readonly", (items) => items.getAll())) as OutboxRecord<Meta>[];
    },
    async put(record) {
      const db = await database();
      if (!db) return fallback.put(record);
      await run(db, "readwrite", (items) => items.put(record));
    },
    async delete(clientMsgId) {
      const db = await database();
      if (!db) return fallback.delete(clientMsgId);
      await run(db, "readwrite", (items) => items.delete(clientMsgId));
    },
  };
}
