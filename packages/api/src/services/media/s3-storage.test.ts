import { randomBytes } from "node:crypto";

import { DeleteObjectsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { startS3Server, type S3TestServer } from "../../test/s3";
import { createS3Storage } from "./s3-storage";
import { ObjectTooLarge } from "./storage";
import { describeStorageContract } from "./storage-contract";

describeStorageContract("s3 (s3rver)", async () => {
  const server = await startS3Server();
  return { storage: server.storage, resolveUrl: (url) => url, close: () => server.close(), cors: true };
});

describe("S3 storage", () => {
  let server: S3TestServer | undefined;
  const s3 = (): S3TestServer => {
    if (!server) throw new Error("s3rver did not start");
    return server;
  };
  beforeAll(async () => {
    server = await startS3Server();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("signs Content-Length, Content-Type and Host into upload URLs, and no checksum of an empty body", async () => {
    const upload = await s3().storage.createUploadUrl("photos/signed.png", {
      contentType: "image/png",
      size: 4321,
      expiresInSeconds: 90,
    });
    const query = new URL(upload.url).searchParams;

    expect(query.get("X-Amz-SignedHeaders")?.split(";")).toEqual(["content-length", "content-type", "host"]);
    expect(query.get("X-Amz-Expires")).toBe("90");
    expect(upload.headers).toEqual({ "content-type": "image/png" });
    // Hoisted into the URL these would make S3 compare the uploaded bytes with the checksum of an empty body.
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
  });

  it("uses path-style URLs on the configured endpoint", async () => {
    const url = await s3().storage.createDownloadUrl("docs/a.pdf", {
      expiresInSeconds: 60,
      contentType: "application/pdf",
      disposition: "inline",
      fileName: null,
    });
    expect(url.startsWith(`${s3().endpoint}/${s3().bucket}/docs/a.pdf?`)).toBe(true);
  });

  it("exposes ETag to browsers on a cross-origin upload", async () => {
    const bytes = randomBytes(64);
    const upload = await s3().storage.createUploadUrl("photos/etag.png", {
      contentType: "image/png",
      size: bytes.length,
      expiresInSeconds: 60,
    });
    const response = await fetch(upload.url, {
      method: "PUT",
      headers: { ...upload.headers, origin: "https://web.parley.test" },
      body: bytes,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("etag")).toBeTruthy();
    expect(response.headers.get("access-control-expose-headers")?.split(/,\s*/)).toContain("ETag");
  });

  it("deletes in batches of at most 1000 keys", async () => {
    const written = ["batch/first", "batch/middle", "batch/last"];
    for (const key of written) await s3().storage.write(key, randomBytes(16), "image/png");
    const keys = Array.from({ length: 2_345 }, (_, index) => `batch/missing-${index}`);
    keys[0] = "batch/first";
    keys[1_500] = "batch/middle";
    keys[2_344] = "batch/last";
    const send = vi.spyOn(S3Client.prototype, "send");
    try {
      await s3().storage.delete(keys);
      const batches = send.mock.calls
        .map(([command]) => command)
        .filter((command) => command instanceof DeleteObjectsCommand)
        .map((command) => command.input.Delete?.Objects?.map((object) => object.Key) ?? []);
      expect(batches.map((batch) => batch.length)).toEqual([1_000, 1_000, 345]);
      expect(batches.flat()).toEqual(keys);
    } finally {
      send.mockRestore();
    }
    for (const key of written) expect(await s3().storage.read(key, 100)).toBeNull();
  });

  it("refuses an object over maxBytes from its HEAD, without downloading it", async () => {
    await s3().storage.write("videos/big.mp4", randomBytes(2_048), "video/mp4");
    const send = vi.spyOn(S3Client.prototype, "send");
    try {
      await expect(s3().storage.read("videos/big.mp4", 2_047)).rejects.toBeInstanceOf(ObjectTooLarge);
      const sent = send.mock.calls.map(([command]) => command.constructor.name);
      expect(sent).toEqual(["HeadObjectCommand"]);
    } finally {
      send.mockRestore();
    }
  });

  it("needs both halves of a key pair, or neither", () => {
    const options = { bucket: "b", region: "us-east-1", forcePathStyle: true };
    expect(() => createS3Storage({ ...options, accessKeyId: "id" })).toThrow(/both/);
    expect(() => createS3Storage({ ...options, secretAccessKey: "secret" })).toThrow(/both/);
  });

  // What the signature check in startS3Server is for: s3rver itself takes any well-formed SigV4 signature.
  // If this starts failing, s3rver has learnt to verify signatures and the check may go.
  it("s3rver on its own does not verify presigned signatures", async () => {
    const bare = await startS3Server({ verifySignatures: false });
    try {
      const bytes = randomBytes(32);
      const upload = await bare.storage.createUploadUrl("photos/unchecked.png", {
        contentType: "image/png",
        size: bytes.length,
        expiresInSeconds: 60,
      });
      const response = await fetch(upload.url, {
        method: "PUT",
        headers: { "content-type": "text/html" },
        body: Buffer.concat([bytes, bytes]),
      });
      expect(response.status).toBe(200);
      expect(await bare.storage.read("photos/unchecked.png", 100)).toHaveLength(64);
    } finally {
      await bare.close();
    }
  });
});
