import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";

import { eq } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schema } from "@parley/db";
import { createUploadInput, type MediaKind, sendChatMessageInput, sendGroupMessageInput } from "@parley/validators";

import { createTestRuntime, eventsOf, makeUser, type TestRuntime, type TestShape, trpcError } from "../../test";
import { startS3Server } from "../../test/s3";
import { createApiHttpHandler } from "../../transport/http";
import { blockUser } from "../blocks";
import * as messages from "../chat-messages";
import * as groupMessages from "../group-messages";
import * as groups from "../groups";
import * as actions from "../message-actions";
import { updateMe } from "../user";
import { inspectUpload, mp4Duration } from "./inspect";
import * as media from "./media";

type File = {
  kind: MediaKind;
  mime: string;
  bytes: Buffer;
  name?: string;
  purpose?: "message" | "profile_picture" | "group_picture";
};

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();

/** A real WAV: 16-bit mono PCM, `seconds` long. */
function wav(seconds: number): Buffer {
  const rate = 8000;
  const data = Buffer.alloc(rate * seconds * 2);
  for (let i = 0; i < rate * seconds; i++) data.writeInt16LE(Math.round(Math.sin(i / 10) * 8000), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const pdf = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

type Setup = { name: string; shape: TestShape; driver: "local" | "s3" };

describe.each<Setup>([
  { name: "scaled shape, local storage", shape: "scaled", driver: "local" },
  { name: "embedded shape, local storage", shape: "embedded", driver: "local" },
  { name: "scaled shape, S3 storage (s3rver)", shape: "scaled", driver: "s3" },
])("media on the $name", ({ shape, driver }) => {
  let runtime: TestRuntime;
  let server: Server;
  let origin: string;
  let s3: Awaited<ReturnType<typeof startS3Server>> | null = null;
  let ana: number;
  let ben: number;
  let cam: number;

  beforeAll(async () => {
    s3 = driver === "s3" ? await startS3Server() : null;
    runtime = await createTestRuntime({ shape, ...(s3 ? { media: s3.storage } : {}) });
    const handle = createApiHttpHandler(runtime);
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    [ana, ben, cam] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben"), await makeUser(runtime, "Cam")];
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await runtime.close();
    await s3?.close();
  });

  const absolute = (url: string) => new URL(url, origin).toString();

  /** What a client does: ask for a ticket, PUT the bytes where it says. */
  async function upload(userId: number, file: File, options: { declaredSize?: number } = {}) {
    const ticket = await media.createUpload(
      runtime,
      userId,
      createUploadInput.parse({
        kind: file.kind,
        mime_type: file.mime,
        size: options.declaredSize ?? file.bytes.length,
        file_name: file.name,
        purpose: file.purpose,
      }),
    );
    const response = await fetch(absolute(ticket.upload.url), {
      method: "PUT",
      headers: ticket.upload.headers,
      body: file.bytes,
    });
    expect(response.ok).toBe(true);
    return ticket.media_id;
  }

  const sendTo = (senderId: number, receiverId: number, body: Record<string, unknown>) =>
    messages.sendChatMessage(
      runtime,
      senderId,
      sendChatMessageInput.parse({ receiver_id: receiverId, client_msg_id: randomUUID(), ...body }),
    );

  async function download(userId: number, mediaId: string, variant: "original" | "thumbnail" = "original") {
    const { url } = await media.mediaUrl(runtime, userId, { media_id: mediaId, variant });
    const response = await fetch(absolute(url));
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  it("sends a photo: checked, measured, thumbnailed, delivered live, readable by both ends only", async () => {
    const bytes = await png(800, 600);
    const mediaId = await upload(ana, { kind: "image", mime: "image/png", bytes, name: "sunset.png" });
    const sent = await sendTo(ana, ben, { message_type: "image", media_id: mediaId, content: "  Look!  " });

    expect(sent.message_type).toBe("image");
    expect(sent.content).toBe("  Look!  ");
    expect(sent.media).toMatchObject({
      id: mediaId,
      kind: "image",
      mime_type: "image/png",
      width: 800,
      height: 600,
      has_thumbnail: true,
    });
    const [event] = (await eventsOf(runtime, ben)).filter((stored) => stored.event.type === "new_message").slice(-1);
    expect(event?.event).toMatchObject({
      type: "new_message",
      message: { id: sent.id, media: { id: mediaId, width: 800 } },
    });
    const history = await messages.listMessages(runtime, ben, { chat_id: sent.chat_id, limit: 10 });
    expect(history.messages[0]?.media?.id).toBe(mediaId);

    const original = await download(ben, mediaId);
    expect(original.response.status).toBe(200);
    expect(original.response.headers.get("content-type")).toBe("image/png");
    expect(original.bytes.length).toBe(sent.media?.size);
    expect(await sharp(original.bytes).metadata()).toMatchObject({ format: "png", width: 800, height: 600 });
    const thumbnail = await download(ben, mediaId, "thumbnail");
    const meta = await sharp(thumbnail.bytes).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.width).toBe(320);
    expect(meta.height).toBe(240);

    expect((await trpcError(media.mediaUrl(runtime, cam, { media_id: mediaId, variant: "original" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("keeps photos upright and without their EXIF (no GPS for whoever downloads them); documents stay untouched", async () => {
    const tagged = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#336699" } })
      .jpeg()
      .withExif({
        IFD0: { Make: "PhoneCo", Model: "Snapper 9" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 29/1" },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(tagged).metadata()).exif).toBeDefined();
    const photo = await upload(ana, { kind: "image", mime: "image/jpeg", bytes: tagged });
    const sent = await sendTo(ana, ben, { message_type: "image", media_id: photo });
    // Orientation 6: stored 300×200, shown 200×300.
    expect(sent.media).toMatchObject({ width: 200, height: 300 });
    const kept = await sharp((await download(ben, photo)).bytes).metadata();
    expect(kept).toMatchObject({ format: "jpeg", width: 200, height: 300 });
    expect(kept.exif).toBeUndefined();
    expect(kept.orientation).toBeUndefined();

    const asDocument = await upload(ana, { kind: "document", mime: "image/jpeg", bytes: tagged, name: "original.jpg" });
    await sendTo(ana, ben, { message_type: "document", media_id: asDocument });
    expect((await download(ben, asDocument)).bytes.equals(tagged)).toBe(true);
  });

  it("refuses what the bytes say is not what was claimed, and sends nothing", async () => {
    const script = Buffer.from("#!/bin/sh\necho pwned\n");
    const mediaId = await upload(ana, { kind: "image", mime: "image/jpeg", bytes: script, name: "cat.jpg" });
    const before = await eventsOf(runtime, cam);
    const error = await trpcError(sendTo(ana, cam, { message_type: "image", media_id: mediaId }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/not a photo/);
    expect(await eventsOf(runtime, cam)).toHaveLength(before.length);
    // Refused for good: the same id is refused again, with the same reason.
    expect((await trpcError(media.completeUpload(runtime, ana, mediaId))).message).toBe(error.message);
  });

  it("refuses a truncated image", async () => {
    const whole = await sharp({ create: { width: 400, height: 400, channels: 3, background: "#3366ff" } })
      .jpeg()
      .toBuffer();
    const mediaId = await upload(ana, {
      kind: "image",
      mime: "image/jpeg",
      bytes: whole.subarray(0, Math.floor(whole.length / 2)),
    });
    const error = await trpcError(media.completeUpload(runtime, ana, mediaId));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/damaged or incomplete/);
  });

  it("refuses oversized, disallowed and never-uploaded files clearly", async () => {
    const tooBig = await trpcError(
      media.createUpload(
        runtime,
        ana,
        createUploadInput.parse({ kind: "video", mime_type: "video/mp4", size: 17 * 1024 * 1024 }),
      ),
    );
    expect(tooBig.code).toBe("PAYLOAD_TOO_LARGE");
    expect(tooBig.message).toMatch(/up to 16 MB/);
    const wrongType = await trpcError(
      media.createUpload(
        runtime,
        ana,
        createUploadInput.parse({ kind: "image", mime_type: "image/svg+xml", size: 100 }),
      ),
    );
    expect(wrongType.code).toBe("BAD_REQUEST");
    expect(
      createUploadInput.safeParse({ kind: "image", mime_type: "image/png", size: 0 }).error?.issues[0]?.message,
    ).toBe("The file is empty");

    const ticket = await media.createUpload(
      runtime,
      ana,
      createUploadInput.parse({ kind: "image", mime_type: "image/png", size: 100 }),
    );
    const notYet = await trpcError(sendTo(ana, ben, { message_type: "image", media_id: ticket.media_id }));
    expect(notYet.message).toMatch(/Nothing has been uploaded/);
    await runtime.db
      .update(schema.media)
      .set({ uploadExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.media.id, ticket.media_id));
    const expired = await trpcError(sendTo(ana, ben, { message_type: "image", media_id: ticket.media_id }));
    expect(expired.code).toBe("BAD_REQUEST");
    expect(expired.message).toMatch(/upload link has expired/);
  });

  it("keeps a media id to its uploader and to one message", async () => {
    const mediaId = await upload(cam, { kind: "document", mime: "application/pdf", bytes: pdf, name: "plan.pdf" });
    // Someone else's upload is no upload at all.
    expect((await trpcError(sendTo(ana, ben, { message_type: "document", media_id: mediaId }))).code).toBe("NOT_FOUND");
    const wrongKind = await trpcError(sendTo(cam, ben, { message_type: "image", media_id: mediaId }));
    expect(wrongKind.message).toMatch(/message_type document/);

    const first = { message_type: "document", media_id: mediaId, client_msg_id: randomUUID() };
    const sent = await messages.sendChatMessage(
      runtime,
      cam,
      sendChatMessageInput.parse({ receiver_id: ben, ...first }),
    );
    const retried = await messages.sendChatMessage(
      runtime,
      cam,
      sendChatMessageInput.parse({ receiver_id: ben, ...first }),
    );
    expect(retried.id).toBe(sent.id);
    // Sending the same upload again elsewhere is forwarding's job: the media id from that chat is refused.
    const again = await trpcError(sendTo(cam, ana, { message_type: "document", media_id: mediaId }));
    expect(again.code).toBe("CONFLICT");
    expect((await trpcError(media.mediaUrl(runtime, ana, { media_id: mediaId, variant: "original" }))).code).toBe(
      "NOT_FOUND",
    );

    const { response, bytes } = await download(ben, mediaId);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment;.*plan\.pdf/);
    expect(bytes.equals(pdf)).toBe(true);
    expect(sent.media).toMatchObject({
      kind: "document",
      mime_type: "application/pdf",
      file_name: "plan.pdf",
      has_thumbnail: false,
    });
  });

  it("reads an audio file's duration; a voice note keeps its flag", async () => {
    const ticket = await media.createUpload(
      runtime,
      ana,
      createUploadInput.parse({
        kind: "audio",
        mime_type: "audio/wav",
        size: wav(2).length,
        is_voice_note: true,
        duration_seconds: 9,
      }),
    );
    await fetch(absolute(ticket.upload.url), { method: "PUT", headers: ticket.upload.headers, body: wav(2) });
    const sent = await sendTo(ana, ben, { message_type: "audio", media_id: ticket.media_id });
    // From the file, not the client's 9.
    expect(sent.media).toMatchObject({
      kind: "audio",
      mime_type: "audio/wav",
      duration_seconds: 2,
      is_voice_note: true,
    });
  });

  it("a plain-text document is accepted only if it is text", async () => {
    const text = await upload(ana, {
      kind: "document",
      mime: "text/plain",
      bytes: Buffer.from("shopping: eggs, milk\n"),
      name: "list.txt",
    });
    expect((await media.completeUpload(runtime, ana, text)).mimeType).toBe("text/plain");
    const binary = await upload(ana, {
      kind: "document",
      mime: "text/plain",
      bytes: Buffer.from([0, 1, 2, 3, 0, 255, 254]),
    });
    expect((await trpcError(media.completeUpload(runtime, ana, binary))).code).toBe("BAD_REQUEST");
  });

  it("a reply quoting a file or a location can say which (name, voice message, thumbnail)", async () => {
    const doc = await upload(ana, { kind: "document", mime: "application/pdf", bytes: pdf, name: "minutes.pdf" });
    const sentDoc = await sendTo(ana, ben, { message_type: "document", media_id: doc });
    const place = await sendTo(ana, ben, {
      message_type: "location",
      location: { latitude: 1, longitude: 2, name: "Cafe Roma" },
    });
    const replyToDoc = await sendTo(ben, ana, { content: "Thanks", reply_to_message_id: sentDoc.id });
    expect(replyToDoc.reply_to).toMatchObject({
      message_type: "document",
      media: { id: doc, kind: "document", file_name: "minutes.pdf", has_thumbnail: false },
    });
    const replyToPlace = await sendTo(ben, ana, { content: "On my way", reply_to_message_id: place.id });
    expect(replyToPlace.reply_to).toMatchObject({ message_type: "location", media: null, location_name: "Cafe Roma" });
    // History says the same; a quote of a message deleted for everyone says nothing of its file.
    await actions.deleteMessage(runtime, ana, { message_id: sentDoc.id, for_everyone: true });
    const history = await messages.listMessages(runtime, ana, { chat_id: sentDoc.chat_id, limit: 10 });
    expect(history.messages.find((message) => message.id === replyToDoc.id)?.reply_to).toMatchObject({
      is_deleted: true,
      media: null,
    });
    expect(history.messages.find((message) => message.id === replyToPlace.id)?.reply_to?.location_name).toBe(
      "Cafe Roma",
    );
  });

  it("sends a location", async () => {
    const sent = await sendTo(ana, ben, {
      message_type: "location",
      location: { latitude: 48.858370123, longitude: 2.294481, name: "Eiffel Tower" },
    });
    expect(sent.location).toEqual({ latitude: 48.85837012, longitude: 2.294481, name: "Eiffel Tower" });
    const history = await messages.listMessages(runtime, ben, { chat_id: sent.chat_id, limit: 1 });
    expect(history.messages[0]?.location).toEqual(sent.location);
    const bad = sendChatMessageInput.safeParse({
      receiver_id: ben,
      client_msg_id: randomUUID(),
      message_type: "location",
      location: { latitude: 91, longitude: 0 },
    });
    expect(bad.error?.issues[0]?.message).toBe("latitude is between -90 and 90");
    const missing = sendChatMessageInput.safeParse({
      receiver_id: ben,
      client_msg_id: randomUUID(),
      message_type: "location",
    });
    expect(missing.error?.issues[0]?.path).toEqual(["location"]);
  });

  it("in a group: members see it, a removed member's next request gives nothing, a later member never could", async () => {
    const group = await groups.createGroup(runtime, ana, { name: "Trip", member_ids: [ben, cam] });
    const mediaId = await upload(ana, { kind: "image", mime: "image/png", bytes: await png(64, 64) });
    const sent = await groupMessages.sendGroupMessage(
      runtime,
      ana,
      sendGroupMessageInput.parse({
        group_id: group.id,
        message_type: "image",
        media_id: mediaId,
        client_msg_id: randomUUID(),
      }),
    );
    expect(sent.media?.id).toBe(mediaId);
    const listed = await groupMessages.listGroupMessages(runtime, cam, { group_id: group.id, limit: 5 });
    expect(listed.messages.find((message) => message.id === sent.id)?.media?.width).toBe(64);

    const kept = await media.mediaUrl(runtime, cam, { media_id: mediaId, variant: "original" });
    await groups.removeMember(runtime, ana, { group_id: group.id, user_id: cam });
    expect((await trpcError(media.mediaUrl(runtime, cam, { media_id: mediaId, variant: "original" }))).code).toBe(
      "NOT_FOUND",
    );
    expect((await download(ben, mediaId)).response.status).toBe(200);
    // The URL Cam got before is short-lived: it works until it expires, and then nothing (the storage tests cover expiry).
    expect(new Date(kept.expires_at).getTime() - Date.now()).toBeLessThanOrEqual(
      runtime.config.media.urlTtlSeconds * 1000,
    );

    const dan = await makeUser(runtime, "Dan");
    await groups.addMembers(runtime, ana, { group_id: group.id, user_ids: [dan] });
    expect((await trpcError(media.mediaUrl(runtime, dan, { media_id: mediaId, variant: "thumbnail" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("deleting for everyone makes the file unreadable; cleanup then deletes it, and unsent uploads, but nothing in use", async () => {
    const deletedId = await upload(ana, { kind: "image", mime: "image/png", bytes: await png(32, 32) });
    const sent = await sendTo(ana, ben, { message_type: "image", media_id: deletedId });
    await actions.deleteMessage(runtime, ana, { message_id: sent.id, for_everyone: true });
    expect((await trpcError(media.mediaUrl(runtime, ben, { media_id: deletedId, variant: "original" }))).code).toBe(
      "NOT_FOUND",
    );
    const history = await messages.listMessages(runtime, ben, { chat_id: sent.chat_id, limit: 1 });
    expect(history.messages[0]).toMatchObject({ is_deleted: true, media: null });

    const unsentId = await upload(ana, { kind: "image", mime: "image/png", bytes: await png(16, 16) });
    const keptId = await upload(ana, { kind: "image", mime: "image/png", bytes: await png(16, 16) });
    await sendTo(ana, ben, { message_type: "image", media_id: keptId });
    const old = new Date(Date.now() - runtime.config.media.unsentTtlSeconds * 1000 - 60_000);
    for (const id of [deletedId, unsentId, keptId]) {
      await runtime.db.update(schema.media).set({ createdAt: old }).where(eq(schema.media.id, id));
    }
    const keys = await runtime.db.select({ id: schema.media.id, key: schema.media.storageKey }).from(schema.media);
    const keyOf = (id: string) => keys.find((row) => row.id === id)?.key ?? "";

    while ((await media.cleanupMedia(runtime)) > 0);
    const left = new Set((await runtime.db.select({ id: schema.media.id }).from(schema.media)).map((row) => row.id));
    expect(left.has(deletedId)).toBe(false);
    expect(left.has(unsentId)).toBe(false);
    expect(left.has(keptId)).toBe(true);
    expect(await runtime.media.read(keyOf(deletedId), 1e6)).toBeNull();
    expect(await runtime.media.read(keyOf(unsentId), 1e6)).toBeNull();
    expect(await runtime.media.read(keyOf(keptId), 1e6)).not.toBeNull();
  });

  it("profile and group pictures go through the same checks and access rules", async () => {
    const pictureId = await upload(ben, {
      kind: "image",
      mime: "image/png",
      bytes: await png(500, 500),
      purpose: "profile_picture",
    });
    const me = await updateMe(runtime, ben, { profile_picture_media_id: pictureId });
    expect(me.profile_picture_media_id).toBe(pictureId);
    expect((await download(cam, pictureId, "thumbnail")).response.status).toBe(200);
    await blockUser(runtime, ben, cam);
    expect((await trpcError(media.mediaUrl(runtime, cam, { media_id: pictureId, variant: "thumbnail" }))).code).toBe(
      "NOT_FOUND",
    );
    // A picture upload is not a file to send.
    const messageUpload = await upload(ben, { kind: "image", mime: "image/png", bytes: await png(20, 20) });
    expect((await trpcError(updateMe(runtime, ben, { profile_picture_media_id: messageUpload }))).code).toBe(
      "BAD_REQUEST",
    );

    const groupPicture = await upload(ana, {
      kind: "image",
      mime: "image/png",
      bytes: await png(100, 100),
      purpose: "group_picture",
    });
    const group = await groups.createGroup(runtime, ana, {
      name: "Pics",
      member_ids: [ben],
      picture_media_id: groupPicture,
    });
    expect(group.picture_media_id).toBe(groupPicture);
    expect((await download(ben, groupPicture)).response.status).toBe(200);
    expect((await trpcError(media.mediaUrl(runtime, cam, { media_id: groupPicture, variant: "original" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("a former member may fetch the group picture they knew, never one set after they left", async () => {
    const dan = await makeUser(runtime, "Dan");
    const first = await upload(ana, {
      kind: "image",
      mime: "image/png",
      bytes: await png(90, 90),
      purpose: "group_picture",
    });
    const group = await groups.createGroup(runtime, ana, {
      name: "Pictured",
      member_ids: [ben, dan],
      picture_media_id: first,
    });
    await groups.removeMember(runtime, ana, { group_id: group.id, user_id: dan });
    expect((await download(dan, first, "thumbnail")).response.status).toBe(200);

    const second = await upload(ana, {
      kind: "image",
      mime: "image/png",
      bytes: await png(70, 70),
      purpose: "group_picture",
    });
    await groups.updateGroup(runtime, ana, { group_id: group.id, picture_media_id: second });
    expect((await download(ben, second)).response.status).toBe(200);
    for (const variant of ["original", "thumbnail"] as const) {
      expect((await trpcError(media.mediaUrl(runtime, dan, { media_id: second, variant }))).code).toBe("NOT_FOUND");
    }
    expect(await groups.getGroup(runtime, dan, group.id)).toMatchObject({ picture_media_id: first, is_member: false });
    expect((await download(dan, first)).response.status).toBe(200);
    // Ben, still a member, sees only what the group has now.
    expect((await trpcError(media.mediaUrl(runtime, ben, { media_id: first, variant: "original" }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("closes an upload once it is checked or refused: a second PUT to its URL can't leave a file behind", async () => {
    const bytes = await png(48, 48);
    const ticket = await media.createUpload(
      runtime,
      ana,
      createUploadInput.parse({ kind: "image", mime_type: "image/png", size: bytes.length }),
    );
    const put = (body: Buffer) =>
      fetch(absolute(ticket.upload.url), { method: "PUT", headers: ticket.upload.headers, body });
    expect((await put(bytes)).status).toBe(200);
    const ready = await media.completeUpload(runtime, ana, ticket.media_id);
    const uploadKey = `uploads/${ticket.media_id}`;
    expect(await runtime.media.read(uploadKey, 1e6)).toBeNull();

    // Same size and type, so only the upload being complete can stop it.
    const swapped = Buffer.alloc(bytes.length, 7);
    const second = await put(swapped);
    if (driver === "local") {
      expect(second.status).toBe(409);
      expect(await second.json()).toEqual({
        code: "CONFLICT",
        message: expect.stringMatching(/already complete/) as string,
      });
      expect(await runtime.media.read(uploadKey, 1e6)).toBeNull();
    } else {
      // A presigned S3 PUT can't be revoked: it lands, and the sweep after the URL's expiry removes it.
      expect(second.ok).toBe(true);
      expect(await runtime.media.read(uploadKey, 1e6)).toEqual(swapped);
    }
    expect((await runtime.media.read(ready.storageKey, 1e6))?.length).toBe(ready.size);
    expect((await media.completeUpload(runtime, ana, ticket.media_id)).size).toBe(ready.size);

    const clearedAt = async () =>
      (
        await runtime.db
          .select({ at: schema.media.uploadClearedAt })
          .from(schema.media)
          .where(eq(schema.media.id, ticket.media_id))
      )[0]?.at;
    // Not while the URL may still work (a PUT could land after the sweep)...
    while ((await media.clearExpiredUploads(runtime)) > 0);
    expect(await clearedAt()).toBeNull();
    // ...but once it has expired, once.
    await runtime.db
      .update(schema.media)
      .set({ uploadExpiresAt: new Date(Date.now() - 60 * 60 * 1000) })
      .where(eq(schema.media.id, ticket.media_id));
    while ((await media.clearExpiredUploads(runtime)) > 0);
    expect(await runtime.media.read(uploadKey, 1e6)).toBeNull();
    const first = await clearedAt();
    expect(first).toBeInstanceOf(Date);
    expect(await media.clearExpiredUploads(runtime)).toBe(0);
    expect(await clearedAt()).toEqual(first);
    expect((await download(ana, ticket.media_id)).response.status).toBe(200);

    // A refused upload is closed too.
    const script = Buffer.from("#!/bin/sh\necho pwned\n");
    const refused = await media.createUpload(
      runtime,
      ana,
      createUploadInput.parse({ kind: "image", mime_type: "image/jpeg", size: script.length }),
    );
    const putRefused = () =>
      fetch(absolute(refused.upload.url), { method: "PUT", headers: refused.upload.headers, body: script });
    expect((await putRefused()).status).toBe(200);
    expect((await trpcError(media.completeUpload(runtime, ana, refused.media_id))).code).toBe("BAD_REQUEST");
    const again = await putRefused();
    expect(again.status).toBe(driver === "local" ? 409 : 200);
    await again.body?.cancel();
  });

  it("sweeps expired uploads across instances at once, each upload once", async () => {
    while ((await media.clearExpiredUploads(runtime)) > 0);
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const id = await upload(cam, { kind: "document", mime: "text/plain", bytes: Buffer.from(`note ${index}\n`) });
      await media.completeUpload(runtime, cam, id);
      await runtime.media.write(`uploads/${id}`, Buffer.from("put after the check"), "text/plain");
      ids.push(id);
    }
    for (const id of ids) {
      await runtime.db
        .update(schema.media)
        .set({ uploadExpiresAt: new Date(Date.now() - 60 * 60 * 1000) })
        .where(eq(schema.media.id, id));
    }
    // Three instances' maintenance runs at once, in small batches.
    const sweep = async () => {
      let total = 0;
      for (;;) {
        const cleared = await media.clearExpiredUploads(runtime, { batchSize: 2 });
        if (cleared === 0) return total;
        total += cleared;
      }
    };
    const counts = await Promise.all([sweep(), sweep(), sweep()]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(ids.length);
    for (const id of ids) expect(await runtime.media.read(`uploads/${id}`, 1e6)).toBeNull();
  });

  it("answers a malformed media link with a 4xx JSON body", async () => {
    for (const path of ["/api/media/blob/%ZZ", "/api/media/blob/%", "/api/media/blob/%C3%28.x", "/api/media/blob/"]) {
      const response = await fetch(absolute(path));
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(await response.json()).toMatchObject({
        code: expect.any(String) as string,
        message: expect.any(String) as string,
      });
    }
  });
});

describe("upload rate limit", () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await createTestRuntime({ shape: "embedded", env: { MEDIA_UPLOADS_PER_HOUR: "2" } });
  });
  afterAll(() => runtime.close());

  it("allows MEDIA_UPLOADS_PER_HOUR uploads an hour per user, then says when to retry", async () => {
    const [ana, ben] = [await makeUser(runtime, "Ana"), await makeUser(runtime, "Ben")];
    const ticket = () =>
      media.createUpload(runtime, ana, createUploadInput.parse({ kind: "image", mime_type: "image/png", size: 10 }));
    await ticket();
    await ticket();
    const error = await trpcError(ticket());
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/up to 2 files an hour/);
    // Per user: Ben is unaffected.
    await media.createUpload(
      runtime,
      ben,
      createUploadInput.parse({ kind: "image", mime_type: "image/png", size: 10 }),
    );
  });
});

describe("video", () => {
  const clip = readFileSync(new URL("./fixtures/clip.mp4", import.meta.url));
  const hasFfmpeg = spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status === 0;

  it("reads an MP4's duration from its header", () => {
    expect(mp4Duration(clip)).toBe(2);
    expect(mp4Duration(Buffer.from("not a movie at all"))).toBeNull();
  });

  const declared = { kind: "video" as const, mimeType: "video/mp4", size: clip.length, durationSeconds: null };
  const allowed = { image: [], video: ["video/mp4"], audio: [], document: [] };

  it("has no poster without ffmpeg, and still its duration", async () => {
    const without = await inspectUpload(clip, declared, allowed, { ffmpegPath: "/nonexistent/ffmpeg" });
    expect(without).toMatchObject({ ok: true, mimeType: "video/mp4", durationSeconds: 2, thumbnail: null });
  });

  // ffmpeg is optional (apt-get install ffmpeg); without it there is nothing to test here.
  it.skipIf(!hasFfmpeg)("makes a poster frame with ffmpeg", async () => {
    const poster = await inspectUpload(clip, declared, allowed, { ffmpegPath: null });
    expect(poster).toMatchObject({ ok: true, durationSeconds: 2, width: 160, height: 120 });
    expect(poster.ok && poster.thumbnail && (await sharp(poster.thumbnail).metadata()).format).toBe("jpeg");
  });
});
