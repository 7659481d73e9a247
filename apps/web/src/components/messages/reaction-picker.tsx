"use client";

import { useEffect, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";

import { cx } from "~/components/ui/cx";
import { PlusIcon } from "~/components/ui/icons";
import { MORE_REACTIONS, QUICK_REACTIONS } from "~/lib/chat/message-actions";

/** Where the picker opens: the button or bubble it was opened from, measured when it was opened. */
export type PickerAnchor = { top: number; bottom: number; left: number; right: number };

type ReactionPickerProps = {
  anchor: PickerAnchor;
  /** My reaction now, checked in the bar. */
  current: string | null;
  onPick: (emoji: string) => void;
  onClose: () => void;
};

const MARGIN = 8;
const BAR_WIDTH = 320;
const BAR_HEIGHT = 52;
const GRID_HEIGHT = 260;

function place(anchor: PickerAnchor, isExpanded: boolean): CSSProperties {
  const height = isExpanded ? BAR_HEIGHT + GRID_HEIGHT : BAR_HEIGHT;
  const width = Math.min(BAR_WIDTH, window.innerWidth - 2 * MARGIN);
  const left = Math.max(MARGIN, Math.min(anchor.right - width, window.innerWidth - width - MARGIN));
  // Above the message when there is room, as in WhatsApp; else below it.
  const opensUp = anchor.top - height - MARGIN > 0;
  return opensUp
    ? { position: "fixed", width, left, bottom: window.innerHeight - anchor.top + 4 }
    : { position: "fixed", width, left, top: Math.min(anchor.bottom + 4, window.innerHeight - height - MARGIN) };
}

/**
 * The quick reactions (👍 ❤️ 😂 😮 😢 🙏) and, behind "+", a few more. Picking my current one
 * takes it back. A menu of radio items: arrows move, Enter picks, Escape closes.
 */
export function ReactionPicker({ anchor, current, onPick, onClose }: ReactionPickerProps) {
  const [isExpanded, setIsExpanded] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const style = place(anchor, isExpanded);

  useEffect(() => {
    const items = ref.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]');
    const checked = ref.current?.querySelector<HTMLElement>('[aria-checked="true"]');
    (checked ?? items?.[0])?.focus();
  }, []);

  useEffect(() => {
    const closeOnOutsidePointer = (event: PointerEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    const close = () => onClose();
    // Fixed to where the message was: a scrolling list would leave it behind (its own grid may scroll).
    const closeOnScroll = (event: Event) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("pointerdown", closeOnOutsidePointer);
    window.addEventListener("resize", close);
    document.addEventListener("scroll", closeOnScroll, true);
    return () => {
      document.removeEventListener("pointerdown", closeOnOutsidePointer);
      window.removeEventListener("resize", close);
      document.removeEventListener("scroll", closeOnScroll, true);
    };
  }, [onClose]);

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const options = Array.from(ref.current?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? []);
    const index = options.indexOf(document.activeElement as HTMLElement);
    const focusAt = (next: number) => options[(next + options.length) % options.length]?.focus();
    if (event.key === "Escape" || event.key === "Tab") onClose();
    else if (event.key === "ArrowRight" || event.key === "ArrowDown") focusAt(index + 1);
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") focusAt(index - 1);
    else if (event.key === "Home") focusAt(0);
    else if (event.key === "End") focusAt(options.length - 1);
    else return;
    // Escape must not also close the conversation or a dialog behind the picker.
    event.stopPropagation();
    if (event.key !== "Tab") event.preventDefault();
  }

  const emoji = (value: string, size: "bar" | "grid") => (
    <button
      key={value}
      type="button"
      role="menuitemradio"
      aria-checked={value === current}
      aria-label={value}
      title={value === current ? "Remove your reaction" : undefined}
      tabIndex={-1}
      onClick={() => onPick(value)}
      className={cx(
        "inline-flex cursor-pointer items-center justify-center rounded-full outline-none transition-transform hover:scale-110 hover:bg-panel-hover focus-visible:bg-panel-hover",
        size === "bar" ? "size-10 text-[24px]" : "size-9 text-[22px]",
        value === current && "bg-accent-soft",
      )}
    >
      {value}
    </button>
  );

  return createPortal(
    <div
      ref={ref}
      role="menu"
      aria-label="React"
      aria-orientation="horizontal"
      // Focus lives on the emoji; the picker itself takes it only from a click between them, and
      // then keeps the arrow keys working instead of dropping focus to <body>.
      tabIndex={-1}
      onKeyDown={handleKeyDown}
      style={style}
      className="z-50 animate-fade-in overflow-hidden outline-none rounded-3xl bg-popover shadow-[0_2px_5px_0_rgba(11,20,26,0.26),0_2px_10px_0_rgba(11,20,26,0.16)]"
    >
      <div className="flex items-center justify-between px-1.5 py-1.5">
        {QUICK_REACTIONS.map((value) => emoji(value, "bar"))}
        <button
          type="button"
          role="menuitem"
          aria-label="More reactions"
          aria-expanded={isExpanded}
          title="More reactions"
          tabIndex={-1}
          onClick={() => setIsExpanded((value) => !value)}
          className="inline-flex size-9 cursor-pointer items-center justify-center rounded-full bg-panel-muted text-ink-muted outline-none hover:bg-panel-hover focus-visible:bg-panel-hover"
        >
          <PlusIcon className="size-5" />
        </button>
      </div>
      {isExpanded && (
        <div
          role="group"
          aria-label="More reactions"
          style={{ maxHeight: GRID_HEIGHT }}
          className="grid grid-cols-7 gap-0.5 overflow-y-auto border-t border-line px-2 py-2"
        >
          {MORE_REACTIONS.map((value) => emoji(value, "grid"))}
        </div>
      )}
    </div>,
    document.body,
  );
}
