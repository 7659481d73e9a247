/** One address book entry as `contact.import` takes it; the server normalises and checks the number. */
export type ParsedContact = { name: string; phone_number: string };

export type ParsedContacts = {
  contacts: ParsedContact[];
  /** Entries that can't be sent at all (no number, or something too long to be one), as the file has them. */
  unusable: string[];
};

// What contact.import accepts per entry (importContactsInput).
const NAME_MAX_LENGTH = 255;
const PHONE_MAX_LENGTH = 64;

/** An address book as a file's text: vCard (.vcf) when it has cards, otherwise CSV or "name, number" lines. */
export function parseContacts(text: string): ParsedContacts {
  // A byte order mark (Excel, some phones) is not part of the first line.
  const content = text.replace(/^\uFEFF/, "");
  return /^BEGIN:VCARD\s*$/im.test(content) ? parseVCards(content) : parseContactLines(content);
}

/**
 * vCard 2.1, 3.0 and 4.0 as phones and mail programs export them: every TEL of a card becomes
 * an entry named after the card (FN, else N, else ORG).
 */
export function parseVCards(text: string): ParsedContacts {
  const result: ParsedContacts = { contacts: [], unusable: [] };
  let card: VCard | null = null;
  for (const line of unfold(text)) {
    const property = parseProperty(line);
    if (!property) continue;
    if (property.name === "BEGIN" && property.value.toUpperCase() === "VCARD") {
      card = { fn: null, n: null, org: null, tels: [] };
    } else if (property.name === "END" && property.value.toUpperCase() === "VCARD") {
      if (card) addCard(result, card);
      card = null;
    } else if (card) {
      const value = decodeValue(property);
      if (property.name === "FN") card.fn = unescapeText(value).trim() || null;
      else if (property.name === "N") card.n = nameFromN(value);
      else if (property.name === "ORG") card.org = unescapeText(value.split(/(?<!\\);/)[0] ?? "").trim() || null;
      else if (property.name === "TEL") card.tels.push(value.replace(/^tel:/i, "").trim());
    }
  }
  return result;
}

type VCard = { fn: string | null; n: string | null; org: string | null; tels: string[] };

function addCard(result: ParsedContacts, card: VCard) {
  const tels = card.tels.filter(Boolean);
  const name = card.fn ?? card.n ?? card.org;
  if (tels.length === 0) {
    if (name) result.unusable.push(name);
    return;
  }
  for (const tel of tels) addEntry(result, name ?? tel, tel);
}

/** Lines of a vCard with folded lines joined (RFC 6350 §3.2; quoted-printable soft breaks too). */
function unfold(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const previous = lines.at(-1);
    if (previous !== undefined && /^[ \t]/.test(raw)) lines[lines.length - 1] = previous + raw.slice(1);
    else if (previous !== undefined && /ENCODING=QUOTED-PRINTABLE/i.test(previous) && previous.endsWith("=")) {
      lines[lines.length - 1] = previous.slice(0, -1) + raw;
    } else lines.push(raw);
  }
  return lines;
}

type Property = { name: string; params: string[]; value: string };

/** "item1.TEL;TYPE=CELL:+1 415…" → TEL, [TYPE=CELL], "+1 415…". */
function parseProperty(line: string): Property | null {
  const colon = indexOutsideQuotes(line, ":");
  if (colon < 0) return null;
  const [head = "", ...params] = line.slice(0, colon).split(";");
  const name = (head.split(".").pop() ?? "").trim().toUpperCase();
  return name ? { name, params, value: line.slice(colon + 1) } : null;
}

function indexOutsideQuotes(text: string, char: string): number {
  let isQuoted = false;
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '"') isQuoted = !isQuoted;
    else if (text[index] === char && !isQuoted) return index;
  }
  return -1;
}

function decodeValue(property: Property): string {
  const isQuotedPrintable = property.params.some((param) => /^(ENCODING=)?QUOTED-PRINTABLE$/i.test(param.trim()));
  return isQuotedPrintable ? decodeQuotedPrintable(property.value) : property.value;
}

/** vCard 2.1 (old phones) writes non-ASCII names as quoted-printable UTF-8: "=C3=A9" is "é". */
function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let index = 0; index < value.length; index += 1) {
    const hex = value.slice(index + 1, index + 3);
    if (value[index] === "=" && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...encoder.encode(value[index]));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function unescapeText(value: string): string {
  return value.replace(/\\([\\,;nN])/g, (_, char: string) => (char === "n" || char === "N" ? " " : char));
}

/** N is "Family;Given;Additional;Prefix;Suffix": shown as "Prefix Given Additional Family Suffix". */
function nameFromN(value: string): string | null {
  const [family = "", given = "", additional = "", prefix = "", suffix = ""] = value
    .split(/(?<!\\);/)
    .map((part) => unescapeText(part).trim());
  const name = [prefix, given, additional, family, suffix].filter(Boolean).join(" ");
  return name || null;
}

/**
 * CSV exported by a mail program or a spreadsheet (a header row naming the name and phone
 * columns), or lines typed or pasted as "name, number" (either way round).
 */
export function parseContactLines(text: string): ParsedContacts {
  const result: ParsedContacts = { contacts: [], unusable: [] };
  const rows = parseCsv(text).filter((row) => row.some((cell) => cell.trim() !== ""));
  const header = rows[0] ? headerColumns(rows[0]) : null;
  for (const row of header ? rows.slice(1) : rows) {
    const cells = row.map((cell) => cell.trim());
    if (header) {
      const phones = header.phones.map((column) => cells[column] ?? "").filter(isPhoneLike);
      const name = header.name
        .map((column) => cells[column] ?? "")
        .filter(Boolean)
        .join(" ");
      if (phones.length === 0) {
        if (name || cells.some(Boolean)) result.unusable.push(name || cells.filter(Boolean).join(", "));
        continue;
      }
      for (const phone of phones) addEntry(result, name || phone, phone);
      continue;
    }
    const phoneAt = findLastIndex(cells, isPhoneLike);
    const name = cells.filter((cell, index) => index !== phoneAt && cell !== "").join(", ");
    const phone = cells[phoneAt];
    if (phone === undefined) result.unusable.push(cells.filter(Boolean).join(", "));
    else addEntry(result, name || phone, phone);
  }
  return result;
}

type Header = { name: number[]; phones: number[] };

const FULL_NAME = /^(name|full ?name|display ?name|contact ?name|nom|nombre)$/i;
const NAME_PARTS = /^(first|given|middle|additional|last|family|sur) ?name$/i;
const PHONE = /phone|mobile|cell|tel|number|handy|whatsapp/i;

/**
 * The columns holding the name and the numbers, when the first row is a header: Google's
 * "Name … Phone 1 - Value", Outlook's "First Name, Last Name, Mobile Phone", or a plain
 * "name,phone".
 */
function headerColumns(row: string[]): Header | null {
  const cells = row.map((cell) => cell.trim());
  if (cells.some(isPhoneLike)) return null;
  const full = cells.findIndex((cell) => FULL_NAME.test(cell));
  const name = full >= 0 ? [full] : indexesOf(cells, (cell) => NAME_PARTS.test(cell));
  // Google's export has "Phone 1 - Label" beside "Phone 1 - Value": only the values are numbers.
  const phones = indexesOf(cells, (cell) => PHONE.test(cell) && !/label|type/i.test(cell));
  return phones.length > 0 ? { name, phones } : null;
}

function indexesOf(cells: string[], test: (cell: string) => boolean): number[] {
  return cells.flatMap((cell, index) => (test(cell) ? [index] : []));
}

function findLastIndex<T>(items: T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item !== undefined && test(item)) return index;
  }
  return -1;
}

/** Digits with the punctuation people write numbers with, and enough digits to be one. */
export function isPhoneLike(value: string): boolean {
  const text = value.trim().replace(/^tel:/i, "");
  return /^\+?[\d\s().\-/]+$/.test(text) && text.replace(/\D/g, "").length >= 3;
}

function addEntry(result: ParsedContacts, name: string, rawPhone: string) {
  // The server wants international numbers; "00" is how much of the world dials the "+".
  const phone = rawPhone.trim().replace(/^00(?=[1-9])/, "+");
  if (phone.length > PHONE_MAX_LENGTH) {
    result.unusable.push(`${name} (${phone.slice(0, 24)}…)`);
    return;
  }
  result.contacts.push({ name: name.trim().slice(0, NAME_MAX_LENGTH), phone_number: phone });
}

/** RFC 4180 CSV (quotes, doubled quotes, line breaks in quotes), with ";" or a tab as the separator if the first line uses them. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.split(/\r\n|\r|\n/, 1)[0] ?? "";
  const separator = [",", ";", "\t"].reduce((best, candidate) =>
    count(firstLine, candidate) > count(firstLine, best) ? candidate : best,
  );
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let isQuoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (isQuoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') isQuoted = false;
      else cell += char;
    } else if (char === '"' && cell.trim() === "") {
      isQuoted = true;
      cell = "";
    } else if (char === separator) {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += char;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}
