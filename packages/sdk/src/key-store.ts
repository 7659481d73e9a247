/**
 * Where an encrypted client keeps what must never reach the server in the clear: its account and
 * device keys, the MLS state of each conversation, the key packages it published, the people it
 * pinned, and the messages it opened (MLS cannot open a message twice). Values are opaque bytes.
 */
export interface KeyStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** A store in memory, gone with the process: for tests and throwaway bots. */
export function memoryKeyStore(): KeyStore {
  const values = new Map<string, Uint8Array>();
  return {
    get: (key) => Promise.resolve(values.get(key)?.slice()),
    set: (key, value) => {
      values.set(key, value.slice());
      return Promise.resolve();
    },
    delete: (key) => {
      values.delete(key);
      return Promise.resolve();
    },
  };
}

/** A WebCrypto AES-GCM key (`CryptoKey`), named so without the DOM's types. */
export type StoreKey = Parameters<typeof crypto.subtle.encrypt>[1];

const STORE_VERSION = 1;
const IV_BYTES = 12;
const encoder = new TextEncoder();

const exact = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

/**
 * Seals every value under `key` (AES-GCM, a fresh IV each write) before it reaches `inner`, with
 * the value's name as associated data, so a value moved to another name does not open there.
 * A browser passes a non-extractable key kept in IndexedDB; a Node program one it derives itself.
 */
export function sealedKeyStore(inner: KeyStore, key: StoreKey): KeyStore {
  return {
    async get(name) {
      const sealed = await inner.get(name);
      if (!sealed) return undefined;
      if (sealed[0] !== STORE_VERSION || sealed.length < 1 + IV_BYTES + 16) {
        throw new Error(`The stored value ${name} is not in a format this client reads`);
      }
      const plain = await crypto.subtle
        .decrypt(
          { name: "AES-GCM", iv: exact(sealed.subarray(1, 1 + IV_BYTES)), additionalData: encoder.encode(name) },
          key,
          exact(sealed.subarray(1 + IV_BYTES)),
        )
        .catch((error: unknown) => {
          throw new Error(`The stored value ${name} does not open with this store's key`, { cause: error });
        });
      return new Uint8Array(plain);
    },
    async set(name, value) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(name) }, key, exact(value)),
      );
      const out = new Uint8Array(1 + IV_BYTES + sealed.length);
      out[0] = STORE_VERSION;
      out.set(iv, 1);
      out.set(sealed, 1 + IV_BYTES);
      await inner.set(name, out);
    },
    delete: (name) => inner.delete(name),
  };
}
