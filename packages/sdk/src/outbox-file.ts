import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import type { OutboxFile, OutboxRecord, OutboxStore } from "./outbox";

/** A record as JSON holds it: a file's bytes in base64. */
type StoredRecord = Omit<OutboxRecord, "file"> & {
  file: (Omit<OutboxFile, "body"> & { body_base64: string }) | null;
};
type StoredFile = { version: 1; records: StoredRecord[] };

async function encode(record: OutboxRecord): Promise<StoredRecord> {
  if (!record.file) return { ...record, file: null };
  const { body, ...file } = record.file;
  const bytes = body instanceof Blob ? new Uint8Array(await body.arrayBuffer()) : body;
  return { ...record, file: { ...file, body_base64: Buffer.from(bytes).toString("base64") } };
}

function decode(stored: StoredRecord): OutboxRecord {
  if (!stored.file) return { ...stored, file: null };
  const { body_base64, ...file } = stored.file;
  return { ...stored, file: { ...file, body: new Uint8Array(Buffer.from(body_base64, "base64")) } };
}

/**
 * A Node program's outbox store: one JSON file (files to upload in base64), rewritten whole on
 * each change and renamed into place, so a crash leaves the old file or the new one, never half.
 * `meta` must survive JSON. One outbox at a time per file.
 */
export function fileOutboxStore<Meta = unknown>(path: string): OutboxStore<Meta> {
  let records: Promise<Map<string, StoredRecord>> | null = null;
  // Rewrites in the order they were asked for.
  let writes = Promise.resolve();

  const read = () =>
    (records ??= readFile(path, "utf8").then(
      (text) => {
        const stored = JSON.parse(text) as StoredFile;
        return new Map(stored.records.map((record) => [record.client_msg_id, record]));
      },
      (error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map<string, StoredRecord>();
        throw error;
      },
    ));

  const write = (change: (all: Map<string, StoredRecord>) => Promise<void> | void) => {
    const done = writes.then(async () => {
      const all = await read();
      await change(all);
      const stored: StoredFile = { version: 1, records: [...all.values()] };
      const partial = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(partial, JSON.stringify(stored));
      await rename(partial, path);
    });
    writes = done.catch(() => {});
    return done;
  };

  return {
    load: async () => [...(await read()).values()].map((stored) => decode(stored) as OutboxRecord<Meta>),
    put: (record) =>
      write(async (all) => {
        all.set(record.client_msg_id, await encode(record));
      }),
    delete: (clientMsgId) =>
      write((all) => {
        all.delete(clientMsgId);
      }),
  };
}
