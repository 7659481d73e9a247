"use client";

import { useState } from "react";

import { Alert } from "~/components/ui/alert";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";

import { useChatEngine } from "./chat-engine";

type BlockDialogProps = {
  peerId: number;
  peerName: string;
  onClose: () => void;
};

export function BlockDialog({ peerId, peerName, onClose }: BlockDialogProps) {
  const engine = useChatEngine();
  const [isPending, setIsPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function block() {
    setIsPending(true);
    setError(null);
    try {
      await engine.setBlocked(peerId, true);
      onClose();
    } catch (cause) {
      setError(toApiProblem(cause).message);
      setIsPending(false);
    }
  }

  return (
    <Dialog
      title={`Block ${peerName}?`}
      description="Blocked contacts can't send you messages, see when you're online or that you're typing. You can unblock them at any time."
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
            onClick={() => void block()}
          >
            {isPending && <Spinner className="size-4" />}
            Block
          </button>
        </>
      }
    >
      {error && <Alert className="mt-4">{error}</Alert>}
    </Dialog>
  );
}
