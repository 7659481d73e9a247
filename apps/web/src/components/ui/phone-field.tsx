"use client";

import type { FocusEvent } from "react";

import { formatPhoneNumber } from "~/lib/phone";

import { TextField, type TextFieldProps } from "./text-field";

type PhoneFieldProps = Omit<TextFieldProps, "type" | "value" | "onChange" | "label"> & {
  label?: string;
  value: string;
  onValueChange: (value: string) => void;
};

export function PhoneField({ label = "Phone number", value, onValueChange, onBlur, hint, ...rest }: PhoneFieldProps) {
  return (
    <TextField
      label={label}
      type="tel"
      inputMode="tel"
      autoComplete="tel"
      placeholder="+1 415 555 0123"
      hint={hint ?? "Include the country code, starting with +"}
      value={value}
      onChange={(event) => onValueChange(event.target.value)}
      onBlur={(event: FocusEvent<HTMLInputElement>) => {
        // Tidy up what was typed, so the person can check the number at a glance.
        onValueChange(formatPhoneNumber(value));
        onBlur?.(event);
      }}
      {...rest}
    />
  );
}
