import { concatBytes, exactBuffer, utf8 } from "./bytes";

// Signal's numeric fingerprint: 5200 rounds of SHA-512 make a 30-digit half per person, costly to
// grind for a look-alike. Built from the account key alone, so a new device changes nothing.
const ITERATIONS = 5200;
const VERSION = new Uint8Array([0, 0]);

export interface SafetyNumberParty {
  userId: number;
  accountPublicKey: Uint8Array;
}

async function fingerprint(party: SafetyNumberParty): Promise<{ digits: string; bytes: Uint8Array }> {
  const key = party.accountPublicKey;
  let hash = concatBytes(VERSION, key, utf8(String(party.userId)));
  for (let i = 0; i < ITERATIONS; i++) {
    hash = new Uint8Array(await crypto.subtle.digest("SHA-512", exactBuffer(concatBytes(hash, key))));
  }
  let digits = "";
  for (let chunk = 0; chunk < 6; chunk++) {
    let value = 0;
    for (let i = 0; i < 5; i++) value = value * 256 + (hash[chunk * 5 + i] ?? 0);
    digits += String(value % 100_000).padStart(5, "0");
  }
  return { digits, bytes: hash.slice(0, 32) };
}

export interface SafetyNumber {
  /** 60 digits, the same on both sides (the lower user id's half first). */
  digits: string;
  /** The digits in 12 groups of 5, as shown. */
  groups: string[];
  /** What the QR code holds: version, then both fingerprints in the same order as the digits. */
  qrPayload: Uint8Array;
}

export async function safetyNumber(a: SafetyNumberParty, b: SafetyNumberParty): Promise<SafetyNumber> {
  const [first, second] = a.userId <= b.userId ? [a, b] : [b, a];
  const [one, two] = await Promise.all([fingerprint(first), fingerprint(second)]);
  const digits = one.digits + two.digits;
  return {
    digits,
    groups: digits.match(/.{5}/g) ?? [],
    qrPayload: concatBytes(new Uint8Array([1]), one.bytes, two.bytes),
  };
}
