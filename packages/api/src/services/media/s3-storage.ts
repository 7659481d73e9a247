import { Readable } from "node:stream";

import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

import { contentDisposition, type MediaStorage, ObjectTooLarge } from "./storage";

export type S3StorageOptions = {
  bucket: string;
  region: string;
  /** For S3 look-alikes (MinIO, R2, s3rver); omit for AWS. */
  endpoint?: string;
  /** Both or neither: without them the SDK's default chain (instance role, profile) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
};

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

export function createS3Storage(options: S3StorageOptions): MediaStorage {
  const { bucket } = options;
  if (Boolean(options.accessKeyId) !== Boolean(options.secretAccessKey)) {
    throw new Error("S3 storage needs both an access key id and a secret access key, or neither");
  }
  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    // By default the SDK adds a CRC32 of the (empty) request body to presigned PUTs, which the store then
    // checks against the bytes the browser sends and refuses; and not every look-alike supports these checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  };
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.accessKeyId && options.secretAccessKey) {
    config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
  }
  const client = new S3Client(config);

  const deleteKeys = async (keys: string[]): Promise<void> => {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const result = await client.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
      );
      // DeleteObjects answers 200 even when some keys failed (a missing key is not a failure); those are listed here.
      const failed = result.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `could not delete ${failed.length} of ${batch.length} objects (${first?.Key}: ${first?.Code} ${first?.Message})`,
        );
      }
    }
  };

  return {
    driver: "s3",

    createUploadUrl: async (key, { contentType, size, expiresInSeconds }) => {
      const url = await getSignedUrl(
        client,
        new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: size }),
        {
          expiresIn: expiresInSeconds,
          // The presigner leaves Content-Type out of the signature unless asked; signing both makes the store
          // itself refuse a body of another size or type, so a client cannot swap in something else.
          signableHeaders: new Set(["content-type", "content-length"]),
        },
      );
      // Content-Length is signed too, but browsers refuse to set it: they send the body's real length.
      return { url, method: "PUT", headers: { "content-type": contentType } };
    },

    createDownloadUrl: async (key, { expiresInSeconds, contentType, disposition, fileName }) =>
      getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentType: contentType,
          ResponseContentDisposition: contentDisposition(disposition, fileName),
        }),
        { expiresIn: expiresInSeconds },
      ),

    read: async (key, maxBytes) => {
      const head = await nullIfMissing(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
      if (!head) return null;
      if (head.ContentLength !== undefined && head.ContentLength > maxBytes)
        throw new ObjectTooLarge(head.ContentLength);
      // Null if deleted between the two requests.
      const object = await nullIfMissing(client.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
      if (!object) return null;
      // Replaced by something bigger between the two requests: still never buffer more than maxBytes.
      if (object.ContentLength !== undefined && object.ContentLength > maxBytes) {
        if (object.Body instanceof Readable) object.Body.destroy();
        throw new ObjectTooLarge(object.ContentLength);
      }
      if (!object.Body) return Buffer.alloc(0);
      const bytes = await object.Body.transformToByteArray();
      if (bytes.byteLength > maxBytes) throw new ObjectTooLarge(bytes.byteLength);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },

    write: async (key, body, contentType) => {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ContentLength: body.length,
        }),
      );
    },

    // A presigned PUT stays good until it expires, whatever happens here: S3 has no revocation
    // short of rotating the signing key. So this deletes what is there now, and the media sweep
    // deletes the key again once the URL has expired (clearExpiredUploads in media.ts).
    closeUpload: (key) => deleteKeys([key]),

    delete: deleteKeys,

    close: async () => {
      client.destroy();
    },
  };
}

async function nullIfMissing<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * HEAD answers a bare 404 (which the SDK names NotFound) and GET answers NoSuchKey; look-alikes vary in the name,
 * so any 404 counts. A GET that names a missing bucket is a misconfiguration, not a missing object (a HEAD cannot
 * tell the two apart).
 */
function isMissing(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  if (error.name === "NoSuchBucket") return false;
  return error.name === "NotFound" || error.name === "NoSuchKey" || error.$metadata.httpStatusCode === 404;
}
