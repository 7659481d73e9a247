import { randomUUID } from "node:crypto";

import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startS3Server, type S3TestServer } from "@parley/api/test/s3";
import { createTestDatabase, type TestDatabase } from "@parley/db/test";

import type { WsServer } from "./server";
import { connect, deploymentEnv, signUp, startInstances, testRedisUrl, waitFor } from "./test/harness";

/**
 * The scaled shape with S3: two instances, files going straight between SDK clients and a
 * real S3 API (s3rver), never through the instances.
 */
describe("media across instances on S3", () => {
  let s3: S3TestServer;
  let database: TestDatabase;
  let instances: WsServer[] = [];

  beforeAll(async () => {
    s3 = await startS3Server();
    database = await createTestDatabase();
    instances = await startInstances(
      {
        ...deploymentEnv(database.url, testRedisUrl),
        MEDIA_STORAGE: "s3",
        S3_BUCKET: s3.bucket,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: "true",
      },
      2,
    );
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.shutdown()));
    await database?.drop();
    await s3?.close();
  });

  it("a photo sent on one instance arrives live on the other, and only members can fetch it", async () => {
    const [first, second] = instances as [WsServer, WsServer];
    const ana = await signUp(first.url, "Ana");
    const ben = await signUp(second.url, "Ben", { knows: [ana] });
    const cam = await signUp(second.url, "Cam", { knows: [ana, ben] });
    const anaPhone = connect(ana, first.url);
    const benPhone = connect(ben, second.url);
    const camPhone = connect(cam, second.url);
    try {
      const photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#22aa66" } })
        .jpeg()
        .toBuffer();
      const uploaded = await anaPhone.client.uploadMedia({
        kind: "image",
        mime_type: "image/jpeg",
        file_name: "park.jpg",
        body: photo,
      });
      expect(uploaded).toMatchObject({
        kind: "image",
        mime_type: "image/jpeg",
        width: 640,
        height: 480,
        has_thumbnail: true,
      });

      const sent = await anaPhone.client.message.send.mutate({
        receiver_id: ben.id,
        message_type: "image",
        media_id: uploaded.id,
        content: "The park",
        client_msg_id: randomUUID(),
      });
      await waitFor(
        () =>
          benPhone.events.some(({ event }) => event.type === "new_message" && event.message.media?.id === uploaded.id),
        "Ben receives the photo",
      );

      const { url } = await benPhone.client.media.url.query({ media_id: uploaded.id, variant: "original" });
      expect(new URL(url).origin).toBe(new URL(s3.endpoint).origin);
      const fetched = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(await sharp(fetched).metadata()).toMatchObject({ format: "jpeg", width: 640, height: 480 });
      const thumbnail = await fetch(
        (await benPhone.client.media.url.query({ media_id: uploaded.id, variant: "thumbnail" })).url,
      );
      expect((await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).width).toBe(320);

      await expect(
        camPhone.client.media.url.query({ media_id: uploaded.id, variant: "original" }),
      ).rejects.toMatchObject({
        data: { code: "NOT_FOUND" },
      });
      expect(sent.content).toBe("The park");
    } finally {
      await Promise.all([anaPhone.close(), benPhone.close(), camPhone.close()]);
    }
  });
});
