"use client";

import {
  useEffect,
  useId,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from "react";
import { createPortal } from "react-dom";

import { cx } from "./cx";

export type MenuItem = {
  label: string;
  icon?: ReactNode;
  onSelect: () => void;
  disabled?: boolean;
  tone?: "danger";
};

type MenuProps = {
  /** The button's accessible name (and tooltip). */
  label: string;
  /** What the button shows. */
  children: ReactNode;
  /** The menu's accessible name. */
  menuLabel: string;
  items: MenuItem[];
  buttonClassName?: string;
  /** Classes for the button while its menu is open. */
  openButtonClassName?: string;
  align?: "start" | "end";
  width?: number;
  disabled?: boolean;
  onOpenChange?: (isOpen: boolean) => void;
  /** The menu button, for opening the menu from elsewhere (a right-click, a long press). */
  buttonRef?: RefObject<HTMLButtonElement | null>;
};

const ITEM_HEIGHT = 44;
const MARGIN = 8;

/**
 * A menu button (WAI-ARIA pattern). The menu is fixed to the viewport, so a
 * scrolling message list never clips it, and opens upwards near the bottom.
 */
export function Menu({
  label,
  children,
  menuLabel,
  items,
  buttonClassName,
  openButtonClassName,
  align = "end",
  width = 224,
  disabled,
  onOpenChange,
  buttonRef: externalButtonRef,
}: MenuProps) {
  const menuId = useId();
  const [position, setPosition] = useState<CSSProperties | null>(null);
  const ownButtonRef = useRef<HTMLButtonElement>(null);
  const buttonRef = externalButtonRef ?? ownButtonRef;
  const menuRef = useRef<HTMLDivElement>(null);
  const isOpen = position !== null;

  function setOpen(next: CSSProperties | null) {
    setPosition(next);
    onOpenChange?.(next !== null);
  }

  useEffect(() => {
    if (!isOpen) return;
    menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]:not(:disabled)')?.focus();
    const closeOnOutsidePointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) {
        setPosition(null);
        onOpenChange?.(false);
      }
    };
    const close = () => {
      setPosition(null);
      onOpenChange?.(false);
    };
    document.addEventListener("pointerdown", closeOnOutsidePointer);
    window.addEventListener("resize", close);
    // A fixed menu would float away from its message when the list scrolls.
    document.addEventListener("scroll", close, true);
    return () => {
      document.removeEventListener("pointerdown", closeOnOutsidePointer);
      window.removeEventListener("resize", close);
      document.removeEventListener("scroll", close, true);
    };
  }, [isOpen, onOpenChange, buttonRef]);

  function toggle() {
    if (isOpen || !buttonRef.current) {
      setOpen(null);
      return;
    }
    const rect = buttonRef.current.getBoundingClientRect();
    const height = items.length * ITEM_HEIGHT + 16;
    const opensUp = rect.bottom + height + MARGIN > window.innerHeight && rect.top - height - MARGIN > 0;
    const horizontal =
      align === "end"
        ? { left: Math.max(MARGIN, Math.min(rect.right - width, window.innerWidth - width - MARGIN)) }
        : { left: Math.max(MARGIN, Math.min(rect.left, window.innerWidth - width - MARGIN)) };
    setOpen({
      position: "fixed",
      width,
      ...horizontal,
      ...(opensUp ? { bottom: window.innerHeight - rect.top + 4 } : { top: rect.bottom + 4 }),
    });
  }

  function closeAndFocus() {
    setOpen(null);
    buttonRef.current?.focus();
  }

  function handleMenuKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const options = Array.from(
      menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not(:disabled)') ?? [],
    );
    const index = options.indexOf(document.activeElement as HTMLElement);
    const focusAt = (next: number) => options[(next + options.length) % options.length]?.focus();
    if (event.key === "Escape") closeAndFocus();
    else if (event.key === "Tab") setOpen(null);
    else if (event.key === "ArrowDown") focusAt(index + 1);
    else if (event.key === "ArrowUp") focusAt(index - 1);
    else if (event.key === "Home") focusAt(0);
    else if (event.key === "End") focusAt(options.length - 1);
    else return;
    // Escape must not also close a dialog or the conversation behind the menu.
    event.stopPropagation();
    if (event.key !== "Tab") event.preventDefault();
  }

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls={isOpen ? menuId : undefined}
        disabled={disabled}
        onClick={toggle}
        className={cx(buttonClassName, isOpen && openButtonClassName)}
      >
        {children}
      </button>
      {position &&
        // On <body>: no bubble, transform or opacity of an ancestor can put the menu behind other content.
        createPortal(
          <div
            ref={menuRef}
            id={menuId}
            role="menu"
            aria-label={menuLabel}
            // Focus lives on the items; the menu itself takes it only from a click between them, and
            // then keeps the arrow keys working instead of dropping focus to <body>.
            tabIndex={-1}
            onKeyDown={handleMenuKeyDown}
            style={position}
            className="z-50 animate-fade-in rounded-xl outline-none bg-popover py-2 shadow-[0_2px_5px_0_rgba(11,20,26,0.26),0_2px_10px_0_rgba(11,20,26,0.16)]"
          >
            {items.map((item) => (
              <button
                key={item.label}
                type="button"
                role="menuitem"
                tabIndex={-1}
                disabled={item.disabled}
                onClick={() => {
                  setOpen(null);
                  item.onSelect();
                }}
                className={cx(
                  "flex h-11 w-full cursor-pointer items-center gap-3.5 px-5 text-left text-[15px] outline-none hover:bg-panel-hover focus-visible:bg-panel-hover disabled:cursor-not-allowed disabled:opacity-50",
                  item.tone === "danger" ? "text-danger" : "text-ink",
                )}
              >
                {item.icon && (
                  <span className={item.tone === "danger" ? "text-danger" : "text-ink-faint"}>{item.icon}</span>
                )}
                {item.label}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}
