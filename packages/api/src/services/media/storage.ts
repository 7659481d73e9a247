/**
 * Where uploaded bytes live. Deliberately narrow: clients upload and download
 * straight to and from a store through short-lived URLs the server signs, and
 * the server itself only reads an upload once (to check it) and writes what it
 * derived (the checked original, a thumbnail). Any store that can sign a PUT
 * and a GET fits: local disk served by the app, S3 and its look-alikes
 * (MinIO, R2), or a hosted upload service.
 */
export interface MediaStorage {
  readonly driver: "local" | "s3";
  /**
   * A URL the client PUTs exactly `size` bytes of `contentType` to, with these headers.
   * It stops working after `expiresInSeconds`.
   */
  createUploadUrl(key: string, options: UploadUrlOptions): Promise<SignedUpload>;
  /** A URL that GETs the object for `expiresInSeconds`, served with this type and disposition. */
  createDownloadUrl(key: string, options: DownloadUrlOptions): Promise<string>;
  /**
   * The whole object, or null if nothing is stored under `key`. Refuses (ObjectTooLarge)
   * an object over `maxBytes` without reading it.
   */
  read(key: string, maxBytes: number): Promise<Buffer | null>;
  write(key: string, body: Buffer, contentType: string): Promise<void>;
  /**
   * The upload to `key` is over (checked, or refused): deletes what is stored there, and from
   * then on refuses PUTs to its upload URLs where the store can (the local driver answers 409).
   * S3 can't revoke a presigned URL: a PUT there still lands until the URL expires, which is
   * why the upload key is deleted once more after that (see clearExpiredUploads).
   */
  closeUpload(key: string): Promise<void>;
  /** Deletes what exists of these keys (and forgets that their uploads were closed); missing keys are not an error. */
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

export type UploadUrlOptions = { contentType: string; size: number; expiresInSeconds: number };

export type SignedUpload = { url: string; method: "PUT"; headers: Record<string, string> };

export type DownloadUrlOptions = {
  expiresInSeconds: number;
  contentType: string;
  /** `attachment` makes browsers save the file (documents); `inline` shows it (photos, video, audio). */
  disposition: "inline" | "attachment";
  fileName: string | null;
};

export class ObjectTooLarge extends Error {
  override name = "ObjectTooLarge";
  constructor(readonly size: number) {
    super(`stored object is ${size} bytes`);
  }
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 5987). */
export function contentDisposition(disposition: "inline" | "attachment", fileName: string | null): string {
  if (!fileName) return disposition;
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
