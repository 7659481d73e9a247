import type { ReactNode } from "react";

import { cx } from "./cx";

type FieldShellProps = {
  /** The control's id, for the label. */
  id: string;
  label: string;
  /** Shown under the control: an error, or a hint. */
  message?: ReactNode;
  messageId: string;
  isError: boolean;
  className?: string;
  children: ReactNode;
};

/** The frame every form field shares: label, the control, and a message under it. */
export function FieldShell({ id, label, message, messageId, isError, className, children }: FieldShellProps) {
  return (
    <div className={cx("space-y-1.5", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-ink-muted">
        {label}
      </label>
      <div className="relative">{children}</div>
      {message && (
        <p id={messageId} className={cx("text-[13px] leading-5", isError ? "text-danger" : "text-ink-faint")}>
          {message}
        </p>
      )}
    </div>
  );
}
