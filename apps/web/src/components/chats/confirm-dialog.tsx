"use client";

import { useState, type ReactNode } from "react";

import { Alert } from "~/components/ui/alert";
import { CancelAndConfirm, Dialog } from "~/components/ui/dialog";
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
        <CancelAndConfirm
          label={confirmLabel}
          onCancel={onClose}
          onConfirm={() => void confirm()}
          variant="danger"
          isPending={isPending}
        />
      }
    >
      {error && <Alert className="mt-4">{error}</Alert>}
    </Dialog>
  );
}
