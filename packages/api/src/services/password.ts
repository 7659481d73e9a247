import { hash, verify } from "@node-rs/argon2";

// `Algorithm` is a const enum, unusable under isolatedModules: 2 is Argon2id.
// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~36 ms a hash on this hardware.
const ARGON2_OPTIONS = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check when there is no account, so response
 * times don't tell which phone numbers are registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("parley-dummy-password");
  await verifyPassword(await dummyHash, password);
  return false;
}
