import { indexedDbFactory, openDatabase, run, type IdbDatabase } from "./idb";
import { memoryOutboxStore, type OutboxRecord, type OutboxStore } from "./outbox";

const ITEMS = "items";

/**
 * A browser's outbox store: the database `name` in IndexedDB, which keeps files (Blobs) as they
 * are. Name it per user, so one person's unsent messages are never sent as another's. Where
 * IndexedDB is missing or refuses (a private window), items are kept in memory instead.
 */
export function indexedDbOutboxStore<Meta = unknown>(name: string): OutboxStore<Meta> {
  const factory = indexedDbFactory();
  const fallback = memoryOutboxStore<Meta>();
  let opened: Promise<IdbDatabase | null> | null = null;
  const database = () =>
    (opened ??= factory
      ? openDatabase(factory, name, { [ITEMS]: "client_msg_id" }).catch(() => null)
      : Promise.resolve(null));

  return {
    async load() {
      const db = await database();
      if (!db) return fallback.load();
      return (await run(db, ITEMS, "readonly", (items) => items.getAll())) as OutboxRecord<Meta>[];
    },
    async put(record) {
      const db = await database();
      if (!db) return fallback.put(record);
      await run(db, ITEMS, "readwrite", (items) => items.put(record));
    },
    async delete(clientMsgId) {
      const db = await database();
      if (!db) return fallback.delete(clientMsgId);
      await run(db, ITEMS, "readwrite", (items) => items.delete(clientMsgId));
    },
  };
}
