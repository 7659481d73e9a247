import type { PublicProfile } from "@parley/sdk";

import { Avatar } from "~/components/ui/avatar";
import { cx } from "~/components/ui/cx";
import { BlockIcon } from "~/components/ui/icons";
import { formatChatTime } from "~/lib/chat/format";
import type { ChatSummary, OutgoingMessage } from "~/lib/chat/state";

import { displayName } from "./display-name";
import { MessageTicks } from "./message-ticks";

type ChatListItemProps = {
  chat: ChatSummary;
  profile: PublicProfile | undefined;
  /** The newest message still on its way, shown instead of the last confirmed one. */
  outgoing: OutgoingMessage | undefined;
  isTyping: boolean;
  isActive: boolean;
  selfId: number;
  now: Date;
  onOpen: (peerId: number) => void;
};

export function ChatListItem({ chat, profile, outgoing, isTyping, isActive, selfId, now, onOpen }: ChatListItemProps) {
  const name = displayName(profile);
  const at = outgoing?.created_at ?? chat.lastMessageAt;
  const hasUnread = chat.unreadCount > 0;
  return (
    <li>
      <button
        type="button"
        onClick={() => onOpen(chat.peerId)}
        aria-current={isActive ? "true" : undefined}
        data-testid="chat-list-item"
        className={cx(
          "group flex h-[72px] w-full cursor-pointer items-center gap-3 pl-3 text-left transition-colors",
          isActive ? "bg-panel-hover" : "hover:bg-panel-hover",
        )}
      >
        <Avatar
          name={profile?.full_name}
          seed={profile?.phone_number ?? String(chat.peerId)}
          className="size-12 text-base"
        />
        <span className="flex h-full min-w-0 flex-1 flex-col justify-center border-b border-line pr-4">
          <span className="flex items-baseline gap-2">
            <span
              className={cx("min-w-0 flex-1 truncate text-[17px] leading-6 text-ink", !profile && "text-ink-faint")}
            >
              {profile ? name : "Loading…"}
            </span>
            {at && (
              <span className={cx("shrink-0 text-xs", hasUnread ? "font-medium text-accent" : "text-ink-faint")}>
                {formatChatTime(at, now)}
              </span>
            )}
          </span>
          <span className="mt-0.5 flex items-center gap-2">
            <span className="flex min-w-0 flex-1 items-center gap-1 text-sm leading-5 text-ink-faint">
              <Preview chat={chat} outgoing={outgoing} isTyping={isTyping} selfId={selfId} />
            </span>
            {hasUnread && (
              <span
                data-testid="unread-badge"
                className="inline-flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-accent px-1.5 text-xs font-semibold text-accent-ink"
              >
                {chat.unreadCount}
                <span className="sr-only">{chat.unreadCount === 1 ? " unread message" : " unread messages"}</span>
              </span>
            )}
          </span>
        </span>
      </button>
    </li>
  );
}

function Preview({
  chat,
  outgoing,
  isTyping,
  selfId,
}: Pick<ChatListItemProps, "chat" | "outgoing" | "isTyping" | "selfId">) {
  if (isTyping) return <span className="truncate font-medium text-accent">typing…</span>;
  if (outgoing) {
    return (
      <>
        <MessageTicks state={outgoing.state} />
        <span className="truncate">{outgoing.content}</span>
      </>
    );
  }
  const message = chat.lastMessage;
  if (!message) return null;
  const isMine = message.sender_id === selfId;
  if (message.is_deleted) {
    return (
      <>
        <BlockIcon className="size-4 shrink-0" />
        <span className="truncate italic">{isMine ? "You deleted this message" : "This message was deleted"}</span>
      </>
    );
  }
  return (
    <>
      {isMine && <MessageTicks state={message.status} />}
      <span className="truncate">{message.content}</span>
    </>
  );
}
