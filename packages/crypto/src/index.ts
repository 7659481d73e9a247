// @parley/crypto: Parley's end-to-end encryption behind one small interface, so the MLS library
// under it (ts-mls, pinned, not audited) can be swapped without touching its callers.
export {
  certifyDevice,
  decodeCredential,
  generateAccountKey,
  verifyDeviceCertificate,
  type AccountKey,
  type DeviceCredential,
} from "./account";
export { fromBase64, fromHex, fromUtf8, toBase64, toHex, utf8 } from "./bytes";
export {
  Conversation,
  CryptoError,
  inspectMessage,
  readKeyPackage,
  type CryptoErrorCode,
  type KeyPackageInfo,
  type KeyPackageLookup,
  type Member,
  type MessageFrame,
  type Received,
  type StagedCommit,
  type TrustPolicy,
} from "./conversation";
export { createDeviceKeys, generateKeyPackage, type DeviceKeys, type GeneratedKeyPackage } from "./device";
export { generateRecoveryKey, openAccountKey, parseRecoveryKey, RecoveryKeyError, sealAccountKey } from "./recovery";
export { safetyNumber, type SafetyNumber, type SafetyNumberParty } from "./safety-number";
export { CIPHERSUITE_NAME } from "./suite";
