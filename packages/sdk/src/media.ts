import type { TRPCClient } from "@trpc/client";

import type { AppRouter } from "@parley/api";
import type { CreateUploadInput, MediaOutput, UploadTicket } from "@parley/validators";

/** How far an upload is: bytes handed to storage so far, then the server checking the file. */
export type UploadProgress = { loaded: number; total: number; stage: "uploading" | "checking" };

export type UploadMediaOptions = Omit<CreateUploadInput, "size" | "purpose" | "is_voice_note"> &
  Partial<Pick<CreateUploadInput, "purpose" | "is_voice_note">> & {
    body: Blob | Uint8Array;
    /** Aborting stops whichever step is under way; the promise rejects with an AbortError. */
    signal?: AbortSignal;
    onProgress?: (progress: UploadProgress) => void;
  };

export type PutUploadOptions = {
  /** What a relative upload URL (the app's own storage) is relative to; the page's address in a browser. */
  origin?: string;
  signal?: AbortSignal;
  onProgress?: (progress: UploadProgress) => void;
};

/** Storage refused the bytes, or could not be reached (`status` 0). The message is a sentence to show. */
export class UploadError extends Error {
  override name = "UploadError";
  readonly status: number;
  /** What storage answered, for a log (S3 answers in XML). */
  readonly body: string;

  constructor(status: number, body: string) {
    super(uploadErrorMessage(status, body));
    this.status = status;
    this.body = body;
  }
}

function uploadErrorMessage(status: number, body: string): string {
  // Our own storage answers like the API, with a sentence; S3 answers in XML, which isn't one.
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "message" in parsed && typeof parsed.message === "string") {
      return parsed.message;
    }
  } catch {
    // Not JSON: fall back to the status.
  }
  if (status === 413) return "The file is too large to send.";
  if (status === 403) return "The upload link expired. Try again.";
  return "The upload failed. Check your connection and try again.";
}

const abortError = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new DOMException("The upload was cancelled", "AbortError");

// Big enough that a chunk is not a request's worth of overhead, small enough for a smooth progress bar.
const CHUNK_BYTES = 64 * 1024;

/** The part of a browser's XMLHttpRequest used here (the SDK is typed without the DOM library). */
type Xhr = {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: {
    onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null;
  };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
};
type BrowserGlobals = { XMLHttpRequest?: new () => Xhr; location?: { href: string } };
const browser = globalThis as BrowserGlobals;

/** A browser's PUT: only XMLHttpRequest reports upload progress there. */
function putWithXhr(
  Request: new () => Xhr,
  url: string,
  upload: UploadTicket["upload"],
  body: Blob,
  options: PutUploadOptions,
) {
  const { signal, onProgress } = options;
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const request = new Request();
    const onAbort = () => request.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => signal?.removeEventListener("abort", onAbort);
    request.open(upload.method, url);
    for (const [name, value] of Object.entries(upload.headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.({ loaded: event.loaded, total: event.total, stage: "uploading" });
    };
    request.onload = () => {
      settle();
      if (request.status >= 200 && request.status < 300) resolve();
      else reject(new UploadError(request.status, request.responseText));
    };
    request.onerror = () => {
      settle();
      reject(new UploadError(0, ""));
    };
    request.onabort = () => {
      settle();
      reject(signal ? abortError(signal) : new DOMException("The upload was cancelled", "AbortError"));
    };
    request.send(body);
  });
}

/** Elsewhere (Node): fetch, the body streamed in chunks so progress can be told as they go. */
async function putWithFetch(url: string, upload: UploadTicket["upload"], body: Blob, options: PutUploadOptions) {
  const { signal, onProgress } = options;
  const total = body.size;
  let streamed: Blob | ReadableStream<Uint8Array> = body;
  if (onProgress) {
    const reader = (body.stream() as ReadableStream<Uint8Array>).getReader();
    let loaded = 0;
    let rest: Uint8Array = new Uint8Array(0);
    // One chunk per pull: the transport pulls as it sends, so progress follows the bytes out.
    streamed = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (rest.byteLength === 0) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          rest = value;
        }
        const chunk = rest.subarray(0, CHUNK_BYTES);
        rest = rest.subarray(chunk.byteLength);
        controller.enqueue(chunk);
        loaded += chunk.byteLength;
        if (!signal?.aborted) onProgress({ loaded, total, stage: "uploading" });
      },
      cancel: (reason) => reader.cancel(reason),
    });
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: upload.method,
      // A streamed body has no length of its own, and S3 refuses a chunked PUT: say it.
      headers: { ...upload.headers, "content-length": String(total) },
      body: streamed,
      signal,
      // Needed to send a stream (fetch's types don't know the option yet).
      ...({ duplex: "half" } as object),
    });
  } catch (error) {
    if (signal?.aborted) throw abortError(signal);
    throw new UploadError(0, error instanceof Error ? error.message : "");
  }
  if (!response.ok) throw new UploadError(response.status, (await response.text()).slice(0, 2_000));
}

/** The same bytes on a plain ArrayBuffer, as a browser's Blob takes them (a shared buffer's are copied). */
function arrayBufferView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
}

/**
 * The middle step of an upload on its own: PUTs the bytes to a ticket's URL (from
 * `media.createUpload`), telling progress. Rejects with an UploadError when storage refuses
 * them or can't be reached, and with an AbortError when `signal` aborts.
 */
export async function putUpload(
  upload: UploadTicket["upload"],
  body: Blob | Uint8Array,
  options: PutUploadOptions = {},
): Promise<void> {
  const base = options.origin ?? browser.location?.href;
  const url = new URL(upload.url, base).toString();
  const blob = body instanceof Blob ? body : new Blob([arrayBufferView(body)]);
  options.onProgress?.({ loaded: 0, total: blob.size, stage: "uploading" });
  if (browser.XMLHttpRequest) await putWithXhr(browser.XMLHttpRequest, url, upload, blob, options);
  else await putWithFetch(url, upload, blob, options);
}

/**
 * Uploads a file the way every client does: a ticket from `media.createUpload`, the bytes PUT
 * straight to storage (S3, or the app itself for local storage: relative URLs resolve against
 * `origin`), then `media.complete`, which answers with the checked file (or why it was refused).
 * Send the result's `id` as `media_id`. `onProgress` follows the bytes, then says when the
 * server is checking them; `signal` cancels whichever step is under way.
 */
export async function uploadMedia(
  trpc: TRPCClient<AppRouter>,
  origin: string,
  options: UploadMediaOptions,
): Promise<MediaOutput> {
  const { body, signal, onProgress, ...declared } = options;
  const size = body instanceof Blob ? body.size : body.byteLength;
  try {
    const ticket = await trpc.media.createUpload.mutate({ ...declared, size }, { signal });
    signal?.throwIfAborted();
    await putUpload(ticket.upload, body, { origin, signal, onProgress });
    onProgress?.({ loaded: size, total: size, stage: "checking" });
    const checked = await trpc.media.complete.mutate({ media_id: ticket.media_id }, { signal });
    signal?.throwIfAborted();
    return checked;
  } catch (error) {
    // tRPC wraps an abort in its own error: whatever was under way, cancelling reads the same.
    if (signal?.aborted) throw abortError(signal);
    throw error;
  }
}

/** The HTTP origin of a Parley URL: ws://host/ws → http://host. */
export function httpOrigin(url: string): string {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === "wss:" ? "https:" : parsed.protocol === "ws:" ? "http:" : parsed.protocol;
  return parsed.origin;
}
