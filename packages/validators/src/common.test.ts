import { describe, expect, it } from "vitest";

import { loginInput, registerInput, updateMeInput, verifyOtpInput } from "./index";
import {
  booleanSchema,
  findMalformedText,
  fullNameSchema,
  idSchema,
  INT4_MAX,
  isInvisibleText,
  messageIdSchema,
  normalizePhoneNumber,
  otpSchema,
  phoneNumberSchema,
  seqSchema,
} from "./common";

describe("phone numbers", () => {
  it.each([
    ["+14155550123", "+14155550123"],
    ["+1 (415) 555-0123", "+14155550123"],
    ["  +44 20 7946 0958 ", "+442079460958"],
    ["+49 151 23456789", "+4915123456789"],
  ])("normalises %j to E.164", (input, expected) => {
    expect(phoneNumberSchema.parse(input)).toBe(expected);
  });

  it.each(["4155550123", "+1555", "+1 555 000 0001", "+999123456789", "hello", "", "+".padEnd(40, "1")])(
    "refuses %j with a message that says what to type",
    (input) => {
      const result = phoneNumberSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/phone number/i);
    },
  );

  it("normalizePhoneNumber returns null for what the schema refuses", () => {
    expect(normalizePhoneNumber("+1 415 555 0123")).toBe("+14155550123");
    expect(normalizePhoneNumber("nope")).toBeNull();
  });
});

describe("auth inputs", () => {
  it("accepts only 6-digit codes", () => {
    expect(otpSchema.parse(" 012345 ")).toBe("012345");
    for (const bad of ["12345", "1234567", "12a456", ""]) expect(otpSchema.safeParse(bad).success).toBe(false);
  });

  it("requires a password of 8 to 128 characters to create an account", () => {
    const base = { phone_number: "+14155550123", otp: "123456" };
    expect(verifyOtpInput.safeParse({ ...base, password: "short" }).success).toBe(false);
    expect(verifyOtpInput.safeParse({ ...base, password: "x".repeat(129) }).success).toBe(false);
    expect(verifyOtpInput.safeParse({ ...base, password: "long enough" }).success).toBe(true);
  });

  it("trims names and refuses empty ones", () => {
    expect(registerInput.parse({ phone_number: "+14155550123", full_name: "  Ana " }).full_name).toBe("Ana");
    expect(registerInput.safeParse({ phone_number: "+14155550123", full_name: "   " }).success).toBe(false);
  });

  it("does not apply new-password rules to login (old accounts keep working)", () => {
    expect(loginInput.safeParse({ phone_number: "+14155550123", password: "x" }).success).toBe(true);
    expect(loginInput.safeParse({ phone_number: "+14155550123", password: "" }).success).toBe(false);
  });
});

describe("profile updates", () => {
  it("needs at least one field and refuses unknown ones", () => {
    expect(updateMeInput.safeParse({}).success).toBe(false);
    expect(updateMeInput.safeParse({ password_hash: "x" }).success).toBe(false);
    expect(updateMeInput.safeParse({ status_message: null }).success).toBe(true);
  });

  it("accepts only http(s) picture URLs", () => {
    expect(updateMeInput.safeParse({ profile_picture_url: "https://cdn.example.com/a.jpg" }).success).toBe(true);
    expect(updateMeInput.safeParse({ profile_picture_url: "javascript:alert(1)" }).success).toBe(false);
    expect(updateMeInput.safeParse({ profile_picture_url: "data:image/png;base64,AAAA" }).success).toBe(false);
  });
});

describe("numbers and booleans as the columns and URLs carry them", () => {
  it("takes integers and decimal strings within the column's range, and nothing else", () => {
    expect(idSchema.parse(7)).toBe(7);
    expect(idSchema.parse("7")).toBe(7);
    expect(idSchema.parse(INT4_MAX)).toBe(INT4_MAX);
    for (const value of [INT4_MAX + 1, 2 ** 53, 0, -1, 1.5, "1e3", " 7", "", "0x10", true, null, [], {}]) {
      expect(idSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    }
    expect(messageIdSchema.parse(INT4_MAX + 1)).toBe(INT4_MAX + 1);
    expect(messageIdSchema.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(seqSchema.safeParse(INT4_MAX + 1).error?.issues[0]?.message).toMatch(/at most 2147483647/);
  });

  it("reads only true and false as booleans", () => {
    expect(booleanSchema.parse("true")).toBe(true);
    expect(booleanSchema.parse("false")).toBe(false);
    expect(booleanSchema.parse(false)).toBe(false);
    for (const value of ["0", "1", "yes", "False", "", 0, 1, null])
      expect(booleanSchema.safeParse(value).success, String(value)).toBe(false);
  });
});

describe("text PostgreSQL can store and names people can see", () => {
  it("finds NUL and unpaired surrogates, and passes paired ones", () => {
    expect(findMalformedText("Ali\u0000ce")).toMatch(/NUL/);
    expect(findMalformedText("\ud800")).toMatch(/surrogate/);
    expect(findMalformedText("x\udc00")).toMatch(/surrogate/);
    expect(findMalformedText("😀 Zoë")).toBeNull();
  });

  it("refuses names that show nothing", () => {
    for (const name of ["\u200b", "\u202e\u2066", " \u200d ", "\u3000", "\u00ad"]) {
      expect(isInvisibleText(name), JSON.stringify(name)).toBe(true);
      expect(fullNameSchema.safeParse(name).success).toBe(false);
    }
    expect(fullNameSchema.parse(" Zoë\u200d ")).toBe("Zoë\u200d");
    expect(fullNameSchema.parse("محمد")).toBe("محمد");
  });
});
