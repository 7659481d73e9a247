"use client";

import { useState, type ReactNode } from "react";

import { Alert } from "~/components/ui/alert";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";

type ConfirmDialogProps = {
  title: string;
  description: ReactNode;
  confirmLabel: string;
  /** Runs on confirm; the dialog closes when it succeeds and shows the error when it fails. */
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
};

/** "Remove Ana?", "Exit group?", "Block Ana?": a destructive action asked about once more. */
export function ConfirmDialog({ title, description, confirmLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const [isPending, setIsPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setIsPending(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (cause) {
      setError(toApiProblem(cause).message);
      setIsPending(false);
    }
  }

  return (
    <Dialog
      title={title}
      description={description}
      onClose={onClose}
      actions={
        <>
          <button type="button" className={dialogButtonClass()} onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className={dialogButtonClass("danger")}
            disabled={isPending}
            onClick={() => void confirm()}
          >
            {isPending && <Spinner className="size-4" />}
            {confirmLabel}
          </button>
        </>
      }
    >
      {error && <Alert className="mt-4">{error}</Alert>}
    </Dialog>
  );
}
