/**
 * `pnpm bench:media`: what checking an upload costs. Phone-sized photos and 16 MiB documents go
 * through the whole path a client takes (media.createUpload, an HTTP PUT to the signed local URL,
 * media.complete: read back, sniff, decode, re-encode without EXIF, thumbnail, write the checked copy),
 * at 1 and 4 at a time,
 * on the embedded shape. Baseline, same run, same files: the bare minimum that path must do,
 * a sharp thumbnail and an EXIF-free re-encode of the photo, written to disk (photos), or writing
 * and reading the bytes back (documents), at the same concurrency.
 *
 * Options: --photos=24 --documents=8 --concurrency=1,4
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import sharp from "sharp";

import { createUploadInput } from "@parley/validators";

import * as media from "../services/media/media";
import { measure, parseOptions, printTable } from "./measure";
import { createTestRuntime, makeUser } from "../test";
import { createApiHttpHandler } from "../transport/http";

const args = parseOptions();
const photoCount = Number(args.get("photos") ?? 24);
const documentCount = Number(args.get("documents") ?? 8);
const concurrencies = (args.get("concurrency") ?? "1,4").split(",").map(Number);

/** A 12-megapixel phone photo: smooth shapes with sensor-like noise, JPEG quality 85. */
async function phonePhoto(): Promise<Buffer> {
  const small = await sharp(randomBytes(500 * 375 * 3), { raw: { width: 500, height: 375, channels: 3 } })
    .blur(3)
    .toBuffer();
  return (
    sharp(small, { raw: { width: 500, height: 375, channels: 3 } })
      .resize(4000, 3000)
      .composite([
        { input: randomBytes(4000 * 3000), raw: { width: 4000, height: 3000, channels: 1 }, blend: "soft-light" },
      ])
      .jpeg({ quality: 85 })
      // As a phone's: camera and position in the EXIF, which the check strips by re-encoding.
      .withExif({
        IFD0: { Make: "PhoneCo", Model: "Snapper 9" },
        IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 29/1" },
      })
      .toBuffer()
  );
}

const runtime = await createTestRuntime({ shape: "embedded", env: { MEDIA_UPLOADS_PER_HOUR: "1000000" } });
const handle = createApiHttpHandler(runtime);
const server = createServer((req, res) => void handle(req, res));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
const scratch = await mkdtemp(join(tmpdir(), "parley-bench-media-"));

try {
  const userId = await makeUser(runtime, "Bench");
  const photo = await phonePhoto();
  const document = Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(16 * 1024 * 1024 - 9)]);
  process.stdout.write(`photo: 4000×3000 JPEG, ${(photo.length / 1e6).toFixed(1)} MB; document: 16 MiB PDF\n\n`);

  const uploadAndCheck = async (file: Buffer, kind: "image" | "document", mimeType: string) => {
    const ticket = await media.createUpload(
      runtime,
      userId,
      createUploadInput.parse({ kind, mime_type: mimeType, size: file.length }),
    );
    const response = await fetch(new URL(ticket.upload.url, origin), {
      method: "PUT",
      headers: ticket.upload.headers,
      body: file,
    });
    if (!response.ok) throw new Error(`upload failed: ${response.status}`);
    await media.completeUpload(runtime, userId, ticket.media_id);
  };

  const rows: string[][] = [];
  for (const concurrency of concurrencies) {
    const pipeline = await measure(photoCount, concurrency, () => uploadAndCheck(photo, "image", "image/jpeg"));
    const baseline = await measure(photoCount, concurrency, async (index) => {
      const thumbnail = await sharp(photo)
        .rotate()
        .resize(320, 320, { fit: "inside" })
        .jpeg({ quality: 72, mozjpeg: true })
        .toBuffer();
      const withoutExif = await sharp(photo).rotate().jpeg({ quality: 85 }).toBuffer();
      await writeFile(join(scratch, `p${index}`), withoutExif);
      await writeFile(join(scratch, `p${index}.thumb`), thumbnail);
    });
    rows.push(["photo", String(concurrency), ...describe(pipeline, baseline)]);

    const docs = await measure(documentCount, concurrency, () =>
      uploadAndCheck(document, "document", "application/pdf"),
    );
    const docBaseline = await measure(documentCount, concurrency, async (index) => {
      await writeFile(join(scratch, `d${index}`), document);
      await readFile(join(scratch, `d${index}`));
    });
    rows.push(["16 MiB document", String(concurrency), ...describe(docs, docBaseline)]);
  }

  const header = ["file", "at once", "files/s", "p50 ms", "p99 ms", "baseline files/s", "× baseline"];
  printTable(header, rows);
  process.stdout.write(
    "\nfiles/s and latency: createUpload + HTTP PUT + complete (sniff, decode, re-encode without EXIF, thumbnail, write checked copy).\n" +
      "Baseline: sharp thumbnail + EXIF-free re-encode, written to disk (photos); writing and reading the file (documents); same run.\n",
  );
} finally {
  await new Promise((resolve) => server.close(resolve));
  await runtime.close();
  await rm(scratch, { recursive: true, force: true });
}

function describe(
  result: Awaited<ReturnType<typeof measure>>,
  baseline: Awaited<ReturnType<typeof measure>>,
): string[] {
  return [
    result.perSecond.toFixed(1),
    result.p50.toFixed(0),
    result.p99.toFixed(0),
    baseline.perSecond.toFixed(1),
    (result.perSecond / baseline.perSecond).toFixed(2),
  ];
}
