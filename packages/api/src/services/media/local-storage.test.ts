import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { createLocalStorage, LOCAL_MEDIA_PATH } from "./local-storage";
import { describeStorageContract } from "./storage-contract";

/** The local driver behind a bare HTTP server, the way the app mounts it. */
async function serveLocalStorage() {
  const dir = await mkdtemp(join(tmpdir(), "parley-local-media-"));
  const storage = createLocalStorage({
    dir,
    secret: new TextEncoder().encode("a test secret of at least thirty-two chars"),
  });
  const server = createServer((req, res) => void storage.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    storage,
    dir,
    origin,
    resolveUrl: (url: string) => new URL(url, origin).toString(),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A local URL is <path><payload>.<signature>: tamper with the payload (JSON naming the key) but keep the signature. */
function retarget(url: string, fromKey: string, toKey: string): string {
  const [payload = "", signature = ""] = url.slice(LOCAL_MEDIA_PATH.length).split(".");
  const grant = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { key: string };
  expect(grant.key).toBe(fromKey);
  const forged = Buffer.from(JSON.stringify({ ...grant, key: toKey })).toString("base64url");
  return `${LOCAL_MEDIA_PATH}${forged}.${signature}`;
}

const flip = (text: string, index: number) =>
  text.slice(0, index) + (text[index] === "A" ? "B" : "A") + text.slice(index + 1);

describeStorageContract("local disk", async () => ({
  ...(await serveLocalStorage()),
  refusesClosedUploads: true,
  retarget,
  // One character changed in the payload, in the signature, and the signature dropped.
  forgeries: (url) => {
    const dot = url.lastIndexOf(".");
    return [flip(url, LOCAL_MEDIA_PATH.length + 3), flip(url, dot + 2), url.slice(0, dot)];
  },
}));

describe("local storage", () => {
  it("serves byte ranges, so players can seek", async () => {
    const served = await serveLocalStorage();
    try {
      await served.storage.write("clips/a.mp4", Buffer.from("0123456789"), "video/mp4");
      const url = served.resolveUrl(
        await served.storage.createDownloadUrl("clips/a.mp4", {
          expiresInSeconds: 60,
          contentType: "video/mp4",
          disposition: "inline",
          fileName: null,
        }),
      );
      const partial = await fetch(url, { headers: { range: "bytes=2-5" } });
      expect(partial.status).toBe(206);
      expect(partial.headers.get("content-range")).toBe("bytes 2-5/10");
      expect(await partial.text()).toBe("2345");
      const tail = await fetch(url, { headers: { range: "bytes=-3" } });
      expect(await tail.text()).toBe("789");
      const outside = await fetch(url, { headers: { range: "bytes=20-" } });
      expect(outside.status).toBe(416);
      await outside.body?.cancel();
    } finally {
      await served.close();
    }
  });

  it("signs paths under the app's media route, and a download URL can't be used to upload", async () => {
    const served = await serveLocalStorage();
    try {
      const download = await served.storage.createDownloadUrl("x/y.png", {
        expiresInSeconds: 60,
        contentType: "image/png",
        disposition: "inline",
        fileName: null,
      });
      expect(download.startsWith(LOCAL_MEDIA_PATH)).toBe(true);
      const response = await fetch(served.resolveUrl(download), {
        method: "PUT",
        headers: { "content-type": "image/png" },
        body: "x",
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await served.close();
    }
  });

  it("refuses a PUT whose upload is closed while its bytes are still arriving, and keeps nothing of it", async () => {
    const served = await serveLocalStorage();
    try {
      const key = "uploads/closing";
      const bytes = randomBytes(4096);
      const upload = await served.storage.createUploadUrl(key, {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 60,
      });
      let finish = () => {};
      const rest = new Promise<void>((resolve) => (finish = resolve));
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(bytes.subarray(0, 1024));
          await rest;
          controller.enqueue(bytes.subarray(1024));
          controller.close();
        },
      });
      const response = fetch(served.resolveUrl(upload.url), {
        method: "PUT",
        headers: upload.headers,
        body,
        duplex: "half",
      });
      const partials = async () =>
        (await readdir(join(served.dir, "uploads")).catch(() => [])).filter((name) => name.endsWith(".part"));
      const deadline = Date.now() + 5_000;
      while ((await partials()).length === 0) {
        if (Date.now() > deadline) throw new Error("the upload never started");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      await served.storage.closeUpload(key);
      finish();

      const answer = await response;
      expect(answer.status).toBe(409);
      expect(await answer.json()).toMatchObject({ code: "CONFLICT" });
      expect(await served.storage.read(key, 10_000)).toBeNull();
      expect(await partials()).toEqual([]);
    } finally {
      await served.close();
    }
  });

  it("answers a malformed media path with a 4xx JSON body, never an exception", async () => {
    const served = await serveLocalStorage();
    try {
      const tokens = ["%ZZ", "%", "abc%E0%A4%A", "%C3%28", "", ".", "a.b.c", "..%2F..%2Fetc%2Fpasswd", "x/y", "%2e%2e"];
      for (const token of tokens) {
        for (const method of ["GET", "PUT"]) {
          const response = await fetch(served.resolveUrl(`${LOCAL_MEDIA_PATH}${token}`), {
            method,
            ...(method === "PUT" ? { headers: { "content-type": "image/png" }, body: "x" } : {}),
          });
          expect(response.status, `${method} ${token}`).toBeGreaterThanOrEqual(400);
          expect(response.status, `${method} ${token}`).toBeLessThan(500);
          expect(response.headers.get("content-type"), `${method} ${token}`).toMatch(/^application\/json/);
          expect(await response.json()).toMatchObject({
            code: expect.any(String) as string,
            message: expect.any(String) as string,
          });
        }
      }
    } finally {
      await served.close();
    }
  });
});
