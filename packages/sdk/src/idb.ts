// The part of the browser's IndexedDB the SDK's stores use (the SDK is typed without the DOM library).

export type IdbRequest<T> = { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null };
export type IdbObjectStore = {
  get(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
  put(value: unknown, key?: string): IdbRequest<unknown>;
  /** Refuses (the transaction fails) when the key is taken. */
  add(value: unknown, key?: string): IdbRequest<unknown>;
  delete(key: string): IdbRequest<unknown>;
};
type IdbTransaction = {
  objectStore(name: string): IdbObjectStore;
  error: unknown;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
};
export type IdbDatabase = {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options?: { keyPath: string }): unknown;
  transaction(name: string, mode: "readonly" | "readwrite"): IdbTransaction;
};
type IdbOpenRequest = IdbRequest<IdbDatabase> & { onupgradeneeded: (() => void) | null };
type IdbFactory = { open(name: string, version: number): IdbOpenRequest };

const asError = (error: unknown) => (error instanceof Error ? error : new Error("IndexedDB refused the request"));

/** The browser's IndexedDB, or undefined where there is none (Node, some private windows). */
export const indexedDbFactory = () => (globalThis as { indexedDB?: IdbFactory }).indexedDB;

/** Opens database `name` at version 1, making its object stores (`{ name: keyPath or null }`) on first use. */
export function openDatabase(
  factory: IdbFactory,
  name: string,
  stores: Record<string, string | null>,
): Promise<IdbDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      for (const [store, keyPath] of Object.entries(stores)) {
        if (request.result.objectStoreNames.contains(store)) continue;
        if (keyPath === null) request.result.createObjectStore(store);
        else request.result.createObjectStore(store, { keyPath });
      }
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(asError(request.error));
  });
}

/** One request in its own transaction, resolved once the transaction is committed. */
export function run<T>(
  database: IdbDatabase,
  store: string,
  mode: "readonly" | "readwrite",
  work: (items: IdbObjectStore) => IdbRequest<T>,
) {
  return new Promise<T>((resolve, reject) => {
    const transaction = database.transaction(store, mode);
    const request = work(transaction.objectStore(store));
    transaction.oncomplete = () => resolve(request.result);
    transaction.onerror = transaction.onabort = () => reject(asError(transaction.error ?? request.error));
  });
}
