import { createOutbox, TRPCClientError, UploadError } from "@parley/sdk";
import { describe, expect, it } from "vitest";

import { directKey, groupKey, type OutgoingMessage } from "../state";
import { failureOf, keyOf, progressToShow, targetOf, toEnqueueInput, toOutgoing, type OutboxMeta } from "./outbox";

const reply = {
  id: 41,
  sender_id: 2,
  content: "Lunch?",
  message_type: "text" as const,
  is_deleted: false,
  media: null,
  location_name: null,
};

function outgoing(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    client_msg_id: "9b2f8a54-7d0e-4c41-9f6c-0d6a8c1e2b3f",
    message_type: "text",
    content: "On my way",
    media: null,
    location: null,
    reply_to: reply,
    created_at: new Date(2026, 0, 1).toISOString(),
    state: "pending",
    error: null,
    can_retry: true,
    ...overrides,
  };
}

/** An item as the SDK's outbox holds it (no client: it waits, queued, and nothing is sent). */
function queued(message: OutgoingMessage, key = directKey(2)) {
  const outbox = createOutbox<OutboxMeta>({ getClient: () => null });
  const item = outbox.enqueue(toEnqueueInput(key, message));
  outbox.close();
  return item;
}

const trpcError = (code: string, httpStatus: number) =>
  TRPCClientError.from({ error: { message: `refused: ${code}`, code: -32600, data: { code, httpStatus } } });

describe("the outbox adapter", () => {
  it("addresses a conversation's messages to its person or group, and back", () => {
    expect(targetOf(directKey(7))).toEqual({ receiver_id: 7 });
    expect(targetOf(groupKey(7))).toEqual({ group_id: 7 });
    expect(keyOf({ receiver_id: 7 })).toBe(directKey(7));
    expect(keyOf({ group_id: 7 })).toBe(groupKey(7));
  });

  it("hands the SDK a text with its reply, and shows it again the same after a reload", () => {
    const message = outgoing();
    const item = queued(message);
    expect(item).toMatchObject({
      client_msg_id: message.client_msg_id,
      to: { receiver_id: 2 },
      message: { message_type: "text", content: "On my way", reply_to_message_id: 41 },
      file: null,
      state: "queued",
    });
    expect(toOutgoing(item, () => "blob:unused")).toEqual({ ...message, created_at: item.created_at });
  });

  it("keeps a file, its size and its caption through a reload; a checked one is not uploaded again", () => {
    const file = new Blob(["not really a photo"], { type: "image/png" });
    const media = {
      kind: "image" as const,
      file,
      file_name: "view.png",
      mime_type: "image/png",
      size: file.size,
      preview_url: "blob:before-the-reload",
      width: 640,
      height: 480,
      duration_seconds: null,
      is_voice_note: false,
      stage: "uploading" as const,
      progress: 0,
      media_id: null,
    };
    const message = outgoing({ message_type: "image", content: "The view", reply_to: null, media });
    const item = queued(message, groupKey(5));
    expect(item.file).toMatchObject({ body: file, kind: "image", mime_type: "image/png", file_name: "view.png" });
    const shown = toOutgoing(item, () => "blob:after-the-reload");
    expect(shown.media).toEqual({ ...media, preview_url: "blob:after-the-reload" });
    expect(shown.content).toBe("The view");

    const checked = queued({ ...message, media: { ...media, media_id: "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f" } });
    expect(checked.message.media_id).toBe("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f");
    expect(toOutgoing(checked, () => "blob:x").media?.stage).toBeNull();
  });

  it("sends a location with its place name, or none", () => {
    const named = queued(
      outgoing({ message_type: "location", content: "", location: { latitude: 1.5, longitude: 2.5, name: "Café" } }),
    );
    expect(named.message).toMatchObject({
      message_type: "location",
      location: { latitude: 1.5, longitude: 2.5, name: "Café" },
    });
    expect(named.message.content).toBeUndefined();
    const unnamed = queued(
      outgoing({ message_type: "location", content: "", location: { latitude: 1, longitude: 2, name: null } }),
    );
    expect(unnamed.message.location).toEqual({ latitude: 1, longitude: 2 });
    expect(toOutgoing(unnamed, () => "").location).toEqual({ latitude: 1, longitude: 2, name: null });
  });

  it("says why an item failed, and offers a retry unless the file itself was refused", () => {
    expect(failureOf({ error: new UploadError(403, ""), failed_in: "upload" })).toEqual({
      error: "The upload link expired. Try again.",
      canRetry: true,
    });
    expect(failureOf({ error: trpcError("BAD_REQUEST", 400), failed_in: "upload" })).toEqual({
      error: "refused: BAD_REQUEST",
      canRetry: false,
    });
    expect(failureOf({ error: trpcError("PAYLOAD_TOO_LARGE", 413), failed_in: "upload" }).canRetry).toBe(false);
    expect(failureOf({ error: trpcError("FORBIDDEN", 403), failed_in: "send" })).toEqual({
      error: "refused: FORBIDDEN",
      canRetry: true,
    });
    // A message refused is worth another try (a block lifted, a caption shortened).
    expect(failureOf({ error: trpcError("BAD_REQUEST", 400), failed_in: "send" }).canRetry).toBe(true);
  });

  it("moves the progress bar a percent at a time, and always to the end", () => {
    const at = (loaded: number) => ({ loaded, total: 1_000, stage: "uploading" as const });
    expect(progressToShow(at(0), 0)).toBeNull();
    expect(progressToShow(at(5), 0)).toBeNull();
    expect(progressToShow(at(10), 0)).toBe(0.01);
    expect(progressToShow(at(15), 0.01)).toBeNull();
    expect(progressToShow(at(1_000), 0.995)).toBe(1);
    expect(progressToShow({ loaded: 1_000, total: 1_000, stage: "checking" }, 1)).toBeNull();
    expect(progressToShow(null, 0)).toBeNull();
  });
});
