export {
  createParleyClient,
  reconnectDelayMs,
  type ParleyClient,
  type ParleyClientOptions,
  type TokenSource,
} from "./client";
export { httpOrigin, uploadMedia, type UploadMediaOptions } from "./media";
export { subscribeToEvents, type GapInfo, type LiveOptions, type LiveSubscription } from "./live";
export { TRPCClientError } from "@trpc/client";
export type * from "@parley/validators";
export type { AppRouter } from "@parley/api";
