import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";

import { toApiProblem } from "./api-error";
import { initials } from "./initials";
import { formatPhoneNumber } from "./phone";
import { formatDuration } from "./use-countdown";

function trpcError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32600, data } });
}

describe("toApiProblem", () => {
  it("keeps the server's sentence, code and first message per field", () => {
    const problem = toApiProblem(
      trpcError("phone_number: Enter a valid phone number", {
        code: "BAD_REQUEST",
        zodError: { formErrors: [], fieldErrors: { phone_number: ["Enter a valid phone number", "Another"] } },
        retryAfterSeconds: null,
      }),
    );
    expect(problem).toEqual({
      code: "BAD_REQUEST",
      message: "phone_number: Enter a valid phone number",
      fieldErrors: { phone_number: "Enter a valid phone number" },
      retryAfterSeconds: null,
    });
  });

  it("carries when to retry a rate-limited request", () => {
    const problem = toApiProblem(trpcError("Too many codes.", { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 1800 }));
    expect(problem.retryAfterSeconds).toBe(1800);
  });

  it("does not show internal error text", () => {
    const problem = toApiProblem(trpcError("relation users does not exist", { code: "INTERNAL_SERVER_ERROR" }));
    expect(problem.message).toBe("Something went wrong on our side. Please try again.");
  });

  it("tells an unreachable server apart", () => {
    const problem = toApiProblem(TRPCClientError.from(new TypeError("Failed to fetch")));
    expect(problem.code).toBeNull();
    expect(problem.message).toMatch(/Can't reach Parley/);
  });
});

describe("formatting", () => {
  it("shows E.164 numbers the international way and leaves the rest alone", () => {
    expect(formatPhoneNumber("+14152011234")).toBe("+1 415 201 1234");
    expect(formatPhoneNumber("+1 (415) 201-1234")).toBe("+1 415 201 1234");
    expect(formatPhoneNumber("4152011234")).toBe("4152011234");
  });

  it("formats countdowns", () => {
    expect(formatDuration(5)).toBe("0:05");
    expect(formatDuration(75)).toBe("1:15");
    expect(formatDuration(3600 + 61)).toBe("1:01:01");
  });

  it("makes initials from a name, or the number's last digits without one", () => {
    expect(initials("Ada Lovelace", "+14152011234")).toBe("AL");
    expect(initials("  grace  ", "+14152011234")).toBe("G");
    expect(initials("Jean Luc Picard", "+1")).toBe("JP");
    expect(initials(null, "+14152011234")).toBe("34");
  });
});
