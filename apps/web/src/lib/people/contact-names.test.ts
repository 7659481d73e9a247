import { afterEach, describe, expect, it, vi } from "vitest";

import { contactNameOf, getContactNames, personName, setContactNames, subscribeContactNames } from "./contact-names";

afterEach(() => setContactNames([]));

describe("contact names", () => {
  it("looks names up by E.164 number, ignoring blank ones", () => {
    setContactNames([
      { phone_number: "+14152011234", name: " Grace (work) " },
      { phone_number: "+14152015678", name: "   " },
    ]);
    expect(contactNameOf("+14152011234")).toBe("Grace (work)");
    expect(contactNameOf("+14152015678")).toBeUndefined();
    expect(contactNameOf("+14152019999")).toBeUndefined();
  });

  it("tells listeners of real changes only, with a new snapshot each time", () => {
    const listener = vi.fn();
    const unsubscribe = subscribeContactNames(listener);
    setContactNames([{ phone_number: "+14152011234", name: "Grace" }]);
    const first = getContactNames();
    setContactNames([{ phone_number: "+14152011234", name: "Grace" }]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(getContactNames()).toBe(first);

    setContactNames([{ phone_number: "+14152011234", name: "Amazing Grace" }]);
    expect(listener).toHaveBeenCalledTimes(2);
    expect(getContactNames()).not.toBe(first);

    unsubscribe();
    setContactNames([]);
    expect(listener).toHaveBeenCalledTimes(2);
  });
});

describe("personName", () => {
  const grace = { full_name: "Grace Hopper", phone_number: "+14152011234" };

  it("prefers the name you saved, then theirs, then their number", () => {
    expect(personName(grace)).toBe("Grace Hopper");
    expect(personName({ full_name: null, phone_number: "+14152011234" })).toBe("+1 415 201 1234");
    setContactNames([{ phone_number: "+14152011234", name: "Amazing Grace" }]);
    expect(personName(grace)).toBe("Amazing Grace");
    expect(personName({ full_name: null, phone_number: "+14152011234" })).toBe("Amazing Grace");
  });
});
