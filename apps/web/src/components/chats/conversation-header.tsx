"use client";

import type { PublicProfile } from "@parley/sdk";

import { Avatar } from "~/components/ui/avatar";
import { cx } from "~/components/ui/cx";
import { BlockIcon, CloseIcon, LockIcon, MoreIcon } from "~/components/ui/icons";
import { Menu } from "~/components/ui/menu";
import { Name } from "~/components/ui/name";
import { formatLastSeen } from "~/lib/chat/format";
import { formatPhoneNumber } from "~/lib/phone";

import { ChatHeader } from "./chat-header";
import { displayName } from "./display-name";
import { headerButtonClass, headerButtonOpenClass } from "./header-button";

type ConversationHeaderProps = {
  profile: PublicProfile | undefined;
  isTyping: boolean;
  isBlocked: boolean;
  now: Date;
  onBack: () => void;
  onBlock: () => void;
  onUnblock: () => void;
  /** Set for an encrypted chat: opens the security code to compare. */
  onSecurityCode: (() => void) | null;
};

/** Who the chat is with, whether they are here ("online", "typing…", "last seen …"), and the chat's menu. */
export function ConversationHeader({
  profile,
  isTyping,
  isBlocked,
  now,
  onBack,
  onBlock,
  onUnblock,
  onSecurityCode,
}: ConversationHeaderProps) {
  const name = displayName(profile);
  const status = isTyping
    ? "typing…"
    : profile?.is_online
      ? "online"
      : (formatLastSeen(profile?.last_seen ?? null, now) ?? (profile ? formatPhoneNumber(profile.phone_number) : ""));

  return (
    <ChatHeader onBack={onBack}>
      {profile ? (
        <Avatar name={name} seed={profile.phone_number} mediaId={profile.profile_picture_media_id} />
      ) : (
        <span className="size-10 shrink-0 animate-pulse rounded-full bg-panel-hover" />
      )}
      <div className="min-w-0 flex-1">
        <h2 className="truncate text-[16px] leading-5 font-medium text-ink">{name ? <Name>{name}</Name> : "\u00a0"}</h2>
        <p
          data-testid="peer-status"
          aria-live="polite"
          className={cx(
            "truncate text-[13px] leading-5",
            isTyping ? "font-medium text-accent-strong" : "text-ink-faint",
          )}
        >
          {status}
        </p>
      </div>
      <Menu
        label="Chat options"
        menuLabel="Chat"
        width={220}
        disabled={!profile}
        buttonClassName={headerButtonClass}
        openButtonClassName={headerButtonOpenClass}
        items={[
          ...(onSecurityCode
            ? [{ label: "Security code", icon: <LockIcon className="size-5" />, onSelect: onSecurityCode }]
            : []),
          isBlocked
            ? { label: "Unblock contact", icon: <BlockIcon className="size-5" />, onSelect: onUnblock }
            : { label: "Block contact", icon: <BlockIcon className="size-5" />, onSelect: onBlock, tone: "danger" },
          { label: "Close chat", icon: <CloseIcon className="size-5" />, onSelect: onBack },
        ]}
      >
        <MoreIcon className="size-5" />
      </Menu>
    </ChatHeader>
  );
}
