import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { contentDisposition, type MediaStorage, ObjectTooLarge, type SignedUpload } from "./storage";

export type StorageContractSetup = {
  storage: MediaStorage;
  /** Turns a URL the storage signed into one `fetch` can request (the local driver signs paths the app serves). */
  resolveUrl(url: string): string;
  close(): Promise<void>;
  /** The store itself answers CORS preflights, because browsers upload straight to it. */
  cors?: boolean;
  /** The store refuses a PUT to a closed upload (the local driver); a presigned S3 PUT can't be revoked. */
  refusesClosedUploads?: boolean;
  /** The URL pointed at another key without re-signing, for drivers whose URLs don't carry the key as it is. */
  retarget?(url: string, fromKey: string, toKey: string): string;
  /** Tampered copies of a signed URL; by default, each query value altered in turn. */
  forgeries?(url: string): string[];
};

/**
 * What every MediaStorage driver must do, checked over real HTTP: the signed URLs are the security boundary
 * (a client may only store exactly what the server agreed to, under the agreed key, for a short time).
 */
export function describeStorageContract(name: string, setup: () => Promise<StorageContractSetup>): void {
  describe(`MediaStorage contract: ${name}`, () => {
    let context: StorageContractSetup | undefined;
    const current = (): StorageContractSetup => {
      if (!context) throw new Error("storage contract setup did not finish");
      return context;
    };
    const storage = () => current().storage;
    const prefix = `contract-${randomBytes(4).toString("hex")}`;
    let counter = 0;
    /** A fresh key per use; URL-safe so that tests can find it inside signed URLs. */
    const newKey = (extension = "bin") => `${prefix}/${randomBytes(6).toString("hex")}-${++counter}.${extension}`;

    beforeAll(async () => {
      context = await setup();
    });
    afterAll(async () => {
      await context?.close();
    });

    const retarget = (url: string, fromKey: string, toKey: string) => {
      const setup = current();
      if (setup.retarget) return setup.retarget(url, fromKey, toKey);
      expect(url).toContain(fromKey);
      return url.replace(fromKey, toKey);
    };
    const put = (upload: SignedUpload, body: Uint8Array, headers: Record<string, string> = upload.headers) =>
      fetch(current().resolveUrl(upload.url), { method: upload.method, headers, body });
    const get = (url: string, headers: Record<string, string> = {}) => fetch(current().resolveUrl(url), { headers });

    /** Asserts a 2xx, showing the store's answer otherwise. */
    async function expectAccepted(response: Response): Promise<void> {
      const text = response.ok ? "" : await response.text();
      expect(response.status, `${response.status} ${text}`).toBeGreaterThanOrEqual(200);
      expect(response.status, `${response.status} ${text}`).toBeLessThan(300);
    }
    /** A refusal is a 4xx: the store understood the request and said no (a 5xx would be a bug, not a refusal). */
    async function expectRefused(response: Response): Promise<void> {
      await response.body?.cancel();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }

    it("accepts a PUT of exactly the signed bytes and type, and read returns them", async () => {
      const key = newKey("png");
      const bytes = randomBytes(1500);
      const upload = await storage().createUploadUrl(key, {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 60,
      });
      expect(upload.method).toBe("PUT");
      // Browsers refuse to set these themselves; a driver that needs them could not be used from a page.
      const headerNames = Object.keys(upload.headers).map((header) => header.toLowerCase());
      expect(headerNames).not.toContain("content-length");
      expect(headerNames).not.toContain("host");
      expect(await storage().read(key, bytes.length)).toBeNull();

      await expectAccepted(await put(upload, bytes));

      expect(await storage().read(key, bytes.length)).toEqual(bytes);
    });

    it("refuses a PUT of more or fewer bytes than signed, and stores nothing", async () => {
      const key = newKey();
      const bytes = randomBytes(1000);
      const upload = await storage().createUploadUrl(key, {
        contentType: "application/pdf",
        size: bytes.length,
        expiresInSeconds: 60,
      });

      await expectRefused(await put(upload, Buffer.concat([bytes, Buffer.from([0])])));
      expect(await storage().read(key, 10_000)).toBeNull();
      await expectRefused(await put(upload, bytes.subarray(0, bytes.length - 1)));
      expect(await storage().read(key, 10_000)).toBeNull();
    });

    it("refuses a PUT with another content type, or none", async () => {
      const key = newKey();
      const bytes = randomBytes(500);
      const upload = await storage().createUploadUrl(key, {
        contentType: "image/jpeg",
        size: bytes.length,
        expiresInSeconds: 60,
      });

      await expectRefused(
        await put(upload, bytes, { ...withoutContentType(upload.headers), "content-type": "text/html" }),
      );
      await expectRefused(await put(upload, bytes, withoutContentType(upload.headers)));
      expect(await storage().read(key, 10_000)).toBeNull();
    });

    it("does not let an upload URL store under another key", async () => {
      const key = newKey();
      const bytes = randomBytes(300);
      const upload = await storage().createUploadUrl(key, {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 60,
      });
      const otherKey = changeLastHexDigit(key);

      await expectRefused(await put({ ...upload, url: retarget(upload.url, key, otherKey) }, bytes));

      expect(await storage().read(otherKey, 10_000)).toBeNull();
      expect(await storage().read(key, 10_000)).toBeNull();
    });

    it("serves a download with the signed content type and disposition", async () => {
      const key = newKey("pdf");
      const bytes = randomBytes(2000);
      // Stored under another type: what the URL says is what the recipient gets.
      await storage().write(key, bytes, "application/octet-stream");
      const fileName = `Quarterly "report" (final) ü.pdf`;

      const attachment = await get(
        await storage().createDownloadUrl(key, {
          expiresInSeconds: 60,
          contentType: "application/pdf",
          disposition: "attachment",
          fileName,
        }),
      );
      await expectAccepted(attachment);
      expect(attachment.headers.get("content-type")).toBe("application/pdf");
      expect(attachment.headers.get("content-disposition")).toBe(contentDisposition("attachment", fileName));
      expect(attachment.headers.get("content-disposition")).toContain(
        `filename*=UTF-8''${encodeURIComponent(fileName)}`,
      );
      expect(Buffer.from(await attachment.arrayBuffer())).toEqual(bytes);

      const inline = await get(
        await storage().createDownloadUrl(key, {
          expiresInSeconds: 60,
          contentType: "image/webp",
          disposition: "inline",
          fileName: null,
        }),
      );
      await expectAccepted(inline);
      expect(inline.headers.get("content-type")).toBe("image/webp");
      expect(inline.headers.get("content-disposition")).toBe("inline");
      expect(Buffer.from(await inline.arrayBuffer())).toEqual(bytes);
    });

    it("refuses a download URL with another key or any altered parameter", async () => {
      const key = newKey();
      const otherKey = changeLastHexDigit(key);
      const bytes = randomBytes(400);
      await storage().write(key, bytes, "image/png");
      // Exists, so serving it would be a real leak rather than a 404.
      await storage().write(otherKey, randomBytes(400), "image/png");
      const url = await storage().createDownloadUrl(key, {
        expiresInSeconds: 60,
        contentType: "image/png",
        disposition: "inline",
        fileName: null,
      });
      const genuine = await get(url);
      await expectAccepted(genuine);
      expect(Buffer.from(await genuine.arrayBuffer())).toEqual(bytes);

      await expectRefused(await get(retarget(url, key, otherKey)));

      const forgeries = current().forgeries?.(url) ?? alterEachQueryValue(url);
      expect(forgeries.length, "a signed URL carries its signature in the query").toBeGreaterThan(0);
      for (const forged of forgeries) {
        const response = await get(forged);
        expect(response.status, `should refuse ${forged}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `should refuse ${forged}`).toBeLessThan(500);
        await response.body?.cancel();
      }
    });

    it("refuses upload and download URLs once they expire", async () => {
      const uploadKey = newKey();
      const downloadKey = newKey();
      const bytes = randomBytes(256);
      await storage().write(downloadKey, bytes, "image/png");
      const upload = await storage().createUploadUrl(uploadKey, {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 1,
      });
      const download = await storage().createDownloadUrl(downloadKey, {
        expiresInSeconds: 1,
        contentType: "image/png",
        disposition: "inline",
        fileName: null,
      });

      // Stores count expiry in whole seconds from a signing time truncated to the second.
      await sleep(2_200);

      await expectRefused(await put(upload, bytes));
      expect(await storage().read(uploadKey, 10_000)).toBeNull();
      await expectRefused(await get(download));
      // The same requests with fresh URLs work: the refusals above were about time.
      await expectAccepted(
        await put(
          await storage().createUploadUrl(uploadKey, {
            contentType: "image/png",
            size: bytes.length,
            expiresInSeconds: 60,
          }),
          bytes,
        ),
      );
      expect(await storage().read(uploadKey, 10_000)).toEqual(bytes);
      await expectAccepted(
        await get(
          await storage().createDownloadUrl(downloadKey, {
            expiresInSeconds: 60,
            contentType: "image/png",
            disposition: "inline",
            fileName: null,
          }),
        ),
      );
    });

    it("reads null for a missing key and refuses an object over maxBytes", async () => {
      expect(await storage().read(newKey(), 10_000)).toBeNull();

      const key = newKey();
      const bytes = randomBytes(1024);
      await storage().write(key, bytes, "video/mp4");
      await expect(storage().read(key, bytes.length - 1)).rejects.toBeInstanceOf(ObjectTooLarge);
      await expect(storage().read(key, bytes.length - 1)).rejects.toMatchObject({ size: bytes.length });
      expect(await storage().read(key, bytes.length)).toEqual(bytes);
    });

    it("round-trips write and read, and a second write replaces the first", async () => {
      const key = newKey();
      const first = randomBytes(700);
      const second = randomBytes(300);
      await storage().write(key, first, "image/webp");
      expect(await storage().read(key, 10_000)).toEqual(first);
      await storage().write(key, second, "image/webp");
      expect(await storage().read(key, 10_000)).toEqual(second);
    });

    it("closeUpload deletes the upload; a later PUT is refused with 409, or where it can't be (S3), delete clears it", async () => {
      const key = newKey();
      const bytes = randomBytes(600);
      const upload = await storage().createUploadUrl(key, {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 60,
      });
      await expectAccepted(await put(upload, bytes));

      await storage().closeUpload(key);
      expect(await storage().read(key, 10_000)).toBeNull();

      const again = await put(upload, bytes);
      if (current().refusesClosedUploads) {
        expect(again.status).toBe(409);
        expect(await again.json()).toMatchObject({
          code: "CONFLICT",
          message: expect.stringMatching(/already complete/) as string,
        });
        expect(await storage().read(key, 10_000)).toBeNull();
      } else {
        // What the media sweep is for: the URL still works until it expires.
        await expectAccepted(again);
        expect(await storage().read(key, 10_000)).toEqual(bytes);
      }
      await storage().delete([key]);
      expect(await storage().read(key, 10_000)).toBeNull();
      // Closing an upload nothing was sent to is fine, twice.
      const unused = newKey();
      await storage().closeUpload(unused);
      await expect(storage().closeUpload(unused)).resolves.toBeUndefined();
    });

    it("deletes exactly the given keys; missing keys and an empty list are fine", async () => {
      const [a, b, kept] = [newKey(), newKey(), newKey()];
      for (const key of [a, b, kept]) await storage().write(key, randomBytes(64), "image/png");

      await storage().delete([a, b, newKey()]);

      expect(await storage().read(a, 10_000)).toBeNull();
      expect(await storage().read(b, 10_000)).toBeNull();
      expect(await storage().read(kept, 10_000)).not.toBeNull();
      await expect(storage().delete([a, b])).resolves.toBeUndefined();
      await expect(storage().delete([])).resolves.toBeUndefined();
      expect(await storage().read(kept, 10_000)).not.toBeNull();
    });

    it("answers a browser's CORS preflight for an upload, and the upload and download themselves", async ({ skip }) => {
      if (!current().cors) skip("this store is served by the app itself");
      const origin = "https://web.parley.test";
      const key = newKey();
      const bytes = randomBytes(128);
      const upload = await storage().createUploadUrl(key, {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 60,
      });

      const preflight = await fetch(current().resolveUrl(upload.url), {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "content-type" },
      });
      await expectAccepted(preflight);
      expect([origin, "*"]).toContain(preflight.headers.get("access-control-allow-origin"));
      expect(preflight.headers.get("access-control-allow-methods") ?? "").toMatch(/\bPUT\b/);
      expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase() ?? "").toMatch(/content-type|\*/);

      const uploaded = await put(upload, bytes, { ...upload.headers, origin });
      await expectAccepted(uploaded);
      expect([origin, "*"]).toContain(uploaded.headers.get("access-control-allow-origin"));

      const downloaded = await get(
        await storage().createDownloadUrl(key, {
          expiresInSeconds: 60,
          contentType: "image/png",
          disposition: "inline",
          fileName: null,
        }),
        { origin },
      );
      await expectAccepted(downloaded);
      expect([origin, "*"]).toContain(downloaded.headers.get("access-control-allow-origin"));
      expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(bytes);
    });
  });
}

function withoutContentType(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "content-type"));
}

/** Same length, one character different: the last hex digit of the key's random part. */
function changeLastHexDigit(key: string): string {
  const match = /[0-9a-f](?=-\d+\.\w+$)/.exec(key);
  if (!match) throw new Error(`no hex digit to change in ${key}`);
  const digit = match[0] === "0" ? "1" : "0";
  return key.slice(0, match.index) + digit + key.slice(match.index + 1);
}

/** One URL per query parameter, with one character of that parameter's value changed. */
function alterEachQueryValue(url: string): string[] {
  const queryStart = url.indexOf("?");
  if (queryStart < 0) return [];
  const pairs = url.slice(queryStart + 1).split("&");
  return pairs.map((pair, index) => {
    const equals = pair.indexOf("=");
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? "" : pair.slice(equals + 1);
    const altered = pairs.slice();
    altered[index] = `${name}=${alterOneCharacter(value)}`;
    return `${url.slice(0, queryStart)}?${altered.join("&")}`;
  });
}

/**
 * Changes the last letter or digit outside percent-escapes (keeping its kind, so the value still parses and
 * only a signature check can tell), or appends a digit.
 */
function alterOneCharacter(value: string): string {
  for (let index = value.length - 1; index >= 0; index--) {
    if (value[index - 1] === "%" || value[index - 2] === "%") continue;
    const character = value[index] ?? "";
    let replacement: string | null = null;
    if (/[0-8]/.test(character)) replacement = String(Number(character) + 1);
    else if (character === "9") replacement = "0";
    else if (/[a-y]/i.test(character)) replacement = String.fromCharCode(character.charCodeAt(0) + 1);
    else if (/z/i.test(character)) replacement = character === "z" ? "a" : "A";
    if (replacement !== null) return value.slice(0, index) + replacement + value.slice(index + 1);
  }
  return `${value}0`;
}
