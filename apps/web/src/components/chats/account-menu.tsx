"use client";

import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

import { cx } from "~/components/ui/cx";
import { DevicesIcon, LogOutIcon, MoreIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";

type AccountMenuProps = {
  onLogOut: () => void;
  onLogOutEverywhere: () => void;
  isLoggingOut: boolean;
};

/** The "⋮" menu of the chat list header (WAI-ARIA menu button pattern). */
export function AccountMenu({ onLogOut, onLogOutEverywhere, isLoggingOut }: AccountMenuProps) {
  const menuId = useId();
  const [isOpen, setIsOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!isOpen) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const closeOnOutsidePointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setIsOpen(false);
    };
    document.addEventListener("pointerdown", closeOnOutsidePointer);
    return () => document.removeEventListener("pointerdown", closeOnOutsidePointer);
  }, [isOpen]);

  function close() {
    setIsOpen(false);
    buttonRef.current?.focus();
  }

  function handleMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const index = items.indexOf(document.activeElement as HTMLElement);
    const focusAt = (next: number) => items[(next + items.length) % items.length]?.focus();
    if (event.key === "Escape") close();
    else if (event.key === "Tab") setIsOpen(false);
    else if (event.key === "ArrowDown") focusAt(index + 1);
    else if (event.key === "ArrowUp") focusAt(index - 1);
    else if (event.key === "Home") focusAt(0);
    else if (event.key === "End") focusAt(items.length - 1);
    else return;
    if (event.key !== "Tab") event.preventDefault();
  }

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label="Menu"
        title="Menu"
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls={isOpen ? menuId : undefined}
        onClick={() => setIsOpen((open) => !open)}
        className={cx(
          "inline-flex size-10 cursor-pointer items-center justify-center rounded-full text-ink-muted transition-colors hover:bg-black/5 dark:hover:bg-white/10",
          isOpen && "bg-black/5 dark:bg-white/10",
        )}
      >
        {isLoggingOut ? <Spinner className="size-5" /> : <MoreIcon className="size-5" />}
      </button>
      {isOpen && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label="Account"
          onKeyDown={handleMenuKeyDown}
          className="absolute top-11 right-0 z-30 w-64 origin-top-right animate-fade-in rounded-xl bg-popover py-2 shadow-[0_2px_5px_0_rgba(11,20,26,0.26),0_2px_10px_0_rgba(11,20,26,0.16)]"
        >
          <MenuItem
            icon={<LogOutIcon className="size-5" />}
            disabled={isLoggingOut}
            onSelect={() => {
              setIsOpen(false);
              onLogOut();
            }}
          >
            Log out
          </MenuItem>
          <MenuItem
            icon={<DevicesIcon className="size-5" />}
            disabled={isLoggingOut}
            onSelect={() => {
              setIsOpen(false);
              onLogOutEverywhere();
            }}
          >
            Log out on all devices
          </MenuItem>
        </div>
      )}
    </div>
  );
}

function MenuItem({
  icon,
  disabled,
  onSelect,
  children,
}: {
  icon: ReactNode;
  disabled: boolean;
  onSelect: () => void;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role="menuitem"
      tabIndex={-1}
      disabled={disabled}
      onClick={onSelect}
      className="flex w-full cursor-pointer items-center gap-3.5 px-5 py-2.5 text-left text-[15px] text-ink outline-none hover:bg-panel-hover focus-visible:bg-panel-hover disabled:opacity-50"
    >
      <span className="text-ink-faint">{icon}</span>
      {children}
    </button>
  );
}
