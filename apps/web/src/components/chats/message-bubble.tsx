import { memo, useRef, type ReactNode } from "react";

import { ReactionChips } from "~/components/messages/reaction-chips";
import { cx } from "~/components/ui/cx";
import {
  BlockIcon,
  ChevronDownIcon,
  CopyIcon,
  ForwardIcon,
  InfoIcon,
  LockIcon,
  PencilIcon,
  ReplyIcon,
  RetryIcon,
  SelectIcon,
  SmileIcon,
  StarIcon,
  TrashIcon,
} from "~/components/ui/icons";
import { Menu, type MenuItem } from "~/components/ui/menu";
import { Name } from "~/components/ui/name";
import { formatTime } from "~/lib/chat/format";
import { canForward } from "~/lib/chat/message-actions";
import type { OutgoingMessage, ThreadMessage } from "~/lib/chat/state";

import { BubbleShell, MetaSpacer, type BubbleMeta } from "./bubble-shell";
import { LocationCard, mediaWidth, MessageMedia, OutgoingMediaContent } from "./message-media";
import { QuotedMessage } from "./quoted-message";

/** What a bubble's menu (and its reactions) can do; one stable object per conversation pane. */
export type MessageActions = {
  reply: (message: ThreadMessage) => void;
  react: (message: ThreadMessage, emoji: string | null) => void;
  /** Opens the reaction picker next to the element it was asked from. */
  openReactions: (message: ThreadMessage, from: HTMLElement | null) => void;
  forward: (message: ThreadMessage) => void;
  edit: (message: ThreadMessage) => void;
  star: (message: ThreadMessage, isStarred: boolean) => void;
  info: (message: ThreadMessage) => void;
  delete: (message: ThreadMessage) => void;
  /** Starts picking messages, with this one picked. */
  select: (message: ThreadMessage) => void;
  toggleSelected: (message: ThreadMessage) => void;
};

type MessageBubbleProps = {
  message: ThreadMessage;
  isMine: boolean;
  startsGroup: boolean;
  selfId: number;
  /** In a group, the first of someone's bubbles names them, in their colour. */
  sender: { name: string; colour: string } | null;
  /** Who wrote the message this one replies to. */
  quotedName: string;
  actions: MessageActions;
  onJump: (messageId: number) => void;
  isStarred: boolean;
  /** Mine, text, and still within the edit window. */
  isEditable: boolean;
  /** False where nothing can be said any more (blocked, no longer in the group): no reacting or editing. */
  canReact: boolean;
  /** Messages are being picked (to forward or star several). */
  isSelecting: boolean;
  isSelected: boolean;
  /** In an end-to-end encrypted conversation, where a file (not encrypted yet) says so. */
  isInEncryptedChat: boolean;
};

/** Memoised: a new message or tick re-renders only the bubbles it changes. */
export const MessageBubble = memo(function MessageBubble({
  message,
  isMine,
  startsGroup,
  selfId,
  sender,
  quotedName,
  actions,
  onJump,
  isStarred,
  isEditable,
  canReact,
  isSelecting,
  isSelected,
  isInEncryptedChat,
}: MessageBubbleProps) {
  const menuButtonRef = useRef<HTMLButtonElement>(null);
  const meta: BubbleMeta = { isEdited: message.edited_at !== null && !message.is_deleted, isStarred };
  const isCaptionless = !message.is_deleted && isCaptionlessPicture(message.media?.kind, message.content);
  const items: MenuItem[] = message.is_deleted
    ? [{ label: "Delete", icon: <TrashIcon className="size-5" />, onSelect: () => actions.delete(message) }]
    : [
        { label: "Reply", icon: <ReplyIcon className="size-5" />, onSelect: () => actions.reply(message) },
        ...(canReact
          ? [
              {
                label: "React",
                icon: <SmileIcon className="size-5" />,
                onSelect: () => actions.openReactions(message, menuButtonRef.current),
              },
            ]
          : []),
        { label: "Forward", icon: <ForwardIcon className="size-5" />, onSelect: () => actions.forward(message) },
        ...(message.content
          ? [
              {
                label: "Copy",
                icon: <CopyIcon className="size-5" />,
                onSelect: () => void navigator.clipboard?.writeText(message.content ?? "").catch(() => {}),
              },
            ]
          : []),
        ...(isEditable && canReact
          ? [{ label: "Edit", icon: <PencilIcon className="size-5" />, onSelect: () => actions.edit(message) }]
          : []),
        {
          label: isStarred ? "Unstar" : "Star",
          icon: <StarIcon className="size-5" isFilled={isStarred} />,
          onSelect: () => actions.star(message, !isStarred),
        },
        { label: "Select", icon: <SelectIcon className="size-5" />, onSelect: () => actions.select(message) },
        ...(isMine
          ? [{ label: "Message info", icon: <InfoIcon className="size-5" />, onSelect: () => actions.info(message) }]
          : []),
        { label: "Delete", icon: <TrashIcon className="size-5" />, onSelect: () => actions.delete(message) },
      ];
  const canBePicked = isSelecting && canForward(message);

  return (
    <BubbleShell
      isMine={isMine}
      startsGroup={startsGroup}
      messageId={message.id}
      time={formatTime(message.created_at)}
      ticks={isMine && !message.is_deleted ? message.status : null}
      meta={meta}
      isMetaOnMedia={isCaptionless}
      selection={canBePicked ? { isSelected, onToggle: () => actions.toggleSelected(message) } : null}
      onContextMenu={(event) => {
        // Right-click (or a long press) opens the message's own menu, unless text is being selected to copy.
        if (window.getSelection()?.toString()) return;
        event.preventDefault();
        menuButtonRef.current?.click();
      }}
      below={
        !message.is_deleted && (
          <ReactionChips
            reactions={message.reactions}
            selfId={selfId}
            isMine={isMine}
            onReact={canReact && !isSelecting ? (emoji) => actions.react(message, emoji) : null}
          />
        )
      }
      menu={
        isSelecting ? null : (
          <>
            <div
              className={cx(
                "absolute top-0.5 right-0.5 rounded-tr-md bg-linear-to-l pl-3 opacity-0 transition-opacity group-focus/bubble:opacity-100 group-hover/message:opacity-100 focus-within:opacity-100 has-[[aria-expanded=true]]:opacity-100",
                isMine ? "from-bubble-out from-60%" : "from-bubble-in from-60%",
              )}
            >
              <Menu
                label="Message options"
                menuLabel="Message"
                buttonRef={menuButtonRef}
                items={items}
                width={200}
                buttonClassName="inline-flex size-6 cursor-pointer items-center justify-center rounded-full text-bubble-meta hover:text-ink"
              >
                <ChevronDownIcon className="size-4" />
              </Menu>
            </div>
            {canReact && !message.is_deleted && (
              <button
                type="button"
                aria-label="React to message"
                title="React"
                onClick={(event) => actions.openReactions(message, event.currentTarget)}
                className={cx(
                  "absolute top-1/2 inline-flex size-8 -translate-y-1/2 cursor-pointer items-center justify-center rounded-full bg-panel/80 text-ink-muted opacity-0 shadow-sm transition-opacity group-focus/bubble:opacity-100 group-hover/message:opacity-100 hover:text-ink focus-visible:opacity-100",
                  isMine ? "right-full mr-2" : "left-full ml-2",
                )}
              >
                <SmileIcon className="size-[18px]" />
              </button>
            )}
          </>
        )
      }
    >
      {sender && (
        <p
          data-testid="sender-name"
          className={cx("mb-0.5 truncate text-[12.8px] leading-[18px] font-medium", sender.colour)}
        >
          <Name>{sender.name}</Name>
        </p>
      )}
      {message.is_forwarded && !message.is_deleted && (
        <p data-testid="forwarded" className="mb-0.5 flex items-center gap-1 text-xs text-bubble-meta italic">
          <ForwardIcon className="size-3.5 shrink-0" />
          Forwarded
        </p>
      )}
      {message.reply_to && !message.is_deleted && (
        <QuotedMessage
          reply={message.reply_to}
          isMine={isMine}
          selfId={selfId}
          authorName={quotedName}
          onJump={onJump}
        />
      )}
      {message.is_deleted ? (
        <p className="flex items-center gap-1.5 pr-1 text-bubble-meta italic">
          <BlockIcon className="size-4 shrink-0" />
          {isMine ? "You deleted this message" : "This message was deleted"}
          <MetaSpacer isMine={false} />
        </p>
      ) : message.message_type === "encrypted" ? (
        // Tampered with, replayed, or sent before this device was in the conversation.
        <p data-testid="undecryptable" className="flex items-center gap-1.5 pr-1 text-bubble-meta italic">
          <LockIcon className="size-4 shrink-0" />
          Couldn&rsquo;t decrypt this message
          <MetaSpacer isMine={isMine} meta={meta} />
        </p>
      ) : message.media || message.location ? (
        <WithAttachment
          width={mediaWidth(message.media)}
          caption={message.content}
          isMine={isMine}
          meta={meta}
          hasMetaOnMedia={isCaptionless}
        >
          <MessageMedia media={message.media} location={message.location} caption={message.content} isMine={isMine} />
          {isInEncryptedChat && message.media && (
            <p className="mt-1 flex items-center gap-1 text-[11px] text-bubble-meta">Not end-to-end encrypted</p>
          )}
        </WithAttachment>
      ) : (
        <p data-testid="message-text" className="pr-1 break-words whitespace-pre-wrap [overflow-wrap:anywhere]">
          {message.content}
          <MetaSpacer isMine={isMine} meta={meta} />
        </p>
      )}
    </BubbleShell>
  );
});

function isCaptionlessPicture(kind: string | undefined, caption: string | null): boolean {
  return (kind === "image" || kind === "video") && !caption;
}

/** A file or place, then its caption; a picture's caption wraps at the picture's width. */
function WithAttachment({
  width,
  caption,
  isMine,
  meta,
  hasMetaOnMedia,
  children,
}: {
  width: number | null;
  caption: string | null;
  isMine: boolean;
  meta?: BubbleMeta;
  hasMetaOnMedia: boolean;
  children: ReactNode;
}) {
  return (
    <div style={width ? { width } : undefined} className="max-w-full">
      {children}
      {caption ? (
        <p data-testid="caption" className="pr-1 break-words whitespace-pre-wrap [overflow-wrap:anywhere]">
          {caption}
          <MetaSpacer isMine={isMine} meta={meta} />
        </p>
      ) : (
        !hasMetaOnMedia && <div aria-hidden="true" className="h-3" />
      )}
    </div>
  );
}

type OutgoingBubbleProps = {
  message: OutgoingMessage;
  startsGroup: boolean;
  selfId: number;
  quotedName: string;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
  onJump: (messageId: number) => void;
};

/** A message on its way: a clock (and an upload's progress), or "not sent" with Retry. */
export const OutgoingBubble = memo(function OutgoingBubble({
  message,
  startsGroup,
  selfId,
  quotedName,
  onRetry,
  onDiscard,
  onJump,
}: OutgoingBubbleProps) {
  const { media, location } = message;
  const hasMetaOnMedia = isCaptionlessPicture(media?.kind, message.content);
  return (
    <BubbleShell
      isMine
      startsGroup={startsGroup}
      time={formatTime(message.created_at)}
      ticks={message.state}
      isMetaOnMedia={hasMetaOnMedia}
      below={
        message.state === "failed" && (
          <div
            role="group"
            aria-label="Message not sent"
            className="mt-1 flex max-w-[85%] flex-wrap items-center justify-end gap-x-3 gap-y-1 text-[13px] md:max-w-[65%]"
          >
            <span className="text-danger">{message.error ?? "Not sent."}</span>
            {message.can_retry && (
              <button
                type="button"
                onClick={() => onRetry(message.client_msg_id)}
                className="inline-flex cursor-pointer items-center gap-1 font-medium text-accent-strong hover:underline"
              >
                <RetryIcon className="size-3.5" />
                Retry
              </button>
            )}
            <button
              type="button"
              onClick={() => onDiscard(message.client_msg_id)}
              className="cursor-pointer font-medium text-ink-muted hover:underline"
            >
              Delete
            </button>
          </div>
        )
      }
    >
      {message.reply_to && (
        <QuotedMessage reply={message.reply_to} isMine selfId={selfId} authorName={quotedName} onJump={onJump} />
      )}
      {media || location ? (
        <WithAttachment
          width={mediaWidth(media)}
          caption={message.content || null}
          isMine
          hasMetaOnMedia={hasMetaOnMedia}
        >
          {media ? (
            <OutgoingMediaContent
              media={media}
              isActive={message.state === "pending"}
              onCancel={() => onDiscard(message.client_msg_id)}
            />
          ) : (
            location && <LocationCard location={location} />
          )}
        </WithAttachment>
      ) : (
        <p className="pr-1 break-words whitespace-pre-wrap [overflow-wrap:anywhere]">
          {message.content}
          <MetaSpacer isMine />
        </p>
      )}
    </BubbleShell>
  );
});
