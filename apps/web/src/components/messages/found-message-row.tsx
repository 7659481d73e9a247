"use client";

import type { FoundMessage } from "@parley/sdk";

import { useChatState } from "~/components/chats/chat-engine";
import { cx } from "~/components/ui/cx";
import { StarIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { formatChatTime } from "~/lib/chat/format";
import type { NameOf } from "~/lib/chat/group-text";
import { previewText } from "~/lib/chat/media";
import { foundKey } from "~/lib/chat/message-actions";
import { highlightParts, searchExcerpt } from "~/lib/chat/search-text";
import type { ConversationKey } from "~/lib/chat/state";
import { displayText } from "~/lib/display-text";

type FoundMessageRowProps = {
  found: FoundMessage;
  selfId: number;
  nameOf: NameOf;
  now: Date;
  /** The search, whose words are highlighted in the text; null for the starred list. */
  query: string | null;
  isStarred?: boolean;
  onOpen: (key: ConversationKey, found: FoundMessage) => void;
};

/**
 * A message found by search or starred: where it was said, who said it, when, and what
 * (as this tab knows it now, if the conversation is loaded: edits and deletions show).
 */
export function FoundMessageRow({
  found,
  selfId,
  nameOf,
  now,
  query,
  isStarred = false,
  onOpen,
}: FoundMessageRowProps) {
  const key = foundKey(found);
  const live = useChatState((state) => state.conversations[key]?.messages.find((item) => item.id === found.message.id));
  const groupName = useChatState((state) => {
    const chat = state.chats[key];
    return chat?.kind === "group" ? chat.group?.name : undefined;
  });
  const message = live ?? found.message;
  const { conversation } = found;
  const place =
    conversation.type === "group" ? displayText(groupName ?? conversation.name) : (nameOf(conversation.peer_id) ?? "…");
  const isMine = message.sender_id === selfId;
  const sender = isMine ? "You" : conversation.type === "group" ? (nameOf(message.sender_id) ?? "…") : null;
  const text = message.is_deleted
    ? "This message was deleted"
    : previewText({ ...message, message_type: found.message.message_type });
  const shown = query && !message.is_deleted ? searchExcerpt(text, query) : text;

  return (
    <li>
      <button
        type="button"
        data-testid="found-message"
        onClick={() => onOpen(key, found)}
        className="flex w-full cursor-pointer flex-col gap-0.5 border-b border-line px-4 py-3 text-left transition-colors hover:bg-panel-hover"
      >
        <span className="flex items-baseline gap-2">
          <span className="min-w-0 flex-1 truncate text-[15px] leading-5 text-ink">
            <Name>{place}</Name>
          </span>
          <span className="flex shrink-0 items-center gap-1 text-xs text-ink-faint">
            {isStarred && <StarIcon isFilled className="size-3" />}
            {formatChatTime(message.created_at, now)}
          </span>
        </span>
        <span className="flex min-w-0 text-sm leading-5 text-ink-muted">
          <span className={cx("line-clamp-2 min-w-0 break-words", message.is_deleted && "italic")}>
            {sender && (
              <span className="text-ink-faint">
                <Name>{sender}</Name>:{" "}
              </span>
            )}
            {query
              ? highlightParts(shown, query).map((part, index) =>
                  part.isMatch ? (
                    <mark key={index} className="bg-transparent font-semibold text-accent-strong">
                      {part.text}
                    </mark>
                  ) : (
                    <span key={index}>{part.text}</span>
                  ),
                )
              : shown}
          </span>
        </span>
      </button>
    </li>
  );
}
