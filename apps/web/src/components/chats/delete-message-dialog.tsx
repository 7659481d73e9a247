"use client";

import { useState } from "react";

import { Alert } from "~/components/ui/alert";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import type { ConversationKey, ThreadMessage } from "~/lib/chat/state";

import { useChatEngine } from "./chat-engine";

// The server's rule, mirrored so the option is only offered when it can work.
const DELETE_FOR_EVERYONE_MS = 60 * 60 * 60 * 1000;

type DeleteMessageDialogProps = {
  conversationKey: ConversationKey;
  message: ThreadMessage;
  selfId: number;
  now: Date;
  onClose: () => void;
};

export function DeleteMessageDialog({ conversationKey, message, selfId, now, onClose }: DeleteMessageDialogProps) {
  const engine = useChatEngine();
  const [pending, setPending] = useState<"everyone" | "me" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canDeleteForEveryone =
    message.sender_id === selfId &&
    !message.is_deleted &&
    now.getTime() - Date.parse(message.created_at) < DELETE_FOR_EVERYONE_MS;

  async function remove(forEveryone: boolean) {
    setPending(forEveryone ? "everyone" : "me");
    setError(null);
    try {
      await engine.deleteMessage(conversationKey, message, forEveryone);
      onClose();
    } catch (cause) {
      setError(toApiProblem(cause).message);
      setPending(null);
    }
  }

  return (
    <Dialog
      title="Delete message?"
      description={
        canDeleteForEveryone
          ? "Delete it for everyone, or only from this chat on your devices."
          : "It will be removed from this chat on your devices."
      }
      onClose={onClose}
      stackActions={canDeleteForEveryone}
      actions={
        <>
          {canDeleteForEveryone && (
            <button
              type="button"
              className={dialogButtonClass("primary")}
              disabled={pending !== null}
              onClick={() => void remove(true)}
            >
              {pending === "everyone" && <Spinner className="size-4" />}
              Delete for everyone
            </button>
          )}
          <button
            type="button"
            className={dialogButtonClass()}
            disabled={pending !== null}
            onClick={() => void remove(false)}
          >
            {pending === "me" && <Spinner className="size-4" />}
            Delete for me
          </button>
          <button type="button" className={dialogButtonClass()} onClick={onClose}>
            Cancel
          </button>
        </>
      }
    >
      {error && <Alert className="mt-4">{error}</Alert>}
    </Dialog>
  );
}
