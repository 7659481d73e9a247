import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createDeviceKeys,
  generateAccountKey,
  generateKeyPackage,
  generateRecoveryKey,
  openAccountKey,
  sealAccountKey,
  toBase64,
  fromBase64,
  type AccountKey,
  type DeviceKeys,
} from "@parley/crypto";

import { createTestRuntime, makeUser, trpcError, type TestRuntime, type TestShape } from "../test";
import * as devices from "./devices";
import { createSession, revokeSession, type SessionAuth } from "./session";

describe.each<TestShape>(["scaled", "embedded"])("devices and key packages on the %s shape", (shape) => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape });
  });
  afterAll(() => runtime.close());

  async function signIn(userId: number): Promise<SessionAuth> {
    const { sessionId } = await runtime.db.transaction((tx) =>
      createSession(runtime, tx, userId, { ipAddress: null, userAgent: "test" }),
    );
    return { userId, sessionId };
  }

  async function register(session: SessionAuth, account: AccountKey, name: string, sealed?: Uint8Array) {
    const keys = await createDeviceKeys(account, session.userId);
    const device = await devices.registerDevice(runtime, session, {
      name,
      signature_public_key: toBase64(keys.signaturePublicKey),
      account_public_key: toBase64(account.publicKey),
      certificate: toBase64(keys.credential.certificate),
      sealed_account_key: sealed ? toBase64(sealed) : undefined,
    });
    return { device, keys };
  }

  const packages = async (keys: DeviceKeys, n: number) =>
    Promise.all(Array.from({ length: n }, async () => toBase64((await generateKeyPackage(keys)).keyPackage)));

  it("registers devices under one account key, lists and removes them", async () => {
    const ana = await makeUser(runtime, "Ana");
    const account = await generateAccountKey();
    const recoveryKey = generateRecoveryKey();
    const phone = await signIn(ana);
    const { device: first, keys: phoneKeys } = await register(
      phone,
      account,
      "Phone",
      await sealAccountKey(account, recoveryKey, ana),
    );
    expect(first).toMatchObject({ name: "Phone", is_current: true });
    // Registering the same device again (a retry) answers the same device.
    const again = await devices.registerDevice(runtime, phone, {
      name: "Phone",
      signature_public_key: toBase64(phoneKeys.signaturePublicKey),
      account_public_key: toBase64(account.publicKey),
      certificate: toBase64(phoneKeys.credential.certificate),
    });
    expect(again.id).toBe(first.id);

    const laptop = await signIn(ana);
    await register(laptop, account, "Laptop");
    const listed = await devices.listDevices(runtime, laptop);
    expect(listed.devices.map((d) => [d.name, d.is_current])).toEqual([
      ["Phone", false],
      ["Laptop", true],
    ]);

    // A device under another identity key is refused: that is a reset, not a registration.
    const other = await signIn(ana);
    const conflict = await trpcError(register(other, await generateAccountKey(), "Tablet"));
    expect(conflict.code).toBe("CONFLICT");

    // The server keeps the account key only sealed; the recovery key opens it.
    const { sealed_account_key } = await devices.sealedAccountKey(runtime, laptop);
    expect(sealed_account_key).not.toBeNull();
    const opened = await openAccountKey(fromBase64(sealed_account_key ?? ""), recoveryKey, ana);
    expect(toBase64(opened.publicKey)).toBe(toBase64(account.publicKey));

    await devices.removeDevice(runtime, laptop, first.id);
    expect((await devices.listDevices(runtime, laptop)).devices.map((d) => d.name)).toEqual(["Laptop"]);
    expect((await trpcError(devices.removeDevice(runtime, laptop, first.id))).code).toBe("NOT_FOUND");
  });

  it("refuses a certificate the account key did not make", async () => {
    const ben = await makeUser(runtime, "Ben");
    const session = await signIn(ben);
    const account = await generateAccountKey();
    const keys = await createDeviceKeys(await generateAccountKey(), ben);
    const error = await trpcError(
      devices.registerDevice(runtime, session, {
        name: "Phone",
        signature_public_key: toBase64(keys.signaturePublicKey),
        account_public_key: toBase64(account.publicKey),
        certificate: toBase64(keys.credential.certificate),
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
  });

  it("hands each key package out once, then the last-resort one, to people with a tie only", async () => {
    const [cam, dee] = [await makeUser(runtime, "Cam"), await makeUser(runtime, "Dee")];
    const stranger = await makeUser(runtime, "Eve", { stranger: true });
    const camSession = await signIn(cam);
    const deeSession = await signIn(dee);
    const { keys: camKeys } = await register(camSession, await generateAccountKey(), "Phone");
    await register(deeSession, await generateAccountKey(), "Phone");

    expect((await trpcError(devices.keyPackageCount(runtime, await signIn(cam)))).code).toBe("PRECONDITION_FAILED");
    const published = await packages(camKeys, 2);
    const [lastResort] = await packages(camKeys, 1);
    expect(
      await devices.publishKeyPackages(runtime, camSession, { key_packages: published, last_resort: lastResort }),
    ).toEqual({ unused: 2, has_last_resort: true });
    // The same package again is refused, and so is someone else's.
    expect(
      (await trpcError(devices.publishKeyPackages(runtime, camSession, { key_packages: [published[0] ?? ""] }))).code,
    ).toBe("CONFLICT");
    expect(
      (await trpcError(devices.publishKeyPackages(runtime, deeSession, { key_packages: published.slice(1) }))).code,
    ).toBe("BAD_REQUEST");
    expect((await trpcError(devices.publishKeyPackages(runtime, camSession, { key_packages: ["AAAA"] }))).code).toBe(
      "BAD_REQUEST",
    );

    const claims = await Promise.all([1, 2, 3].map(() => devices.claimKeyPackages(runtime, deeSession, [cam])));
    const handedOut = claims.map((claim) => claim.key_packages[0]?.key_package);
    expect(handedOut.filter((kp) => kp === lastResort)).toHaveLength(1);
    expect(new Set(handedOut.filter((kp) => kp !== lastResort))).toEqual(new Set(published));
    // The last-resort package stays; the others are used up.
    expect(await devices.keyPackageCount(runtime, camSession)).toEqual({ unused: 0, has_last_resort: true });

    expect((await trpcError(devices.claimKeyPackages(runtime, deeSession, [stranger]))).code).toBe("NOT_FOUND");
    expect((await devices.claimKeyPackages(runtime, deeSession, [dee])).users_without_devices).toEqual([]);

    // A signed-out device is no longer handed out.
    await revokeSession(runtime, camSession.sessionId);
    expect(await devices.claimKeyPackages(runtime, deeSession, [cam])).toEqual({
      key_packages: [],
      users_without_devices: [cam],
    });
  });

  it("answers the account keys of people with a tie", async () => {
    const [fay, gus] = [await makeUser(runtime, "Fay"), await makeUser(runtime, "Gus")];
    const account = await generateAccountKey();
    await register(await signIn(fay), account, "Phone");
    const answer = await devices.accountKeysOf(runtime, await signIn(gus), [fay, gus]);
    expect(answer.account_keys).toEqual([{ user_id: fay, public_key: toBase64(account.publicKey) }]);
  });
});
