import type { MouseEvent, ReactNode } from "react";

import { cx } from "~/components/ui/cx";

import { MessageTicks, type TickState } from "./message-ticks";

type ShellProps = {
  isMine: boolean;
  startsGroup: boolean;
  messageId?: number;
  time: string;
  ticks: TickState | null;
  menu?: ReactNode;
  onContextMenu?: (event: MouseEvent<HTMLLIElement>) => void;
  children: ReactNode;
  below?: ReactNode;
  /** A photo or video without a caption: the time sits on the picture, in white. */
  isMetaOnMedia?: boolean;
};

/** One bubble: tail on the first of a group, time and ticks tucked into the bottom-right corner. */
export function BubbleShell({
  isMine,
  startsGroup,
  messageId,
  time,
  ticks,
  menu,
  onContextMenu,
  children,
  below,
  isMetaOnMedia = false,
}: ShellProps) {
  return (
    <li
      data-testid="message"
      data-from={isMine ? "me" : "them"}
      data-message-id={messageId}
      onContextMenu={onContextMenu}
      className={cx(
        "group/message flex flex-col px-3 md:px-[6%]",
        isMine ? "items-end" : "items-start",
        startsGroup ? "mt-3" : "mt-0.5",
      )}
    >
      <div
        // Focusable so a tap reveals the options button on touch screens, where there is no hover.
        tabIndex={menu ? -1 : undefined}
        className={cx(
          "group/bubble relative max-w-[85%] outline-none min-w-[88px] rounded-lg px-2 pt-1.5 pb-2 text-[14.2px] leading-[19px] text-ink shadow-[0_1px_0.5px_rgba(11,20,26,0.13)] md:max-w-[65%]",
          isMine ? "bg-bubble-out" : "bg-bubble-in",
          startsGroup && (isMine ? "rounded-tr-none" : "rounded-tl-none"),
        )}
      >
        {startsGroup && (
          <svg
            viewBox="0 0 8 13"
            aria-hidden="true"
            className={cx(
              "absolute top-0 h-[13px] w-2",
              isMine ? "-right-2 text-bubble-out" : "-left-2 text-bubble-in",
            )}
          >
            <path
              fill="currentColor"
              d={isMine ? "M0 0h6.5c1.6 0 2 1.4 1 2.6L0 12Z" : "M8 0H1.5C-.1 0-.5 1.4.5 2.6L8 12Z"}
            />
          </svg>
        )}
        {children}
        <span
          className={cx(
            "pointer-events-none absolute flex items-center gap-1 text-[11px] leading-4",
            isMetaOnMedia
              ? "right-3.5 bottom-3 text-white drop-shadow-[0_1px_1px_rgba(0,0,0,0.7)]"
              : "right-2 bottom-1 text-bubble-meta",
          )}
        >
          <time>{time}</time>
          {ticks && <MessageTicks state={ticks} />}
        </span>
        {menu}
      </div>
      {below}
    </li>
  );
}

/** Room at the end of the text so the time never sits on top of the last word. */
export function MetaSpacer({ isMine }: { isMine: boolean }) {
  return <span aria-hidden="true" className={cx("inline-block h-3", isMine ? "w-[72px]" : "w-[52px]")} />;
}
