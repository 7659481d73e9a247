import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { sealedKeyStore, type KeyStore } from "./key-store";

/** One file per value, written beside and renamed into place: a crash leaves the old value or the new. */
function directoryStore(directory: string): KeyStore {
  const made = mkdir(directory, { recursive: true, mode: 0o700 });
  const pathOf = (key: string) => join(directory, encodeURIComponent(key));
  return {
    async get(key) {
      await made;
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
    },
    async set(key, value) {
      await made;
      const temporary = `${pathOf(key)}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(temporary, value, { mode: 0o600 });
      await rename(temporary, pathOf(key));
    },
    async delete(key) {
      await made;
      await rm(pathOf(key), { force: true });
    },
  };
}

/**
 * A Node program's key store: a directory of values sealed under `secret` (32 bytes the program
 * keeps elsewhere: a key file, the OS keychain, a secret manager), never the keys in the clear.
 */
export async function fileKeyStore(directory: string, secret: Uint8Array): Promise<KeyStore> {
  if (secret.length !== 32) throw new Error("fileKeyStore needs a 32-byte secret");
  const key = await crypto.subtle.importKey("raw", new Uint8Array(secret), "AES-GCM", false, ["encrypt", "decrypt"]);
  return sealedKeyStore(directoryStore(directory), key);
}
