"use client";

import { useChatEngine, useChatState } from "~/components/chats/chat-engine";
import { cx } from "~/components/ui/cx";
import { CloseIcon, ForwardIcon, StarIcon } from "~/components/ui/icons";

const barButton =
  "inline-flex size-10 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-muted transition-colors hover:bg-panel-hover disabled:cursor-not-allowed disabled:opacity-45";

type SelectionBarProps = {
  selection: readonly number[];
  onCancel: () => void;
  onForward: () => void;
  onError: (cause: unknown) => void;
};

/** In place of the composer while messages are picked: how many, and what to do with them. */
export function SelectionBar({ selection, onCancel, onForward, onError }: SelectionBarProps) {
  const engine = useChatEngine();
  const starred = useChatState((state) => state.starred);
  const count = selection.length;
  // As in WhatsApp: when every picked message is starred already, the button unstars them.
  const isAllStarred = count > 0 && selection.every((id) => starred[id]);

  function star() {
    for (const id of selection) {
      if (Boolean(starred[id]) !== !isAllStarred) void engine.setStarred(id, !isAllStarred).catch(onError);
    }
    onCancel();
  }

  return (
    <div
      role="toolbar"
      aria-label="Selected messages"
      className="flex h-[60px] shrink-0 items-center gap-2 bg-panel-muted px-3 md:px-4"
    >
      <button type="button" aria-label="Cancel selection" title="Cancel" onClick={onCancel} className={barButton}>
        <CloseIcon className="size-5" />
      </button>
      <p aria-live="polite" className="min-w-0 flex-1 truncate text-[15px] text-ink">
        {count} selected
      </p>
      <button
        type="button"
        aria-label={isAllStarred ? "Unstar selected" : "Star selected"}
        title={isAllStarred ? "Unstar" : "Star"}
        disabled={count === 0}
        onClick={star}
        className={barButton}
      >
        <StarIcon isFilled={isAllStarred} className="size-5" />
      </button>
      <button
        type="button"
        aria-label="Forward selected"
        title="Forward"
        disabled={count === 0}
        onClick={onForward}
        className={cx(barButton, "bg-accent text-accent-ink hover:bg-accent-strong")}
      >
        <ForwardIcon className="size-5" />
      </button>
    </div>
  );
}
