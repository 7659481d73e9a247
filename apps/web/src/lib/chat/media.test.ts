import { describe, expect, it } from "vitest";

import { MEDIA_MAX_BYTES } from "@parley/validators";

import {
  acceptFor,
  checkFile,
  fileTypeLabel,
  formatCoordinates,
  formatDuration,
  formatFileSize,
  mapUrl,
  mediaBox,
  mediaKindOf,
  mimeTypeOf,
  previewText,
} from "./media";

function fileOf(name: string, type: string, size: number): File {
  const file = new File([], name, { type });
  // Only the size matters here; no need to allocate 16 MB.
  Object.defineProperty(file, "size", { value: size });
  return file;
}

describe("file sizes and durations", () => {
  it("reads like a file manager", () => {
    expect(formatFileSize(0)).toBe("0 B");
    expect(formatFileSize(900)).toBe("900 B");
    expect(formatFileSize(1024)).toBe("1 KB");
    expect(formatFileSize(12_800)).toBe("13 KB");
    expect(formatFileSize(2.4 * 1024 * 1024)).toBe("2.4 MB");
    expect(formatFileSize(MEDIA_MAX_BYTES)).toBe("16 MB");
    expect(formatFileSize(1024 * 1024 - 1)).toBe("1 MB");
    expect(formatFileSize(3 * 1024 ** 3)).toBe("3 GB");
  });

  it("shows minutes and seconds, hours when there are any", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(7.6)).toBe("0:07");
    expect(formatDuration(750)).toBe("12:30");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("0:00");
  });
});

describe("file types", () => {
  it("drops parameters and guesses a type the browser didn't give", () => {
    expect(mimeTypeOf({ type: "audio/webm;codecs=opus" })).toBe("audio/webm");
    expect(mimeTypeOf({ type: "IMAGE/JPG" })).toBe("image/jpeg");
    expect(mimeTypeOf({ type: "", name: "Report.DOCX" })).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(mimeTypeOf({ type: "", name: "notes" })).toBe("");
  });

  it("picks the upload kind from what the server takes", () => {
    expect(mediaKindOf("image/png")).toBe("image");
    expect(mediaKindOf("video/quicktime")).toBe("video");
    expect(mediaKindOf("audio/webm")).toBe("audio");
    expect(mediaKindOf("application/pdf")).toBe("document");
    expect(mediaKindOf("application/x-msdownload")).toBeNull();
    expect(mediaKindOf("")).toBeNull();
  });

  it("lists types and extensions for a file input", () => {
    const accept = acceptFor(["image", "video"]).split(",");
    expect(accept).toEqual(expect.arrayContaining(["image/jpeg", "video/mp4", ".jpg", ".mov"]));
    expect(accept).not.toContain("application/pdf");
  });

  it("refuses what the server would refuse, before uploading", () => {
    expect(checkFile(fileOf("photo.jpg", "image/jpeg", 2048))).toMatchObject({ kind: "image", mimeType: "image/jpeg" });
    expect(checkFile(fileOf("setup.exe", "application/x-msdownload", 2048))).toEqual({
      error: "“setup.exe” can't be sent: Parley doesn't send this type of file.",
    });
    expect(checkFile(fileOf("empty.pdf", "application/pdf", 0))).toEqual({ error: "“empty.pdf” is empty." });
    expect(checkFile(fileOf("film.mp4", "video/mp4", MEDIA_MAX_BYTES + 1))).toEqual({
      error: "“film.mp4” is larger than 16 MB.",
    });
  });

  it("names a document's type", () => {
    expect(fileTypeLabel("application/pdf", "a.pdf")).toBe("PDF");
    expect(fileTypeLabel("application/octet-stream", "data.bin")).toBe("BIN");
    expect(fileTypeLabel("text/markdown", null)).toBe("MARKDOWN");
  });
});

describe("previewText", () => {
  const media = { kind: "image" as const, is_voice_note: false, file_name: null };

  it("says what a file or place is, or shows its caption", () => {
    expect(previewText({ message_type: "image", content: null, media })).toBe("📷 Photo");
    expect(previewText({ message_type: "image", content: "On the beach", media })).toBe("📷 On the beach");
    expect(previewText({ message_type: "video", content: "  ", media: null })).toBe("🎥 Video");
    expect(
      previewText({ message_type: "audio", content: null, media: { ...media, kind: "audio", is_voice_note: true } }),
    ).toBe("🎤 Voice message");
    expect(previewText({ message_type: "audio", content: null, media: { ...media, kind: "audio" } })).toBe("🎵 Audio");
    expect(
      previewText({
        message_type: "document",
        content: null,
        media: { ...media, kind: "document", file_name: "q3.pdf" },
      }),
    ).toBe("📄 q3.pdf");
    // A quoted document carries no file name.
    expect(previewText({ message_type: "document", content: null })).toBe("📄 Document");
    expect(previewText({ message_type: "location", content: null, location: { name: null } })).toBe("📍 Location");
    expect(previewText({ message_type: "location", content: null, location: { name: "Eiffel Tower" } })).toBe(
      "📍 Eiffel Tower",
    );
    expect(previewText({ message_type: "text", content: "Hello" })).toBe("Hello");
  });
});

describe("locations", () => {
  it("shows five decimals and links to OpenStreetMap with a marker", () => {
    expect(formatCoordinates(48.858370123, 2.2944813)).toBe("48.85837, 2.29448");
    expect(formatCoordinates(-33.8688, 151.2093)).toBe("-33.86880, 151.20930");
    expect(mapUrl(48.85837, 2.29448)).toBe(
      "https://www.openstreetmap.org/?mlat=48.85837&mlon=2.29448#map=16/48.85837/2.29448",
    );
  });
});

describe("mediaBox", () => {
  it("keeps a picture's shape within the bubble's limits", () => {
    expect(mediaBox(1600, 1200)).toEqual({ width: 330, height: 248 });
    expect(mediaBox(1080, 1920)).toEqual({ width: 186, height: 330 });
    expect(mediaBox(64, 64)).toEqual({ width: 140, height: 140 });
    // Very tall: no narrower than the minimum, cropped to the maximum height.
    expect(mediaBox(100, 2000)).toEqual({ width: 140, height: 330 });
    expect(mediaBox(null, null)).toEqual({ width: 240, height: 240 });
  });
});
