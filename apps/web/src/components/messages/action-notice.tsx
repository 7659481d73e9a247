import { cx } from "~/components/ui/cx";
import { CloseIcon } from "~/components/ui/icons";

/**
 * Why something didn't work ("You can only edit messages you sent."), dismissible: above the
 * composer, or floating over the conversation (the caller places it with `className`).
 */
export function ActionNotice({
  text,
  onDismiss,
  className,
}: {
  text: string;
  onDismiss: () => void;
  className?: string;
}) {
  return (
    <div
      role="alert"
      className={cx(
        "flex animate-fade-in items-start gap-2 rounded-lg bg-danger-soft py-2 pr-1.5 pl-3 text-sm leading-5 text-danger",
        className,
      )}
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
