import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { createTestRuntime, type TestRuntime } from "@parley/api/test";

import { putUpload, UploadError, type UploadProgress } from "./media";
import { createParleyClient, type ParleyClient } from "./node";
import { signUp, startTestServer, type TestServer } from "./test-server";

let runtime: TestRuntime;
let api: TestServer;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  runtime = await createTestRuntime();
  api = await startTestServer(runtime);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await api?.close();
  await runtime?.close();
});

async function signedIn(): Promise<ParleyClient> {
  const user = await signUp(runtime, api, "Ana");
  const opened = createParleyClient({ url: api.ws, token: user.token });
  cleanups.push(() => opened.close());
  return opened;
}

const text = (bytes: number) =>
  new TextEncoder().encode("a line of notes\n".repeat(Math.ceil(bytes / 16)).slice(0, bytes));

describe("uploads", () => {
  it("tells progress chunk by chunk, then that the server is checking, and answers with the checked file", async () => {
    const client = await signedIn();
    const body = text(1024 * 1024);
    const progress: UploadProgress[] = [];
    const media = await client.uploadMedia({
      body: new Blob([body], { type: "text/plain" }),
      kind: "document",
      mime_type: "text/plain",
      file_name: "notes.txt",
      onProgress: (step) => progress.push(step),
    });
    expect(media).toMatchObject({ kind: "document", mime_type: "text/plain", size: body.byteLength });

    const uploading = progress.filter((step) => step.stage === "uploading");
    expect(uploading.length).toBeGreaterThan(8);
    expect(uploading[0]).toEqual({ loaded: 0, total: body.byteLength, stage: "uploading" });
    expect(uploading.at(-1)).toEqual({ loaded: body.byteLength, total: body.byteLength, stage: "uploading" });
    const loaded = uploading.map((step) => step.loaded);
    expect(loaded).toEqual([...loaded].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ loaded: body.byteLength, total: body.byteLength, stage: "checking" });
  });

  it("stops when cancelled mid-way: an AbortError, and the server never got the whole file", async () => {
    const client = await signedIn();
    const body = text(12 * 1024 * 1024);
    const ticket = await client.media.createUpload.mutate({
      kind: "document",
      mime_type: "text/plain",
      size: body.byteLength,
    });
    const controller = new AbortController();
    let lastLoaded = 0;
    const put = putUpload(ticket.upload, body, {
      origin: api.http,
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        lastLoaded = loaded;
        if (loaded >= 256 * 1024) controller.abort();
      },
    });
    await expect(put).rejects.toMatchObject({ name: "AbortError" });
    expect(lastLoaded).toBeLessThan(body.byteLength);
    await expect(client.media.complete.mutate({ media_id: ticket.media_id })).rejects.toThrow();

    // Cancelled before it began, nothing is asked of the server.
    const early = new AbortController();
    early.abort();
    await expect(
      client.uploadMedia({ body, kind: "document", mime_type: "text/plain", signal: early.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
  });

  it("says why storage refused the bytes, with its status", async () => {
    const client = await signedIn();
    const ticket = await client.media.createUpload.mutate({ kind: "document", mime_type: "text/plain", size: 10 });
    const refused = await putUpload(ticket.upload, text(20), { origin: api.http }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UploadError);
    expect(refused).toMatchObject({ status: 400, message: "This upload is for exactly 10 bytes, not 20." });
  });
});
