"use client";

import { useId, type ComponentProps, type ReactNode } from "react";

import { useIsHydrated } from "~/lib/use-is-hydrated";

import { cx } from "./cx";
import { FieldShell } from "./field-shell";

export type TextFieldProps = Omit<ComponentProps<"input">, "id"> & {
  label: string;
  hint?: ReactNode;
  error?: string;
  /** Rendered inside the input's right edge (e.g. a show/hide button). */
  trailing?: ReactNode;
};

export const inputClass =
  "block h-11 w-full rounded-lg border border-field-line bg-field px-3.5 text-base text-ink placeholder:text-ink-faint " +
  "transition-[border-color,box-shadow] outline-none focus:border-accent focus:ring-3 focus:ring-accent/20 " +
  "aria-invalid:border-danger aria-invalid:focus:ring-danger/20 disabled:opacity-60 sm:text-[15px]";

export function TextField({ label, hint, error, trailing, className, readOnly, ...input }: TextFieldProps) {
  const id = useId();
  // Typing before hydration would be lost (React keeps its own empty state), so wait for it.
  const isHydrated = useIsHydrated();
  const messageId = `${id}-message`;
  const message = error ?? hint;
  return (
    <FieldShell
      id={id}
      label={label}
      message={message}
      messageId={messageId}
      isError={Boolean(error)}
      className={className}
    >
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={message ? messageId : undefined}
        className={cx(inputClass, trailing ? "pr-12" : undefined)}
        readOnly={!isHydrated || readOnly}
        {...input}
      />
      {trailing && <div className="absolute inset-y-0 right-1 flex items-center">{trailing}</div>}
    </FieldShell>
  );
}
