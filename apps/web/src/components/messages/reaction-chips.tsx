"use client";

import type { ReactionSummary } from "@parley/sdk";

import { useNameOf } from "~/components/chats/use-name-of";
import { cx } from "~/components/ui/cx";

type ReactionChipsProps = {
  reactions: readonly ReactionSummary[];
  selfId: number;
  isMine: boolean;
  /** Null when reacting isn't possible here (blocked, no longer in the group): the chips only show. */
  onReact: ((emoji: string | null) => void) | null;
};

/**
 * The reactions under a bubble, one chip per emoji with its count; mine is highlighted and
 * a click on it takes it back, a click on another reacts with that one. Hovering names who reacted.
 */
export function ReactionChips({ reactions, selfId, isMine, onReact }: ReactionChipsProps) {
  const nameOf = useNameOf();
  if (reactions.length === 0) return null;
  return (
    <div
      role="group"
      aria-label="Reactions"
      className={cx(
        "relative z-[1] -mt-1.5 flex max-w-[85%] flex-wrap gap-1 px-1 md:max-w-[65%]",
        isMine && "justify-end",
      )}
    >
      {reactions.map((reaction) => {
        const isMineToo = reaction.user_ids.includes(selfId);
        // Mine first, then in the order people reacted.
        const names = [
          ...(isMineToo ? ["You"] : []),
          ...reaction.user_ids.filter((id) => id !== selfId).map((id) => nameOf(id) ?? "Someone"),
        ].join(", ");
        const hint = onReact
          ? isMineToo
            ? " (click to remove yours)"
            : ` (click to react with ${reaction.emoji})`
          : "";
        return (
          <button
            key={reaction.emoji}
            type="button"
            data-testid="reaction"
            aria-pressed={isMineToo}
            aria-label={`${reaction.emoji} ${reaction.count}: ${names}${hint}`}
            title={`${names}${hint}`}
            disabled={!onReact}
            onClick={() => onReact?.(isMineToo ? null : reaction.emoji)}
            className={cx(
              "inline-flex h-6 cursor-pointer items-center gap-1 rounded-full border px-1.5 text-[13px] leading-none shadow-[0_1px_0.5px_rgba(11,20,26,0.13)] transition-colors disabled:cursor-default",
              isMineToo
                ? "border-accent/60 bg-accent-soft text-accent-strong"
                : "border-line bg-panel text-ink-muted hover:bg-panel-hover",
            )}
          >
            <span aria-hidden="true" className="text-[14px]">
              {reaction.emoji}
            </span>
            <span aria-hidden="true" className="tabular-nums">
              {reaction.count}
            </span>
          </button>
        );
      })}
    </div>
  );
}
