/** An upload that didn't reach the store, with a sentence to show. */
export class UploadError extends Error {
  override name = "UploadError";
}

type PutOptions = {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Bytes sent so far, as a fraction (0–1). */
  onProgress: (fraction: number) => void;
};

function messageFor(request: XMLHttpRequest): string {
  // Our own storage answers like the API, with a sentence; S3 answers in XML, which isn't one.
  try {
    const body: unknown = JSON.parse(request.responseText);
    if (typeof body === "object" && body !== null && "message" in body && typeof body.message === "string") {
      return body.message;
    }
  } catch {
    // Not JSON: fall back to the status.
  }
  if (request.status === 413) return "The file is too large to send.";
  if (request.status === 403) return "The upload link expired. Try again.";
  return "The upload failed. Check your connection and try again.";
}

/**
 * PUTs a file's bytes to a signed upload URL. XMLHttpRequest rather than
 * fetch: only it reports upload progress. Rejects with an AbortError when
 * `signal` aborts, and with an UploadError otherwise.
 */
export function putFile(url: string, body: Blob, { headers, signal, onProgress }: PutOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new DOMException("The upload was cancelled", "AbortError"));
      return;
    }
    const request = new XMLHttpRequest();
    const onAbort = () => request.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    const settle = () => signal.removeEventListener("abort", onAbort);

    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      settle();
      if (request.status >= 200 && request.status < 300) resolve();
      else reject(new UploadError(messageFor(request)));
    };
    request.onerror = () => {
      settle();
      reject(new UploadError(messageFor(request)));
    };
    request.onabort = () => {
      settle();
      reject(new DOMException("The upload was cancelled", "AbortError"));
    };
    request.send(body);
  });
}
