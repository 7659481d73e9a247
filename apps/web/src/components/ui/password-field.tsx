"use client";

import { useState } from "react";

import { EyeIcon, EyeOffIcon } from "./icons";
import { TextField, type TextFieldProps } from "./text-field";

export function PasswordField(props: Omit<TextFieldProps, "type" | "trailing">) {
  const [isVisible, setIsVisible] = useState(false);
  return (
    <TextField
      {...props}
      type={isVisible ? "text" : "password"}
      autoCapitalize="none"
      autoCorrect="off"
      spellCheck={false}
      trailing={
        <button
          type="button"
          aria-pressed={isVisible}
          onClick={() => setIsVisible((visible) => !visible)}
          className="inline-flex size-9 cursor-pointer items-center justify-center rounded-md text-ink-faint hover:text-ink-muted"
        >
          {isVisible ? <EyeOffIcon className="size-5" /> : <EyeIcon className="size-5" />}
          {/* Named by its content rather than aria-label so it is not mistaken for the field's label. */}
          <span className="sr-only">Show password</span>
        </button>
      }
    />
  );
}
