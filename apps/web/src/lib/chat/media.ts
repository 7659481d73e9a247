import {
  DEFAULT_ALLOWED_MEDIA_TYPES,
  MEDIA_MAX_BYTES,
  type LocationOutput,
  type MediaKind,
  type MediaOutput,
  type StoredMessageType,
} from "@parley/validators";

import { displayText } from "../display-text";

/**
 * What the chat screen needs to know about files and places, without React:
 * which kind a file is, whether it may be sent at all, and how a photo,
 * a document or a location reads in a bubble, a chat list or a quote.
 */

const KIB = 1024;

/** "900 B", "12 KB", "2.4 MB": one decimal below 10 units, as file managers show it. */
export function formatFileSize(bytes: number): string {
  if (bytes < KIB) return `${bytes} B`;
  const units = ["KB", "MB", "GB"] as const;
  let value = bytes / KIB;
  let unit = 0;
  while (value >= KIB && unit < units.length - 1) {
    value /= KIB;
    unit += 1;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // 1023.6 KB rounds to 1024 KB: say 1 MB instead.
  if (rounded >= KIB && unit < units.length - 1) return `1 ${units[unit + 1] ?? "GB"}`;
  return `${rounded} ${units[unit] ?? "GB"}`;
}

/** "0:07", "12:30", "1:02:03". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

// Browsers leave File.type empty for types the OS doesn't name (often .docx, .csv, .odt on Linux).
const typesByExtension: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/aac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  wav: "audio/wav",
  pdf: "application/pdf",
  zip: "application/zip",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  rtf: "application/rtf",
  txt: "text/plain",
  csv: "text/csv",
};

// Names browsers and OSes give some of the same types.
const typeAliases: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "audio/mp3": "audio/mpeg",
  "audio/x-m4a": "audio/mp4",
  "audio/m4a": "audio/mp4",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "application/x-zip-compressed": "application/zip",
  "text/rtf": "application/rtf",
};

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot === -1 ? "" : fileName.slice(dot + 1).toLowerCase();
}

/** The file's type without parameters ("audio/webm;codecs=opus" → "audio/webm"), guessed from its name if the browser gave none. */
export function mimeTypeOf(file: { type: string; name?: string }): string {
  const declared = file.type.split(";")[0]?.trim().toLowerCase() ?? "";
  if (declared) return typeAliases[declared] ?? declared;
  return typesByExtension[extensionOf(file.name ?? "")] ?? "";
}

const kinds = Object.keys(DEFAULT_ALLOWED_MEDIA_TYPES) as MediaKind[];

/** The upload kind for a type the server takes, or null for one it refuses. */
export function mediaKindOf(mimeType: string): MediaKind | null {
  return kinds.find((kind) => DEFAULT_ALLOWED_MEDIA_TYPES[kind].includes(mimeType)) ?? null;
}

/** A file input's `accept` for these kinds: the types and, for browsers that go by name, the extensions. */
export function acceptFor(accepted: readonly MediaKind[]): string {
  const types = accepted.flatMap((kind) => DEFAULT_ALLOWED_MEDIA_TYPES[kind]);
  const extensions = Object.entries(typesByExtension)
    .filter(([, type]) => types.includes(type))
    .map(([extension]) => `.${extension}`);
  return [...types, ...extensions].join(",");
}

export type CheckedFile = { file: File; kind: MediaKind; mimeType: string };

/** Whether a file can be sent, before a byte is uploaded (the server checks again, by content). */
export function checkFile(file: File, maxBytes = MEDIA_MAX_BYTES): CheckedFile | { error: string } {
  const name = file.name || "This file";
  const mimeType = mimeTypeOf(file);
  const kind = mediaKindOf(mimeType);
  if (!kind) return { error: `“${name}” can't be sent: Parley doesn't send this type of file.` };
  if (file.size === 0) return { error: `“${name}” is empty.` };
  if (file.size > maxBytes) return { error: `“${name}” is larger than ${formatFileSize(maxBytes)}.` };
  return { file, kind, mimeType };
}

const documentLabels: Record<string, string> = {
  "application/pdf": "PDF",
  "application/zip": "ZIP",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PPTX",
  "application/vnd.oasis.opendocument.text": "ODT",
  "application/vnd.oasis.opendocument.spreadsheet": "ODS",
  "application/rtf": "RTF",
  "text/plain": "TXT",
  "text/csv": "CSV",
};

/** "PDF", "DOCX": the type a document card shows, from its type or else its name. */
export function fileTypeLabel(mimeType: string, fileName: string | null): string {
  const known = documentLabels[mimeType];
  if (known) return known;
  const extension = extensionOf(fileName ?? "");
  if (extension) return extension.toUpperCase();
  return (mimeType.split("/")[1] ?? "file").toUpperCase();
}

/** The parts of a message a one-line summary is made of; replies carry no media, so it is optional. */
export type PreviewSource = {
  message_type: StoredMessageType | "system";
  content: string | null;
  media?: Pick<MediaOutput, "kind" | "is_voice_note" | "file_name"> | null;
  location?: Pick<LocationOutput, "name"> | null;
};

/**
 * A message as one line (chat list, quote, reply bar): "📷 Photo", "📷 On the beach",
 * "📄 report.pdf", "📍 Location". Text messages are their text.
 */
export function previewText({ message_type: type, content, media, location }: PreviewSource): string {
  const caption = content?.trim() ? content : null;
  switch (type) {
    case "image":
      return `📷 ${caption ?? "Photo"}`;
    case "video":
      return `🎥 ${caption ?? "Video"}`;
    case "audio":
      if (media?.is_voice_note) return `🎤 ${caption ?? "Voice message"}`;
      return `🎵 ${caption ?? "Audio"}`;
    case "document":
      return `📄 ${caption ?? displayText(media?.file_name ?? "Document")}`;
    case "location":
      return `📍 ${displayText(location?.name || "Location")}`;
    case "encrypted":
      // This app doesn't hold keys yet: the message is for the person's encrypted devices.
      return "🔒 End-to-end encrypted message";
    default:
      return content ?? "";
  }
}

/** "48.85837, 2.29448": five decimals is about a metre. */
export function formatCoordinates(latitude: number, longitude: number): string {
  return `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`;
}

/** OpenStreetMap with a marker on the spot, at street level. */
export function mapUrl(latitude: number, longitude: number): string {
  const lat = latitude.toFixed(5);
  const lon = longitude.toFixed(5);
  return `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`;
}

/**
 * How big a photo or video shows in a bubble: its own shape, scaled to fit
 * `max` on both sides, no smaller than `min` wide, so the list never jumps
 * when it loads. Unknown sizes get a square.
 */
export function mediaBox(
  width: number | null,
  height: number | null,
  max = 330,
  min = 140,
): { width: number; height: number } {
  if (!width || !height || width <= 0 || height <= 0) return { width: Math.min(max, 240), height: Math.min(max, 240) };
  const scale = Math.min(max / width, max / height, 1);
  let boxWidth = width * scale;
  let boxHeight = height * scale;
  if (boxWidth < min) {
    // A tall, narrow picture: keep it readable, crop what doesn't fit (object-cover).
    boxHeight = Math.min(max, boxHeight * (min / boxWidth));
    boxWidth = min;
  }
  return { width: Math.round(boxWidth), height: Math.round(boxHeight) };
}
