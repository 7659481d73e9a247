import { concatBytes, exactBuffer, randomBytes, utf8 } from "./bytes";
import type { AccountKey } from "./account";
import { cipherSuite } from "./suite";

// Crockford's base32: no I, L, O or U, so a key read aloud or copied by hand survives.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECOVERY_KEY_BYTES = 30; // 240 bits: 48 characters, 12 groups of 4
const SEALED_VERSION = 1;
const HKDF_INFO = utf8("parley-recovery-key-v1");

/** A fresh recovery key, shown to the user once: 12 groups of 4 characters. */
export function generateRecoveryKey(): string {
  return formatRecoveryKey(randomBytes(RECOVERY_KEY_BYTES));
}

function formatRecoveryKey(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return (out.match(/.{4}/g) ?? []).join("-");
}

/** The key's bytes; throws a message fit for people when it is mistyped. */
export function parseRecoveryKey(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
  if (clean.length !== (RECOVERY_KEY_BYTES * 8) / 5 || [...clean].some((char) => !ALPHABET.includes(char))) {
    throw new RecoveryKeyError("That is not a recovery key: it has 48 letters and digits, in groups of 4.");
  }
  const out = new Uint8Array(RECOVERY_KEY_BYTES);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of clean) {
    value = (value << 5) | ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

export class RecoveryKeyError extends Error {
  override name = "RecoveryKeyError";
}

async function wrappingKey(recoveryKey: string, userId: number) {
  const material = await crypto.subtle.importKey("raw", exactBuffer(parseRecoveryKey(recoveryKey)), "HKDF", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: exactBuffer(utf8(`parley-user-${userId}`)), info: exactBuffer(HKDF_INFO) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/**
 * The account key sealed under the recovery key (AES-256-GCM, key from HKDF): what the server
 * keeps, and all it keeps, of the account key.
 */
export async function sealAccountKey(account: AccountKey, recoveryKey: string, userId: number): Promise<Uint8Array> {
  const iv = randomBytes(12);
  const aad = utf8(`parley-sealed-account-key:${userId}`);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: exactBuffer(iv), additionalData: exactBuffer(aad) },
    await wrappingKey(recoveryKey, userId),
    exactBuffer(concatBytes(account.signKey, account.publicKey)),
  );
  return concatBytes(new Uint8Array([SEALED_VERSION]), iv, new Uint8Array(sealed));
}

/** Opens what `sealAccountKey` sealed; a wrong key is a RecoveryKeyError, never garbage. */
export async function openAccountKey(sealed: Uint8Array, recoveryKey: string, userId: number): Promise<AccountKey> {
  if (sealed[0] !== SEALED_VERSION || sealed.length < 1 + 12 + 16) {
    throw new RecoveryKeyError("The stored account key is not in a format this app reads.");
  }
  const iv = sealed.subarray(1, 13);
  const aad = utf8(`parley-sealed-account-key:${userId}`);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: exactBuffer(iv), additionalData: exactBuffer(aad) },
        await wrappingKey(recoveryKey, userId),
        exactBuffer(sealed.subarray(13)),
      ),
    );
  } catch (error) {
    if (error instanceof RecoveryKeyError) throw error;
    throw new RecoveryKeyError("That recovery key does not open this account's key.");
  }
  const account = { signKey: plain.slice(0, 32), publicKey: plain.slice(32) };
  // A key that opens but does not sign for its own public key is not this account's.
  const suite = await cipherSuite();
  const probe = utf8("parley-recovery-probe");
  if (!(await suite.signature.verify(account.publicKey, probe, await suite.signature.sign(account.signKey, probe)))) {
    throw new RecoveryKeyError("The stored account key is damaged.");
  }
  return account;
}
