import { Avatar } from "~/components/ui/avatar";
import { cx } from "~/components/ui/cx";
import { BlockIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { formatChatTime } from "~/lib/chat/format";
import { describeSystemEvent, type NameOf } from "~/lib/chat/group-text";
import { previewText } from "~/lib/chat/media";
import { isSystemMessage, type ChatSummary, type ConversationKey, type OutgoingMessage } from "~/lib/chat/state";

import { useChatState } from "./chat-engine";
import { MessageTicks } from "./message-ticks";

type ChatListItemProps = {
  chat: ChatSummary;
  /** The person's or the group's name; null while it loads. */
  title: string | null;
  avatar: { name: string | null | undefined; seed: string };
  /** The newest message still on its way, shown instead of the last confirmed one. */
  outgoing: OutgoingMessage | undefined;
  /** "typing…", or who is typing in a group. */
  typingLine: string | null;
  isActive: boolean;
  selfId: number;
  nameOf: NameOf;
  now: Date;
  onOpen: (key: ConversationKey) => void;
};

export function ChatListItem({
  chat,
  title,
  avatar,
  outgoing,
  typingLine,
  isActive,
  selfId,
  nameOf,
  now,
  onOpen,
}: ChatListItemProps) {
  const pictureId = useChatState((state) =>
    chat.kind === "direct"
      ? (state.profiles[chat.peerId]?.profile_picture_media_id ?? null)
      : (chat.group?.picture_media_id ?? null),
  );
  const at = outgoing?.created_at ?? chat.lastMessageAt;
  const hasUnread = chat.unreadCount > 0;
  return (
    <li>
      <button
        type="button"
        onClick={() => onOpen(chat.key)}
        aria-current={isActive ? "true" : undefined}
        data-testid="chat-list-item"
        className={cx(
          "group flex h-[72px] w-full cursor-pointer items-center gap-3 pl-3 text-left transition-colors",
          isActive ? "bg-panel-hover" : "hover:bg-panel-hover",
        )}
      >
        {/* Initials of the name shown (yours for them, if you saved them). */}
        <Avatar name={title ?? avatar.name} seed={avatar.seed} mediaId={pictureId} className="size-12 text-base" />
        <span className="flex h-full min-w-0 flex-1 flex-col justify-center border-b border-line pr-4">
          <span className="flex items-baseline gap-2">
            <span
              className={cx(
                "min-w-0 flex-1 truncate text-[17px] leading-6 text-ink",
                title === null && "text-ink-faint",
              )}
            >
              {title === null ? "Loading…" : <Name>{title}</Name>}
            </span>
            {at && (
              <span className={cx("shrink-0 text-xs", hasUnread ? "font-medium text-accent" : "text-ink-faint")}>
                {formatChatTime(at, now)}
              </span>
            )}
          </span>
          <span className="mt-0.5 flex items-center gap-2">
            <span className="flex min-w-0 flex-1 items-center gap-1 text-sm leading-5 text-ink-faint">
              <Preview chat={chat} outgoing={outgoing} typingLine={typingLine} selfId={selfId} nameOf={nameOf} />
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
  typingLine,
  selfId,
  nameOf,
}: Pick<ChatListItemProps, "chat" | "outgoing" | "typingLine" | "selfId" | "nameOf">) {
  const isGroup = chat.kind === "group";
  if (typingLine) return <span className="truncate font-medium text-accent">{typingLine}</span>;
  if (outgoing) {
    return (
      <>
        <MessageTicks state={outgoing.state} />
        <span className="truncate">
          {isGroup && "You: "}
          {previewText(outgoing)}
        </span>
      </>
    );
  }
  const message = chat.lastMessage;
  if (!message) return null;
  if (isSystemMessage(message)) {
    return (
      <span className="truncate">
        {message.system ? describeSystemEvent(message.system, message.content, selfId, nameOf) : message.content}
      </span>
    );
  }
  const isMine = message.sender_id === selfId;
  if (message.is_deleted) {
    return (
      <>
        <BlockIcon className="size-4 shrink-0" />
        <span className="truncate italic">{isMine ? "You deleted this message" : "This message was deleted"}</span>
      </>
    );
  }
  // In a group, whose message it is matters as much as what it says.
  const sender = isGroup ? (isMine ? "You" : nameOf(message.sender_id)) : null;
  return (
    <>
      {isMine && <MessageTicks state={message.status} />}
      <span className="truncate">
        {sender && `${sender}: `}
        {previewText(message)}
      </span>
    </>
  );
}
