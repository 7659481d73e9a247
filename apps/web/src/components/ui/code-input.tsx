"use client";

import { useId, useState, type ComponentProps } from "react";

import { useIsHydrated } from "~/lib/use-is-hydrated";

import { cx } from "./cx";
import { FieldShell } from "./field-shell";

type CodeInputProps = Omit<ComponentProps<"input">, "id" | "value" | "onChange" | "type"> & {
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  error?: string;
  length?: number;
};

/**
 * One real input (so paste, SMS autofill and screen readers just work) drawn
 * as a row of digit boxes.
 */
export function CodeInput({
  label,
  value,
  onValueChange,
  error,
  length = 6,
  className,
  readOnly,
  ...input
}: CodeInputProps) {
  const id = useId();
  const isHydrated = useIsHydrated();
  const errorId = `${id}-error`;
  const [isFocused, setIsFocused] = useState(false);
  const activeIndex = Math.min(value.length, length - 1);

  return (
    <FieldShell id={id} label={label} message={error} messageId={errorId} isError className={className}>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]*"
        maxLength={length}
        value={value}
        onChange={(event) => onValueChange(event.target.value.replace(/\D/g, "").slice(0, length))}
        onFocus={() => setIsFocused(true)}
        onBlur={() => setIsFocused(false)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        className="absolute inset-0 z-10 h-full w-full cursor-text text-base opacity-0"
        readOnly={!isHydrated || readOnly}
        {...input}
      />
      {/* Equal columns without a style attribute, which the page's CSP (no inline styles) would refuse. */}
      <div aria-hidden="true" className="grid auto-cols-fr grid-flow-col gap-2">
        {Array.from({ length }, (_, index) => {
          const digit = value[index];
          const isActive = isFocused && index === activeIndex;
          return (
            <div
              key={index}
              className={cx(
                "flex h-13 items-center justify-center rounded-lg border bg-field text-2xl font-semibold text-ink tabular-nums transition-[border-color,box-shadow]",
                error ? "border-danger" : isActive ? "border-accent ring-3 ring-accent/20" : "border-field-line",
              )}
            >
              {digit ?? (isActive ? <span className="h-6 w-px animate-pulse bg-ink" /> : null)}
            </div>
          );
        })}
      </div>
    </FieldShell>
  );
}
