import { describe, expect, it } from "vitest";

import { previewText } from "./chat/media";
import { displayText } from "./display-text";
import { initials } from "./initials";
import { personName } from "./people/contact-names";

const RLO = "\u202E";

describe("displayText", () => {
  it("drops every embedding, override, isolate and mark", () => {
    const controls = [
      "\u202A",
      "\u202B",
      "\u202C",
      "\u202D",
      RLO,
      "\u2066",
      "\u2067",
      "\u2068",
      "\u2069",
      "\u200E",
      "\u200F",
      "\u061C",
    ];
    for (const control of controls) expect(displayText(`a${control}b`)).toBe("ab");
  });

  it("undoes the file-name spoof: invoice‮fdp.exe is an .exe", () => {
    expect(displayText(`invoice${RLO}fdp.exe`)).toBe("invoicefdp.exe");
  });

  it("keeps right-to-left letters, emoji joiners and ordinary text", () => {
    expect(displayText("مريم")).toBe("مريم");
    expect(displayText("שלום Ada")).toBe("שלום Ada");
    expect(displayText("👩‍💻 Ada Lovelace")).toBe("👩‍💻 Ada Lovelace");
  });
});

describe("names on screen lose their bidi controls", () => {
  it("a person's own name and the name saved for them", () => {
    expect(personName({ full_name: `Ada${RLO} Lovelace`, phone_number: "+14155550100" }, new Map())).toBe(
      "Ada Lovelace",
    );
    expect(
      personName({ full_name: null, phone_number: "+14155550100" }, new Map([["+14155550100", `${RLO}Grace`]])),
    ).toBe("Grace");
  });

  it("initials skip a leading control", () => {
    expect(initials(`${RLO}ada lovelace`, "00")).toBe("AL");
  });

  it("a document's name and a place's name in a one-line preview", () => {
    const media = { kind: "document" as const, is_voice_note: false, file_name: `invoice${RLO}fdp.exe` };
    expect(previewText({ message_type: "document", content: null, media })).toBe("📄 invoicefdp.exe");
    expect(previewText({ message_type: "location", content: null, location: { name: `Caf${RLO}é` } })).toBe("📍 Café");
  });
});
