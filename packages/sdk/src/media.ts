import type { TRPCClient } from "@trpc/client";

import type { AppRouter } from "@parley/api";
import type { CreateUploadInput, MediaOutput } from "@parley/validators";

export type UploadMediaOptions = Omit<CreateUploadInput, "size" | "purpose" | "is_voice_note"> &
  Partial<Pick<CreateUploadInput, "purpose" | "is_voice_note">> & {
    body: Blob | Uint8Array;
    signal?: AbortSignal;
  };

/**
 * Uploads a file the way every client does: a ticket from `media.createUpload`, the bytes PUT
 * straight to storage (S3, or the app itself for local storage: relative URLs resolve against
 * `origin`), then `media.complete`, which answers with the checked file (or why it was refused).
 * Send the result's `id` as `media_id`. Browsers wanting a progress bar use XMLHttpRequest for
 * the PUT instead; the three steps are the same.
 */
export async function uploadMedia(
  trpc: TRPCClient<AppRouter>,
  origin: string,
  options: UploadMediaOptions,
): Promise<MediaOutput> {
  const { body, signal, ...declared } = options;
  const size = body instanceof Blob ? body.size : body.byteLength;
  const ticket = await trpc.media.createUpload.mutate({ ...declared, size }, { signal });
  const response = await fetch(new URL(ticket.upload.url, origin), {
    method: ticket.upload.method,
    headers: ticket.upload.headers,
    body: body instanceof Blob ? body : new Blob([body as Uint8Array<ArrayBuffer>]),
    signal,
  });
  if (!response.ok) {
    throw new Error(`Upload refused by storage (${response.status}): ${(await response.text()).slice(0, 300)}`);
  }
  return trpc.media.complete.mutate({ media_id: ticket.media_id }, { signal });
}

/** The HTTP origin of a Parley URL: ws://host/ws → http://host. */
export function httpOrigin(url: string): string {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === "wss:" ? "https:" : parsed.protocol === "ws:" ? "http:" : parsed.protocol;
  return parsed.origin;
}
