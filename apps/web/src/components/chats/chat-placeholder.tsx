import { LockIcon } from "~/components/ui/icons";
import { LogoMark } from "~/components/ui/logo";

/** The right-hand pane on wide screens while no chat is open. */
export function ChatPlaceholder() {
  return (
    <section
      aria-label="Conversation"
      className="hidden min-w-0 flex-1 flex-col items-center justify-center border-b-[6px] border-accent bg-panel-muted px-10 md:flex"
    >
      <div className="flex max-w-[460px] flex-1 flex-col items-center justify-center text-center">
        <span className="mb-8 inline-flex size-36 items-center justify-center rounded-full bg-panel text-accent shadow-sm">
          <LogoMark className="size-20" />
        </span>
        <h2 className="text-[32px] font-light text-ink">Parley Web</h2>
        <p className="mt-4 text-sm leading-6 text-ink-muted">Select a chat to start messaging</p>
      </div>
      <p className="flex items-center gap-1.5 pb-10 text-[13px] text-ink-faint">
        <LockIcon className="size-3.5" />
        Signed in on this browser. Log out from the menu when you're done.
      </p>
    </section>
  );
}
