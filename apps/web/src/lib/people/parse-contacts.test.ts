import { describe, expect, it } from "vitest";

import { isPhoneLike, parseContacts, parseCsv } from "./parse-contacts";

describe("parseContacts: vCard", () => {
  it("reads every number of every card, named after FN", () => {
    const vcf = [
      "BEGIN:VCARD",
      "VERSION:3.0",
      "FN:Ada Lovelace",
      "N:Lovelace;Ada;;;",
      "TEL;TYPE=CELL:+44 7700 900123",
      "item1.TEL;type=HOME:+1 (415) 201-1234",
      "END:VCARD",
      "BEGIN:VCARD",
      "VERSION:4.0",
      "FN:Grace Hopper",
      "TEL;VALUE=uri;TYPE=cell:tel:+1-415-201-5678",
      "END:VCARD",
    ].join("\r\n");
    expect(parseContacts(vcf)).toEqual({
      contacts: [
        { name: "Ada Lovelace", phone_number: "+44 7700 900123" },
        { name: "Ada Lovelace", phone_number: "+1 (415) 201-1234" },
        { name: "Grace Hopper", phone_number: "+1-415-201-5678" },
      ],
      unusable: [],
    });
  });

  it("falls back to N, then ORG, then the number for the name", () => {
    const vcf = [
      "BEGIN:VCARD",
      "N:Hopper;Grace;Brewster;Rear Admiral;",
      "TEL:+14152010001",
      "END:VCARD",
      "BEGIN:VCARD",
      "ORG:Analytical Engines Ltd;Sales",
      "TEL:+14152010002",
      "END:VCARD",
      "BEGIN:VCARD",
      "TEL:+14152010003",
      "END:VCARD",
    ].join("\n");
    expect(parseContacts(vcf).contacts.map((contact) => contact.name)).toEqual([
      "Rear Admiral Grace Brewster Hopper",
      "Analytical Engines Ltd",
      "+14152010003",
    ]);
  });

  it("unfolds long lines, unescapes text and decodes vCard 2.1 quoted-printable names", () => {
    const vcf = [
      "\uFEFFBEGIN:VCARD",
      "VERSION:2.1",
      "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9e Fran=",
      "=C3=A7ois",
      "TEL;CELL:+33 6 12 34 56 78",
      "END:VCARD",
      "BEGIN:VCARD",
      "VERSION:3.0",
      "FN:Smith\\, John and",
      "  Jane",
      "TEL:+14152010004",
      "END:VCARD",
    ].join("\r\n");
    expect(parseContacts(vcf).contacts).toEqual([
      { name: "Renée François", phone_number: "+33 6 12 34 56 78" },
      { name: "Smith, John and Jane", phone_number: "+14152010004" },
    ]);
  });

  it("lists cards without a number as unusable, and keeps invalid numbers for the server to judge", () => {
    const vcf =
      "BEGIN:VCARD\nFN:Nobody\nEMAIL:nobody@example.com\nEND:VCARD\nBEGIN:VCARD\nFN:Typo\nTEL:12345\nEND:VCARD\n";
    expect(parseContacts(vcf)).toEqual({ contacts: [{ name: "Typo", phone_number: "12345" }], unusable: ["Nobody"] });
  });

  it("turns the 00 international prefix into +", () => {
    expect(parseContacts("BEGIN:VCARD\nFN:Hans\nTEL:0049 30 1234567\nEND:VCARD").contacts).toEqual([
      { name: "Hans", phone_number: "+49 30 1234567" },
    ]);
  });
});

describe("parseContacts: CSV and pasted lines", () => {
  it("reads 'name, number' lines, either way round, skipping blank ones", () => {
    const text = "Ada Lovelace, +44 7700 900123\n\n+1 415 201 1234, Grace Hopper\r\nLovelace, Ada, +14152010005\n";
    expect(parseContacts(text)).toEqual({
      contacts: [
        { name: "Ada Lovelace", phone_number: "+44 7700 900123" },
        { name: "Grace Hopper", phone_number: "+1 415 201 1234" },
        { name: "Lovelace, Ada", phone_number: "+14152010005" },
      ],
      unusable: [],
    });
  });

  it("names a line without a name by its number, and lists lines without a number", () => {
    expect(parseContacts("+14152010006\nJust a name\nBob, call me")).toEqual({
      contacts: [{ name: "+14152010006", phone_number: "+14152010006" }],
      unusable: ["Just a name", "Bob, call me"],
    });
  });

  it("uses a header row to find the name and every phone column (Google's export)", () => {
    const csv = [
      "Name,Given Name,Family Name,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value",
      "Ada Lovelace,Ada,Lovelace,Mobile,+44 7700 900123,Home,+44 20 7946 0000",
      'Grace Hopper,Grace,Hopper,Mobile,"+1 415 201 1234",,',
      "No Number,No,Number,,,,",
    ].join("\n");
    expect(parseContacts(csv)).toEqual({
      contacts: [
        { name: "Ada Lovelace", phone_number: "+44 7700 900123" },
        { name: "Ada Lovelace", phone_number: "+44 20 7946 0000" },
        { name: "Grace Hopper", phone_number: "+1 415 201 1234" },
      ],
      unusable: ["No Number"],
    });
  });

  it("joins first and last name columns (Outlook's export), with ; as the separator", () => {
    const csv = "\uFEFFFirst Name;Last Name;Mobile Phone\nAda;Lovelace;+44 7700 900123\n";
    expect(parseContacts(csv).contacts).toEqual([{ name: "Ada Lovelace", phone_number: "+44 7700 900123" }]);
  });
});

describe("parseCsv", () => {
  it("handles quotes, doubled quotes and line breaks inside quotes", () => {
    expect(parseCsv('a,"b, c","say ""hi"""\n"multi\nline",x')).toEqual([
      ["a", "b, c", 'say "hi"'],
      ["multi\nline", "x"],
    ]);
  });
});

describe("isPhoneLike", () => {
  it("accepts what people write numbers with, and nothing else", () => {
    expect(isPhoneLike("+1 (415) 201-1234")).toBe(true);
    expect(isPhoneLike("tel:+14152011234")).toBe(true);
    expect(isPhoneLike("020 7946 0000")).toBe(true);
    expect(isPhoneLike("Ada")).toBe(false);
    expect(isPhoneLike("12")).toBe(false);
    expect(isPhoneLike("call 555 1234")).toBe(false);
  });
});
