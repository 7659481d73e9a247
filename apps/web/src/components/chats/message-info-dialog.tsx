"use client";

import { useEffect, useState } from "react";

import type { MessageInfo } from "@parley/sdk";

import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { CheckDoubleIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import { formatReceiptTime } from "~/lib/chat/format";
import { previewText } from "~/lib/chat/media";
import type { ThreadMessage } from "~/lib/chat/state";

import { useChatEngine } from "./chat-engine";
import { displayName } from "./display-name";

type MessageInfoDialogProps = {
  message: ThreadMessage;
  now: Date;
  onClose: () => void;
};

/** "Message info" for one of my messages: who has it, who read it, and when. */
export function MessageInfoDialog({ message, now, onClose }: MessageInfoDialogProps) {
  const engine = useChatEngine();
  const [info, setInfo] = useState<MessageInfo | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Fetched once per opening: the ticks in the conversation are what moves live.
  useEffect(() => {
    let isCurrent = true;
    engine
      .messageInfo(message.id)
      .then((result) => {
        if (isCurrent) setInfo(result);
      })
      .catch((cause: unknown) => {
        if (isCurrent) setError(toApiProblem(cause).message);
      });
    return () => {
      isCurrent = false;
    };
  }, [engine, message.id]);

  return (
    <Dialog
      title="Message info"
      description={<p className="line-clamp-3 break-words whitespace-pre-wrap">{previewText(message)}</p>}
      onClose={onClose}
      actions={
        <button type="button" className={dialogButtonClass()} onClick={onClose}>
          Close
        </button>
      }
    >
      {error && <Alert className="mt-4">{error}</Alert>}
      {!info && !error && (
        <div className="mt-5 flex justify-center text-ink-faint">
          <Spinner className="size-5" />
          <span className="sr-only">Loading message info</span>
        </div>
      )}
      {info && (
        <ul aria-label="Recipients" className="mt-4 max-h-[50vh] space-y-1 overflow-y-auto">
          {info.recipients.map((recipient) => (
            <li key={recipient.user_id} data-testid="recipient" className="flex items-center gap-3 py-2">
              <Avatar name={recipient.profile.full_name} seed={recipient.profile.phone_number} />
              <div className="min-w-0 flex-1 text-[13px] leading-5 text-ink-muted">
                <p className="truncate text-[15px] text-ink">
                  <Name>{displayName(recipient.profile)}</Name>
                </p>
                <p className="flex items-center gap-1.5">
                  <CheckDoubleIcon className="h-[11px] w-[16px] text-tick-read" />
                  Read{" "}
                  {recipient.read_at ? (
                    formatReceiptTime(recipient.read_at, now)
                  ) : (
                    <span className="text-ink-faint">—</span>
                  )}
                </p>
                <p className="flex items-center gap-1.5">
                  <CheckDoubleIcon className="h-[11px] w-[16px]" />
                  Delivered{" "}
                  {recipient.delivered_at ? (
                    formatReceiptTime(recipient.delivered_at, now)
                  ) : (
                    <span className="text-ink-faint">—</span>
                  )}
                </p>
              </div>
            </li>
          ))}
          {info.recipients.length === 0 && <li className="py-2 text-sm text-ink-faint">Nobody else was here.</li>}
        </ul>
      )}
    </Dialog>
  );
}
