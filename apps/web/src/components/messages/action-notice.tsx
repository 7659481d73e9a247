import { CloseIcon } from "~/components/ui/icons";

/** Why something done to a message didn't work ("You can only edit messages you sent."), over the conversation. */
export function ActionNotice({ text, onDismiss }: { text: string; onDismiss: () => void }) {
  return (
    <div
      role="alert"
      className="absolute bottom-20 left-1/2 z-30 flex w-max max-w-[90%] -translate-x-1/2 animate-fade-in items-start gap-2 rounded-lg bg-danger-soft py-2 pr-1.5 pl-3 text-sm leading-5 text-danger shadow-md"
    >
      <p className="min-w-0 flex-1 py-1">{text}</p>
      <button
        type="button"
        aria-label="Dismiss"
        title="Dismiss"
        onClick={onDismiss}
        className="inline-flex size-7 shrink-0 cursor-pointer items-center justify-center rounded-full hover:bg-black/5"
      >
        <CloseIcon className="size-4" />
      </button>
    </div>
  );
}
