export { createParleyClient, reconnectDelayMs, type ParleyClient, type ParleyClientOptions, type TokenSource } from "./client";
export { TRPCClientError } from "@trpc/client";
export type { AppRouter } from "@parley/api";
