import {
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  type KeyPackage,
} from "ts-mls";
import { makeKeyPackageRef } from "ts-mls/keyPackage.js";

import { certifyDevice, encodeCredential, type AccountKey, type DeviceCredential } from "./account";
import { framed, toHex, unframe } from "./bytes";
import { cipherSuite } from "./suite";

/** One device's MLS identity: its own signature key, vouched for by the account key. */
export interface DeviceKeys {
  credential: DeviceCredential;
  signaturePublicKey: Uint8Array;
  /** Never leaves the device. */
  signKey: Uint8Array;
}

export async function createDeviceKeys(account: AccountKey, userId: number): Promise<DeviceKeys> {
  const { publicKey, signKey } = await (await cipherSuite()).signature.keygen();
  return { credential: await certifyDevice(account, userId, publicKey), signaturePublicKey: publicKey, signKey };
}

/** A published key package and the private half its device keeps until a Welcome uses it. */
export interface GeneratedKeyPackage {
  /** The MLSMessage (wire format mls_key_package) the server hands to one adder. */
  keyPackage: Uint8Array;
  /** Hex KeyPackageRef: how the server and a Welcome name it. */
  ref: string;
  /** The private keys, encoded; for the device's own store only. */
  privateKeys: Uint8Array;
}

export async function generateKeyPackage(device: DeviceKeys): Promise<GeneratedKeyPackage> {
  const cs = await cipherSuite();
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    encodeCredential(device.credential),
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: device.signKey, publicKey: device.signaturePublicKey },
    cs,
  );
  return {
    keyPackage: encodeMlsMessage({ version: "mls10", wireformat: "mls_key_package", keyPackage: publicPackage }),
    ref: toHex(await makeKeyPackageRef(publicPackage, cs.hash)),
    privateKeys: framed(
      privatePackage.initPrivateKey,
      privatePackage.hpkePrivateKey,
      privatePackage.signaturePrivateKey,
    ),
  };
}

export function decodePrivateKeys(bytes: Uint8Array) {
  const fields = unframe(bytes, 3);
  if (!fields) throw new Error("not an encoded private key package");
  const [initPrivateKey, hpkePrivateKey, signaturePrivateKey] = fields.map((field) => field.slice()) as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  return { initPrivateKey, hpkePrivateKey, signaturePrivateKey };
}

export const keyPackageRef = async (keyPackage: KeyPackage): Promise<string> =>
  toHex(await makeKeyPackageRef(keyPackage, (await cipherSuite()).hash));
