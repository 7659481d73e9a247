import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { createLocalStorage, LOCAL_MEDIA_PATH } from "./local-storage";
import { describeStorageContract } from "./storage-contract";

/** The local driver behind a bare HTTP server, the way the app mounts it. */
async function serveLocalStorage() {
  const dir = await mkdtemp(join(tmpdir(), "parley-local-media-"));
  const storage = createLocalStorage({ dir, secret: new TextEncoder().encode("a test secret of at least thirty-two chars") });
  const server = createServer((req, res) => void storage.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    storage,
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

const flip = (text: string, index: number) => text.slice(0, index) + (text[index] === "A" ? "B" : "A") + text.slice(index + 1);

describeStorageContract("local disk", async () => ({
  ...(await serveLocalStorage()),
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
        await served.storage.createDownloadUrl("clips/a.mp4", { expiresInSeconds: 60, contentType: "video/mp4", disposition: "inline", fileName: null }),
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
      const download = await served.storage.createDownloadUrl("x/y.png", { expiresInSeconds: 60, contentType: "image/png", disposition: "inline", fileName: null });
      expect(download.startsWith(LOCAL_MEDIA_PATH)).toBe(true);
      const response = await fetch(served.resolveUrl(download), { method: "PUT", headers: { "content-type": "image/png" }, body: "x" });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await served.close();
    }
  });
});
