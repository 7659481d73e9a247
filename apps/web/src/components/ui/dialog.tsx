"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

import { cx } from "./cx";
import { Spinner } from "./spinner";

type DialogProps = {
  title: string;
  description?: ReactNode;
  onClose: () => void;
  /** The buttons, right-aligned like the messenger's own dialogs. */
  actions: ReactNode;
  /** Several long choices read better stacked (as "Delete for everyone / for me / Cancel"). */
  stackActions?: boolean;
  children?: ReactNode;
};

/**
 * A modal confirmation on the native <dialog>: focus is trapped and Escape
 * closes it for free. Mount it to open it, unmount it to close it. The
 * <dialog> fills the viewport, transparent over its ::backdrop, so that a
 * click beside the panel lands on an element of its own.
 */
export function Dialog({ title, description, onClose, actions, stackActions, children }: DialogProps) {
  const titleId = useId();
  const descriptionId = useId();
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className="m-0 size-full max-h-none max-w-none bg-transparent p-0 text-ink backdrop:bg-black/40 open:flex dark:backdrop:bg-black/60"
    >
      {/* A click beside the panel closes it, for the mouse; Escape does the same for everyone
          else, so the catcher is hidden from assistive technology. */}
      <div aria-hidden="true" onClick={onClose} className="fixed inset-0" />
      {/* The margins and limits the browser gives a modal <dialog> of its own. */}
      <div
        className={cx(
          "relative m-auto max-h-[calc(100%-2em-6px)] w-[min(92vw,420px)] max-w-[calc(100%-2em-6px)] animate-fade-in overflow-auto rounded-2xl bg-popover px-6 pt-6 pb-5",
          "shadow-[0_17px_50px_0_rgba(11,20,26,0.19),0_12px_15px_0_rgba(11,20,26,0.24)]",
        )}
      >
        <h2 id={titleId} className="text-[17px] font-medium text-ink">
          {title}
        </h2>
        {description && (
          <div id={descriptionId} className="mt-2 text-sm leading-5 text-ink-muted">
            {description}
          </div>
        )}
        {children}
        <div className={cx("mt-6 flex gap-2", stackActions ? "flex-col items-end" : "flex-wrap justify-end")}>
          {actions}
        </div>
      </div>
    </dialog>
  );
}

/** The text-style buttons of a dialog; "primary" is the filled one. */
export function dialogButtonClass(variant: "primary" | "plain" | "danger" = "plain") {
  return cx(
    "inline-flex h-10 cursor-pointer items-center justify-center gap-2 rounded-full px-5 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60",
    variant === "primary" && "bg-accent text-accent-ink hover:bg-accent-strong",
    variant === "danger" && "bg-danger text-white hover:opacity-90",
    variant === "plain" && "border border-field-line text-accent-strong hover:bg-panel-hover",
  );
}

/** The usual pair of dialog buttons: Cancel, and the action (with a spinner while it runs). */
export function CancelAndConfirm({
  label,
  onCancel,
  onConfirm,
  variant = "primary",
  isPending = false,
  isDisabled = false,
}: {
  label: ReactNode;
  onCancel: () => void;
  onConfirm: () => void;
  variant?: "primary" | "danger";
  isPending?: boolean;
  isDisabled?: boolean;
}) {
  return (
    <>
      <button type="button" className={dialogButtonClass()} onClick={onCancel}>
        Cancel
      </button>
      <button
        type="button"
        className={dialogButtonClass(variant)}
        disabled={isPending || isDisabled}
        onClick={onConfirm}
      >
        {isPending && <Spinner className="size-4" />}
        {label}
      </button>
    </>
  );
}
