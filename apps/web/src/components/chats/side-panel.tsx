"use client";

import type { ReactNode } from "react";

import { headerButtonClass } from "~/components/chats/header-button";
import { ArrowLeftIcon } from "~/components/ui/icons";

type SidePanelProps = {
  title: string;
  onClose: () => void;
  children: ReactNode;
};

/** A panel over the chat list (Contacts, Profile, Privacy), as "New chat" is: back returns to the chats. */
export function SidePanel({ title, onClose, children }: SidePanelProps) {
  return (
    <section aria-label={title} className="absolute inset-0 z-20 flex animate-fade-in flex-col bg-panel">
      {/* Escape is a shortcut for Back, heard from whatever has focus inside: the wrapper only
          catches keys bubbling up, so it is presentational and the section stays a region. */}
      <div
        role="presentation"
        onKeyDown={(event) => {
          // Escape in one of the panel's dialogs closes that dialog, not the panel too.
          if (event.key === "Escape" && !(event.target as Element).closest("dialog")) onClose();
        }}
        className="flex min-h-0 flex-1 flex-col"
      >
        <header className="flex h-16 shrink-0 items-center gap-4 bg-panel-muted px-3">
          <button type="button" aria-label="Back to chats" title="Back" onClick={onClose} className={headerButtonClass}>
            <ArrowLeftIcon className="size-5" />
          </button>
          <h2 className="text-[17px] font-medium text-ink">{title}</h2>
        </header>
        <div className="min-h-0 flex-1 overflow-y-auto">{children}</div>
      </div>
    </section>
  );
}

/** A titled group of rows inside a side panel. */
export function PanelSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="border-b border-line py-3">
      <h3 className="px-6 pb-2 text-sm font-medium text-accent-strong">{title}</h3>
      {children}
    </section>
  );
}
