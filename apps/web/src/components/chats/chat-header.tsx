"use client";

import type { ReactNode } from "react";

import { NotInContactsBar } from "~/components/people/not-in-contacts-bar";
import { cx } from "~/components/ui/cx";
import { ArrowLeftIcon } from "~/components/ui/icons";
import { parseKey } from "~/lib/chat/state";

import { headerButtonClass } from "./header-button";
import { useOpenChat } from "./use-open-chat";

type ChatHeaderProps = {
  onBack: () => void;
  /** The avatar, the title block and the menu. */
  children: ReactNode;
};

/**
 * The top bar of an open chat (1:1 or group), with the phone's way back to the list; in a 1:1
 * chat with someone you haven't saved, their number and "Add to contacts" under it.
 */
export function ChatHeader({ onBack, children }: ChatHeaderProps) {
  // The open chat is the one in the URL (see useOpenChat), so this is the person it is with.
  const { active } = useOpenChat();
  const opened = active === null ? null : parseKey(active);
  return (
    <>
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
      {opened?.kind === "direct" && <NotInContactsBar peerId={opened.id} />}
    </>
  );
}
