import { describe, expect, it } from "vitest";

import { describeSystemEvent, senderColour, typingLine } from "./group-text";

const ME = 1;
const names: Record<number, string> = { 2: "Ana", 3: "Ben" };
const nameOf = (id: number) => names[id] ?? null;

describe("describeSystemEvent", () => {
  it("tells it with today's names, and you as you", () => {
    expect(
      describeSystemEvent(
        { action: "removed", actor_id: 2, user_ids: [ME], name: null },
        "Ana R. removed Linus",
        ME,
        nameOf,
      ),
    ).toBe("Ana removed you");
    expect(describeSystemEvent({ action: "added", actor_id: ME, user_ids: [2, 3], name: null }, null, ME, nameOf)).toBe(
      "You added Ana and Ben",
    );
    expect(describeSystemEvent({ action: "promoted", actor_id: 2, user_ids: [ME], name: null }, null, ME, nameOf)).toBe(
      "You're now an admin",
    );
  });

  it("falls back to the stored text while a name is unknown", () => {
    expect(describeSystemEvent({ action: "left", actor_id: 9, user_ids: [], name: null }, "Cy left", ME, nameOf)).toBe(
      "Cy left",
    );
  });
});

describe("typingLine", () => {
  it("names one or two people, and counts more", () => {
    expect(typingLine([])).toBeNull();
    expect(typingLine(["Ana"])).toBe("Ana is typing…");
    expect(typingLine(["Ana", "Ben"])).toBe("Ana and Ben are typing…");
    expect(typingLine(["Ana", "Ben", "Cy"])).toBe("3 people are typing…");
  });
});

describe("senderColour", () => {
  it("gives a person the same colour every time", () => {
    expect(senderColour(42)).toBe(senderColour(42));
    expect(senderColour(42)).not.toBe(senderColour(43));
  });
});
