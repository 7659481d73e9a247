import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { access, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";

import { contentDisposition, type MediaStorage, ObjectTooLarge } from "./storage";

export const LOCAL_MEDIA_PATH = "/api/media/blob/";

/** What a signed local URL allows: one operation on one key until `exp` (unix seconds). */
type Grant = { key: string; op: "put" | "get"; type: string; size?: number; disposition?: string; exp: number };

export type LocalMediaStorage = MediaStorage & {
  readonly driver: "local";
  /** Serves signed uploads (PUT) and downloads (GET, HEAD, with ranges) under LOCAL_MEDIA_PATH. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
};

export function isLocalMediaStorage(storage: MediaStorage): storage is LocalMediaStorage {
  return storage.driver === "local";
}

/**
 * Files on the local disk (the embedded shape), under `dir`, served by the app
 * itself. URLs work like S3's presigned ones: a grant (key, operation, type,
 * size, expiry) signed with HMAC, so the app checks nothing but the signature
 * when the bytes come and go (and, for a PUT, that the upload wasn't closed),
 * and a URL is useless once it expires.
 */
export function createLocalStorage(options: { dir: string; secret: Uint8Array }): LocalMediaStorage {
  // A key of its own, so a media URL signature can never double as anything else.
  const key = createHmac("sha256", options.secret).update("parley media urls v1").digest();
  const sign = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url");
  const pathOf = (objectKey: string) => {
    if (!/^[a-z0-9][a-z0-9._/-]*$/i.test(objectKey) || objectKey.includes(".."))
      throw new Error(`bad media key ${objectKey}`);
    return join(options.dir, objectKey);
  };
  // A closed upload leaves a marker under .closed/, which no key can name (keys start with a letter
  // or digit), so a marker never collides with an object. On disk rather than in memory: every
  // instance sharing MEDIA_DIR refuses the PUT, and a restart doesn't reopen the upload.
  const markerOf = (objectKey: string) => join(options.dir, ".closed", `${objectKey}.closed`);
  const isClosed = (objectKey: string) =>
    access(markerOf(objectKey)).then(
      () => true,
      () => false,
    );
  const urlFor = (grant: Grant) => {
    const payload = Buffer.from(JSON.stringify(grant)).toString("base64url");
    return `${LOCAL_MEDIA_PATH}${payload}.${sign(payload)}`;
  };
  const grantOf = (token: string): Grant | null => {
    const [payload, signature] = token.split(".");
    if (!payload || !signature) return null;
    const expected = Buffer.from(sign(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const grant = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Grant;
      return grant.exp * 1000 > Date.now() ? grant : null;
    } catch {
      return null;
    }
  };
  const expiry = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

  async function receive(grant: Grant, req: IncomingMessage, res: ServerResponse) {
    if (await isClosed(grant.key)) return refuseClosed(req, res);
    if (req.headers["content-type"] !== grant.type) {
      return fail(res, 400, "BAD_REQUEST", `Upload with content-type ${grant.type}, as the upload ticket says.`);
    }
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) !== grant.size) {
      return fail(res, 400, "BAD_REQUEST", `This upload is for exactly ${grant.size} bytes, not ${declared}.`);
    }
    const target = pathOf(grant.key);
    const partial = `${target}.${randomBytes(6).toString("hex")}.part`;
    await mkdir(dirname(target), { recursive: true });
    let received = 0;
    const limit = grant.size ?? 0;
    try {
      await pipeline(
        req,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            received += chunk.length;
            if (received > limit) throw new ObjectTooLarge(received);
            yield chunk;
          }
        },
        createWriteStream(partial),
      );
      if (received !== limit) throw new RangeError(`got ${received} of ${limit} bytes`);
      if (await isClosed(grant.key)) throw new UploadClosed();
      // Renamed into place whole: a reader never sees half a file.
      await rename(partial, target);
      // Closed while this was being renamed: closeUpload writes its marker before it deletes, so
      // either its delete comes after our rename (and removes these bytes), or we see the marker here.
      if (await isClosed(grant.key)) {
        await rm(target, { force: true });
        throw new UploadClosed();
      }
    } catch (error) {
      await rm(partial, { force: true });
      if (error instanceof UploadClosed) return refuseClosed(req, res);
      if (error instanceof ObjectTooLarge)
        return fail(res, 413, "PAYLOAD_TOO_LARGE", `This upload is for at most ${limit} bytes.`);
      if (error instanceof RangeError)
        return fail(res, 400, "BAD_REQUEST", `The upload ended early (${received} of ${limit} bytes).`);
      if (!res.headersSent && !req.destroyed) return fail(res, 400, "BAD_REQUEST", "The upload was interrupted.");
      return;
    }
    res.statusCode = 200;
    res.end();
  }

  async function send(grant: Grant, req: IncomingMessage, res: ServerResponse) {
    const file = pathOf(grant.key);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return fail(res, 404, "NOT_FOUND", "There is no such file.");
    res.setHeader("content-type", grant.type);
    res.setHeader("content-disposition", grant.disposition ?? "inline");
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("content-security-policy", "default-src 'none'; sandbox");
    res.setHeader("cache-control", `private, max-age=${Math.max(grant.exp - Math.floor(Date.now() / 1000), 0)}`);
    res.setHeader("accept-ranges", "bytes");
    // Video and audio players seek with single byte ranges.
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    let start = 0;
    let end = info.size - 1;
    if (range && (range[1] || range[2])) {
      start = range[1] ? Number(range[1]) : Math.max(info.size - Number(range[2]), 0);
      end = range[1] && range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
      if (start > end || start >= info.size) {
        res.setHeader("content-range", `bytes */${info.size}`);
        return fail(res, 416, "BAD_REQUEST", "That byte range is outside the file.");
      }
      res.statusCode = 206;
      res.setHeader("content-range", `bytes ${start}-${end}/${info.size}`);
    } else {
      res.statusCode = 200;
    }
    res.setHeader("content-length", String(end - start + 1));
    if (req.method === "HEAD" || info.size === 0) return void res.end();
    await pipeline(createReadStream(file, { start, end }), res);
  }

  return {
    driver: "local",
    async createUploadUrl(objectKey, { contentType, size, expiresInSeconds }) {
      const url = urlFor({ key: objectKey, op: "put", type: contentType, size, exp: expiry(expiresInSeconds) });
      return { url, method: "PUT", headers: { "content-type": contentType } };
    },
    async createDownloadUrl(objectKey, { expiresInSeconds, contentType, disposition, fileName }) {
      return urlFor({
        key: objectKey,
        op: "get",
        type: contentType,
        disposition: contentDisposition(disposition, fileName),
        exp: expiry(expiresInSeconds),
      });
    },
    async read(objectKey, maxBytes) {
      const info = await stat(pathOf(objectKey)).catch(() => null);
      if (!info?.isFile()) return null;
      if (info.size > maxBytes) throw new ObjectTooLarge(info.size);
      return readFile(pathOf(objectKey));
    },
    async write(objectKey, body) {
      const target = pathOf(objectKey);
      await mkdir(dirname(target), { recursive: true });
      const partial = `${target}.${randomBytes(6).toString("hex")}.part`;
      await writeFile(partial, body);
      await rename(partial, target);
    },
    async closeUpload(objectKey) {
      const marker = markerOf(objectKey);
      await mkdir(dirname(marker), { recursive: true });
      await writeFile(marker, "");
      await rm(pathOf(objectKey), { force: true });
    },
    async delete(keys) {
      await Promise.all(
        keys.map(async (objectKey) => {
          await rm(pathOf(objectKey), { force: true });
          await rm(markerOf(objectKey), { force: true });
        }),
      );
    },
    async close() {},
    async handle(req, res) {
      const token = decodeToken((req.url ?? "").split("?")[0]?.slice(LOCAL_MEDIA_PATH.length) ?? "");
      if (token === null)
        return fail(res, 400, "BAD_REQUEST", "This media link is malformed (bad percent-encoding). Ask for a new one.");
      const grant = grantOf(token);
      const wanted = req.method === "PUT" ? "put" : req.method === "GET" || req.method === "HEAD" ? "get" : null;
      if (!wanted) return fail(res, 405, "METHOD_NOT_SUPPORTED", "Media URLs take PUT (upload) or GET (download).");
      if (!grant || grant.op !== wanted) {
        return fail(res, 403, "FORBIDDEN", "This media link has expired or is not valid. Ask for a new one.");
      }
      return wanted === "put" ? receive(grant, req, res) : send(grant, req, res);
    },
  };
}

class UploadClosed extends Error {}

/** A signed token is base64url and a dot, but a client may still percent-encode it; null if that is malformed. */
function decodeToken(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** 409 for a PUT after the upload was checked or refused; the body is drained so the client sees the answer. */
function refuseClosed(req: IncomingMessage, res: ServerResponse) {
  req.resume();
  return fail(res, 409, "CONFLICT", "This upload is already complete. Ask for a new upload link to send another file.");
}

function fail(res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) return void res.destroy();
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.removeHeader("content-disposition");
  res.end(JSON.stringify({ code, message }));
}
