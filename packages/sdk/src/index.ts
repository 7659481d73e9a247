export {
  createParleyClient,
  reconnectDelayMs,
  type ParleyClient,
  type ParleyClientOptions,
  type TokenSource,
} from "./client";
export {
  httpOrigin,
  putUpload,
  uploadMedia,
  UploadError,
  type PutUploadOptions,
  type UploadMediaOptions,
  type UploadProgress,
} from "./media";
export { subscribeToEvents, type GapInfo, type LiveOptions, type LiveSubscription } from "./live";
export { createReceipts, type ChatRead, type GroupRead, type Receipts, type ReceiptsOptions } from "./receipts";
export {
  createOutbox,
  sendPlaintext,
  isRetryableError,
  memoryOutboxStore,
  newClientMsgId,
  outboxRetryDelayMs,
  type EnqueueInput,
  type Outbox,
  type OutboxFile,
  type OutboxItem,
  type OutboxMessage,
  type OutboxOptions,
  type OutboxRecord,
  type OutboxState,
  type OutboxStore,
  type OutboxTarget,
} from "./outbox";
export { indexedDbOutboxStore } from "./outbox-indexeddb";
export { errorCode } from "./errors";
export {
  createEncryptedClient,
  type EncryptedClient,
  type EncryptedClientOptions,
  type EncryptedLiveOptions,
  type EncryptedBodyInput,
  type EncryptedTarget,
  encryptedTargetOf,
  isChange,
  NotEncryptableError,
  NotInConversationError,
  type OpenedMessage,
  type SendOptions,
} from "./encrypted";
export { RecoveryKeyError } from "@parley/crypto";
export { indexedDbKeyStore } from "./key-store-indexeddb";
export { memoryKeyStore, sealedKeyStore, type KeyStore, type StoreKey } from "./key-store";
export { TRPCClientError } from "@trpc/client";
export type * from "@parley/validators";
export type { AppRouter } from "@parley/api";
