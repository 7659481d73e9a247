import type { ReactNode } from "react";

import { cx } from "~/components/ui/cx";
import { ArrowLeftIcon } from "~/components/ui/icons";

import { headerButtonClass } from "./header-button";

type ChatHeaderProps = {
  onBack: () => void;
  /** The avatar, the title block and the menu. */
  children: ReactNode;
};

/** The top bar of an open chat (1:1 or group), with the phone's way back to the list. */
export function ChatHeader({ onBack, children }: ChatHeaderProps) {
  return (
    <header className="flex h-16 shrink-0 items-center gap-2 border-l border-line bg-panel-muted pr-2 pl-1 md:gap-3 md:pl-4">
      <button
        type="button"
        aria-label="Back to chats"
        title="Back"
        onClick={onBack}
        className={cx(headerButtonClass, "md:hidden")}
      >
        <ArrowLeftIcon className="size-5" />
      </button>
      {children}
    </header>
  );
}
