import type { CiphersuiteImpl, Signature } from "ts-mls";
import { getCiphersuiteFromName } from "ts-mls";
import { makeHashImpl } from "ts-mls/crypto/implementation/default/makeHashImpl.js";
import { makeHpke } from "ts-mls/crypto/implementation/default/makeHpke.js";
import { makeKdf, makeKdfImpl } from "ts-mls/crypto/implementation/default/makeKdfImpl.js";
import { defaultRng } from "ts-mls/crypto/implementation/default/rng.js";

import { concatBytes, exactBuffer } from "./bytes";

/** The one ciphersuite Parley speaks: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (id 1). */
export const CIPHERSUITE_NAME = "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519";

// An Ed25519 private key is its 32-byte seed; WebCrypto imports it as PKCS#8, which for Ed25519
// is this fixed prefix followed by the seed (RFC 8410).
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/**
 * Ed25519 through WebCrypto (Node 20, Chromium), in place of ts-mls's default, which needs
 * @noble/curves: every primitive of the suite then comes from the platform.
 */
export const webCryptoEd25519: Signature = {
  async sign(signKey, message) {
    if (signKey.length !== 32) throw new Error("an Ed25519 signing key is 32 bytes");
    const key = await crypto.subtle.importKey(
      "pkcs8",
      exactBuffer(concatBytes(PKCS8_ED25519_PREFIX, signKey)),
      { name: "Ed25519" },
      false,
      ["sign"],
    );
    return new Uint8Array(await crypto.subtle.sign("Ed25519", key, exactBuffer(message)));
  },
  async verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    const key = await crypto.subtle.importKey("raw", exactBuffer(publicKey), { name: "Ed25519" }, false, ["verify"]);
    return crypto.subtle.verify("Ed25519", key, exactBuffer(signature), exactBuffer(message));
  },
  async keygen() {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
    if (!("privateKey" in pair)) throw new Error("Ed25519 generated a single key");
    const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
    const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    return { signKey: pkcs8.slice(PKCS8_ED25519_PREFIX.length), publicKey };
  },
};

let suite: Promise<CiphersuiteImpl> | undefined;

/** The ciphersuite's implementation, built once per process or page. */
export function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= (async () => {
    const cs = getCiphersuiteFromName(CIPHERSUITE_NAME);
    return {
      name: cs.name,
      hash: makeHashImpl(crypto.subtle, cs.hash),
      kdf: makeKdfImpl(makeKdf(cs.hpke.kdf)),
      hpke: await makeHpke(cs.hpke),
      signature: webCryptoEd25519,
      rng: defaultRng,
    };
  })();
  return suite;
}
