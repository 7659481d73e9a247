import { describe, expect, it } from "vitest";

import { loginInput, registerInput, updateMeInput, verifyOtpInput } from "./index";
import { normalizePhoneNumber, otpSchema, phoneNumberSchema } from "./common";

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
