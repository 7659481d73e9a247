import type { Credential } from "ts-mls";

import { bytesEqual, framed, unframe, utf8, fromUtf8 } from "./bytes";
import { cipherSuite } from "./suite";

/** An account's identity key (Ed25519): it signs each device of the account. */
export interface AccountKey {
  publicKey: Uint8Array;
  /** The 32-byte private seed. Leaves a device only sealed (`sealAccountKey`, device approval). */
  signKey: Uint8Array;
}

/** What a device's MLS leaf carries: whose device it is, vouched for by that account's key. */
export interface DeviceCredential {
  userId: number;
  accountPublicKey: Uint8Array;
  /** The account key's signature over (userId, the device's MLS signature key). */
  certificate: Uint8Array;
}

const CREDENTIAL_VERSION = utf8("parley-credential-v1");
const CERTIFICATE_LABEL = utf8("parley-device-certificate-v1");

export async function generateAccountKey(): Promise<AccountKey> {
  const { publicKey, signKey } = await (await cipherSuite()).signature.keygen();
  return { publicKey, signKey };
}

const certificateInput = (userId: number, devicePublicKey: Uint8Array) =>
  framed(CERTIFICATE_LABEL, utf8(String(userId)), devicePublicKey);

/** The account key vouches for one device's MLS signature key. */
export async function certifyDevice(
  account: AccountKey,
  userId: number,
  deviceSignaturePublicKey: Uint8Array,
): Promise<DeviceCredential> {
  const certificate = await (
    await cipherSuite()
  ).signature.sign(account.signKey, certificateInput(userId, deviceSignaturePublicKey));
  return { userId, accountPublicKey: account.publicKey, certificate };
}

export function encodeCredential(credential: DeviceCredential): Credential {
  return {
    credentialType: "basic",
    identity: framed(
      CREDENTIAL_VERSION,
      utf8(String(credential.userId)),
      credential.accountPublicKey,
      credential.certificate,
    ),
  };
}

/** Undefined for anything that is not a Parley device credential. */
export function decodeCredential(credential: Credential): DeviceCredential | undefined {
  if (credential.credentialType !== "basic") return undefined;
  const fields = unframe(credential.identity, 4);
  if (!fields) return undefined;
  const [version, userIdBytes, accountPublicKey, certificate] = fields as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  if (!bytesEqual(version, CREDENTIAL_VERSION)) return undefined;
  let userIdText: string;
  try {
    userIdText = fromUtf8(userIdBytes);
  } catch {
    return undefined;
  }
  if (!/^[1-9][0-9]{0,15}$/.test(userIdText)) return undefined;
  return { userId: Number(userIdText), accountPublicKey: accountPublicKey.slice(), certificate: certificate.slice() };
}

/** Whether the credential's account key really signed this device's signature key. */
export async function verifyDeviceCertificate(
  credential: DeviceCredential,
  deviceSignaturePublicKey: Uint8Array,
): Promise<boolean> {
  return (await cipherSuite()).signature.verify(
    credential.accountPublicKey,
    certificateInput(credential.userId, deviceSignaturePublicKey),
    credential.certificate,
  );
}
