import type { MouseEvent, ReactNode } from "react";

import { cx } from "~/components/ui/cx";
import { CheckboxIcon, StarIcon } from "~/components/ui/icons";

import { MessageTicks, type TickState } from "./message-ticks";

/** What the corner of a bubble says besides the time. */
export type BubbleMeta = { isEdited: boolean; isStarred: boolean };

const noMeta: BubbleMeta = { isEdited: false, isStarred: false };

type ShellProps = {
  isMine: boolean;
  startsGroup: boolean;
  messageId?: number;
  time: string;
  ticks: TickState | null;
  meta?: BubbleMeta;
  menu?: ReactNode;
  onContextMenu?: (event: MouseEvent<HTMLLIElement>) => void;
  /** While messages are being picked (to forward, to star): a checkbox, and a click anywhere on the row toggles it. */
  selection?: { isSelected: boolean; onToggle: () => void } | null;
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
  meta = noMeta,
  menu,
  onContextMenu,
  selection,
  children,
  below,
  isMetaOnMedia = false,
}: ShellProps) {
  return (
    <li
      data-testid="message"
      data-from={isMine ? "me" : "them"}
      data-message-id={messageId}
      data-selected={selection ? selection.isSelected : undefined}
      onContextMenu={selection ? undefined : onContextMenu}
      onClickCapture={
        selection
          ? (event) => {
              // Picking messages: the row is one big checkbox, and nothing inside it plays or opens.
              event.preventDefault();
              event.stopPropagation();
              selection.onToggle();
            }
          : undefined
      }
      className={cx(
        "group/message relative flex flex-col px-3 md:px-[6%]",
        isMine ? "items-end" : "items-start",
        startsGroup ? "mt-3" : "mt-0.5",
        selection && "cursor-pointer pl-12 md:pl-[max(6%,3rem)]",
        selection?.isSelected && "bg-accent/10",
      )}
    >
      {selection && (
        <button
          type="button"
          role="checkbox"
          aria-checked={selection.isSelected}
          aria-label="Select message"
          className="absolute top-1/2 left-3 inline-flex size-6 -translate-y-1/2 cursor-pointer items-center justify-center rounded text-accent"
        >
          <CheckboxIcon isChecked={selection.isSelected} className="size-5" />
        </button>
      )}
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
          {meta.isStarred && (
            <span role="img" aria-label="Starred" data-testid="starred" className="inline-flex">
              <StarIcon isFilled className="size-3" />
            </span>
          )}
          {meta.isEdited && <span data-testid="edited">Edited</span>}
          <time>{time}</time>
          {ticks && <MessageTicks state={ticks} />}
        </span>
        {selection ? null : menu}
      </div>
      {below}
    </li>
  );
}

/** Room at the end of the text so the time (and "Edited", the star) never sits on top of the last word. */
export function MetaSpacer({ isMine, meta = noMeta }: { isMine: boolean; meta?: BubbleMeta }) {
  const width = (isMine ? 72 : 52) + (meta.isEdited ? 40 : 0) + (meta.isStarred ? 16 : 0);
  return <span aria-hidden="true" style={{ width }} className="inline-block h-3" />;
}
