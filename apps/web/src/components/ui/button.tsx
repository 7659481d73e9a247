import type { ButtonHTMLAttributes } from "react";

import { cx } from "./cx";
import { Spinner } from "./spinner";

type Variant = "primary" | "secondary" | "link";

const variants: Record<Variant, string> = {
  primary:
    "h-11 w-full rounded-full bg-accent px-6 text-[15px] font-medium text-accent-ink shadow-sm hover:bg-accent-strong disabled:bg-accent/60",
  secondary:
    "h-11 w-full rounded-full border border-field-line bg-panel px-6 text-[15px] font-medium text-accent-strong hover:bg-panel-hover",
  link: "rounded text-sm font-medium text-accent-strong hover:underline disabled:text-ink-faint disabled:no-underline",
};

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: Variant;
  /** Shows a spinner and blocks clicks while a request is under way. */
  pending?: boolean;
};

export function Button({
  variant = "primary",
  pending = false,
  disabled,
  className,
  children,
  type,
  ...rest
}: ButtonProps) {
  return (
    <button
      type={type ?? "button"}
      disabled={disabled || pending}
      aria-busy={pending || undefined}
      className={cx(
        "inline-flex cursor-pointer items-center justify-center gap-2 transition-colors disabled:cursor-not-allowed",
        variants[variant],
        className,
      )}
      {...rest}
    >
      {pending && <Spinner className="size-4" />}
      {children}
    </button>
  );
}
