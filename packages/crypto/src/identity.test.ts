import { describe, expect, it } from "vitest";

import { certifyDevice, decodeCredential, generateAccountKey, verifyDeviceCertificate } from "./account";
import { bytesEqual, utf8 } from "./bytes";
import { encodeCredential } from "./account";
import { generateRecoveryKey, openAccountKey, parseRecoveryKey, RecoveryKeyError, sealAccountKey } from "./recovery";
import { safetyNumber } from "./safety-number";

describe("device certificates", () => {
  it("bind one device key to one user under the account key", async () => {
    const account = await generateAccountKey();
    const deviceKey = crypto.getRandomValues(new Uint8Array(32));
    const credential = await certifyDevice(account, 42, deviceKey);
    const decoded = decodeCredential(encodeCredential(credential));
    if (!decoded) throw new Error("the credential did not decode");
    expect(decoded.userId).toBe(42);
    expect(await verifyDeviceCertificate(decoded, deviceKey)).toBe(true);
    expect(await verifyDeviceCertificate(decoded, crypto.getRandomValues(new Uint8Array(32)))).toBe(false);
    expect(await verifyDeviceCertificate({ ...decoded, userId: 43 }, deviceKey)).toBe(false);
  });

  it("are not read out of anything else", () => {
    expect(decodeCredential({ credentialType: "basic", identity: utf8("alice") })).toBeUndefined();
    expect(decodeCredential({ credentialType: "x509", certificates: [] })).toBeUndefined();
  });
});

describe("the recovery key", () => {
  it("seals the account key so that only it opens it, typed however the user types it", async () => {
    const account = await generateAccountKey();
    const recoveryKey = generateRecoveryKey();
    expect(recoveryKey).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){11}[0-9A-HJKMNP-TV-Z]{4}$/);
    const sealed = await sealAccountKey(account, recoveryKey, 7);
    expect(Buffer.from(sealed).includes(Buffer.from(account.signKey))).toBe(false);

    const typed = recoveryKey.toLowerCase().replaceAll("-", " ").replaceAll("1", "l");
    const opened = await openAccountKey(sealed, typed, 7);
    expect(bytesEqual(opened.signKey, account.signKey)).toBe(true);
    expect(bytesEqual(opened.publicKey, account.publicKey)).toBe(true);

    await expect(openAccountKey(sealed, generateRecoveryKey(), 7)).rejects.toBeInstanceOf(RecoveryKeyError);
    // Sealed for one user, it does not open as another's.
    await expect(openAccountKey(sealed, recoveryKey, 8)).rejects.toBeInstanceOf(RecoveryKeyError);
    expect(() => parseRecoveryKey("1234-5678")).toThrow(RecoveryKeyError);
  });
});

describe("safety numbers", () => {
  it("are 60 digits, the same on both sides, and change only with an account key", async () => {
    const [alice, bob, bobReset] = await Promise.all([
      generateAccountKey(),
      generateAccountKey(),
      generateAccountKey(),
    ]);
    const fromAlice = await safetyNumber(
      { userId: 1, accountPublicKey: alice.publicKey },
      { userId: 2, accountPublicKey: bob.publicKey },
    );
    const fromBob = await safetyNumber(
      { userId: 2, accountPublicKey: bob.publicKey },
      { userId: 1, accountPublicKey: alice.publicKey },
    );
    expect(fromAlice.digits).toMatch(/^\d{60}$/);
    expect(fromAlice.groups).toHaveLength(12);
    expect(fromBob.digits).toBe(fromAlice.digits);
    expect(bytesEqual(fromBob.qrPayload, fromAlice.qrPayload)).toBe(true);

    const afterReset = await safetyNumber(
      { userId: 1, accountPublicKey: alice.publicKey },
      { userId: 2, accountPublicKey: bobReset.publicKey },
    );
    expect(afterReset.digits.slice(0, 30)).toBe(fromAlice.digits.slice(0, 30));
    expect(afterReset.digits.slice(30)).not.toBe(fromAlice.digits.slice(30));
  });
});
