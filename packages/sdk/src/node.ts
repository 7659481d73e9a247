import { WebSocket } from "ws";

import { createParleyClient as createClient, type ParleyClient, type ParleyClientOptions } from "./client";

export * from "./index";
export { fileKeyStore } from "./key-store-file";
export { fileOutboxStore } from "./outbox-file";

/** Node has no global WebSocket before v22: this entry supplies `ws`. */
export function createParleyClient(options: ParleyClientOptions): ParleyClient {
  return createClient({ WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, ...options });
}
