import { indexedDbFactory, openDatabase, run, type IdbDatabase } from "./idb";
import { sealedKeyStore, type KeyStore, type StoreKey } from "./key-store";

const VALUES = "values";
const KEYS = "keys";
const SEALING_KEY = "sealing";

/** The database's sealing key: made once, non-extractable, so no script can read it out, only use it. */
async function sealingKey(database: IdbDatabase): Promise<StoreKey> {
  const existing = await run(database, KEYS, "readonly", (keys) => keys.get(SEALING_KEY));
  if (existing) return existing as StoreKey;
  const made = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  // Another tab may have made one first: then its key is the one, and ours is dropped.
  const isAdded = await run(database, KEYS, "readwrite", (keys) => keys.add(made, SEALING_KEY)).then(
    () => true,
    () => false,
  );
  if (isAdded) return made;
  return (await run(database, KEYS, "readonly", (keys) => keys.get(SEALING_KEY))) as StoreKey;
}

/**
 * A browser's key store: the database `name` in IndexedDB, every value sealed (AES-GCM) under a
 * non-extractable WebCrypto key that lives in the same database. Name it per user. Without
 * IndexedDB it refuses: a device whose keys vanish with the tab could never read its messages again.
 */
export function indexedDbKeyStore(name: string): KeyStore {
  const factory = indexedDbFactory();
  let opened: Promise<KeyStore> | null = null;
  const sealed = () =>
    (opened ??= (async () => {
      if (!factory) throw new Error("This browser has no IndexedDB: encrypted chats need it to keep their keys");
      const database = await openDatabase(factory, name, { [VALUES]: null, [KEYS]: null });
      const inner: KeyStore = {
        get: async (key) => {
          const value = await run(database, VALUES, "readonly", (values) => values.get(key));
          return value instanceof Uint8Array ? value : undefined;
        },
        set: (key, value) => run(database, VALUES, "readwrite", (values) => values.put(value, key)).then(() => {}),
        delete: (key) => run(database, VALUES, "readwrite", (values) => values.delete(key)).then(() => {}),
      };
      return sealedKeyStore(inner, await sealingKey(database));
    })());
  return {
    get: async (key) => (await sealed()).get(key),
    set: async (key, value) => (await sealed()).set(key, value),
    delete: async (key) => (await sealed()).delete(key),
  };
}
