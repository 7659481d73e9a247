"use client";

import type { GroupSummary } from "@parley/sdk";

import { Avatar } from "~/components/ui/avatar";
import { cx } from "~/components/ui/cx";
import { CloseIcon, InfoIcon, MoreIcon } from "~/components/ui/icons";
import { Menu } from "~/components/ui/menu";
import { Name } from "~/components/ui/name";
import { memberCountLabel } from "~/lib/chat/group-text";

import { ChatHeader } from "./chat-header";
import { headerButtonClass, headerButtonOpenClass } from "./header-button";

type GroupHeaderProps = {
  group: GroupSummary | null;
  /** "Ana is typing…", or null. */
  typingLine: string | null;
  onBack: () => void;
  /** Null when there is no info to show (the group is gone). */
  onOpenInfo: (() => void) | null;
};

/** The group's name, how many are in it or who is typing, and a way into its info. */
export function GroupHeader({ group, typingLine, onBack, onOpenInfo }: GroupHeaderProps) {
  const status = typingLine ?? (group ? memberCountLabel(group.member_count) : "");
  return (
    <ChatHeader onBack={onBack}>
      {group ? (
        <Avatar name={group.name} seed={`group:${group.id}`} mediaId={group.picture_media_id} />
      ) : (
        <span className="size-10 shrink-0 animate-pulse rounded-full bg-panel-hover" />
      )}
      <div className="min-w-0 flex-1">
        <h2 className="truncate text-[16px] leading-5 font-medium text-ink">
          {/* The name opens the group's info, as in other messengers. */}
          <button
            type="button"
            onClick={onOpenInfo ?? undefined}
            disabled={!onOpenInfo || !group}
            className="max-w-full cursor-pointer truncate text-left disabled:cursor-default"
          >
            {group ? <Name>{group.name}</Name> : "\u00a0"}
          </button>
        </h2>
        <p
          data-testid="group-status"
          aria-live="polite"
          className={cx(
            "truncate text-[13px] leading-5",
            typingLine ? "font-medium text-accent-strong" : "text-ink-faint",
          )}
        >
          {status}
        </p>
      </div>
      <Menu
        label="Group options"
        menuLabel="Group"
        width={220}
        disabled={!group}
        buttonClassName={headerButtonClass}
        openButtonClassName={headerButtonOpenClass}
        items={[
          ...(onOpenInfo ? [{ label: "Group info", icon: <InfoIcon className="size-5" />, onSelect: onOpenInfo }] : []),
          { label: "Close chat", icon: <CloseIcon className="size-5" />, onSelect: onBack },
        ]}
      >
        <MoreIcon className="size-5" />
      </Menu>
    </ChatHeader>
  );
}
