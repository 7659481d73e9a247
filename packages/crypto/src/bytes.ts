const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);
/** Throws on bytes that are not UTF-8, so a garbled plaintext is never shown as text. */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");

export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new Error("not a hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// btoa/atob exist in Node 20 and every browser; Buffer does not exist in browsers.
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** A copy whose buffer is exactly its bytes, as WebCrypto's BufferSource wants. */
export const exactBuffer = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

export const randomBytes = (length: number): Uint8Array => crypto.getRandomValues(new Uint8Array(length));

/** Length-prefixed fields (u16 length each): one unambiguous byte string for what gets signed. */
export function framed(...fields: Uint8Array[]): Uint8Array {
  return concatBytes(
    ...fields.flatMap((field) => {
      if (field.length > 0xffff) throw new Error("field too long to frame");
      return [new Uint8Array([field.length >> 8, field.length & 0xff]), field];
    }),
  );
}

/** Reads what `framed` wrote; undefined if the bytes are not exactly `count` fields. */
export function unframe(bytes: Uint8Array, count: number): Uint8Array[] | undefined {
  const fields: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 2 > bytes.length) return undefined;
    const length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    offset += 2;
    if (offset + length > bytes.length) return undefined;
    fields.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return fields.length === count ? fields : undefined;
}
