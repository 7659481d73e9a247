import { describe, expect, it } from "vitest";

import { highlightParts, searchExcerpt, searchWords } from "./search-text";

const marked = (text: string, query: string) =>
  highlightParts(text, query)
    .map((part) => (part.isMatch ? `[${part.text}]` : part.text))
    .join("");

describe("searchWords", () => {
  it("takes letters and digits as the server does, lowercased, once each", () => {
    expect(searchWords("  Dinner, tomorrow? dinner ")).toEqual(["dinner", "tomorrow"]);
    expect(searchWords("!!! ...")).toEqual([]);
    expect(searchWords("Café 42")).toEqual(["café", "42"]);
  });
});

describe("highlightParts", () => {
  it("marks the start of words the search's words begin", () => {
    expect(marked("Dinner tomorrow at eight?", "din tom")).toBe("[Din]ner [tom]orrow at eight?");
  });

  it("matches at word starts only, in any case, and every time", () => {
    expect(marked("Undo the DIN, din again", "din")).toBe("Undo the [DIN], [din] again");
    expect(marked("condiment", "din")).toBe("condiment");
  });

  it("prefers the longest word where two start the same way", () => {
    expect(marked("dinner", "din dinner")).toBe("[dinner]");
  });

  it("handles letters beyond ASCII", () => {
    expect(marked("Über café", "über CAF")).toBe("[Über] [caf]é");
  });

  it("leaves text alone for a search without words", () => {
    expect(highlightParts("hello", "  ?")).toEqual([{ text: "hello", isMatch: false }]);
    expect(highlightParts("", "hello")).toEqual([]);
  });
});

describe("searchExcerpt", () => {
  it("keeps short texts and early matches whole", () => {
    expect(searchExcerpt("Dinner tomorrow?", "tomorrow")).toBe("Dinner tomorrow?");
  });

  it("starts a long text shortly before its first match, between words", () => {
    const text = "So after all that happened last week at the office we finally agreed on dinner tomorrow";
    const excerpt = searchExcerpt(text, "dinner", 12);
    expect(excerpt.startsWith("…")).toBe(true);
    expect(excerpt.endsWith("dinner tomorrow")).toBe(true);
    expect(excerpt).toBe("…agreed on dinner tomorrow");
  });
});
