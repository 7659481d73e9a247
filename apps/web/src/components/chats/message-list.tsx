"use client";

import { useCallback, useEffect, useMemo } from "react";

import { ChevronDownIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import { formatDayLabel } from "~/lib/chat/format";
import { describeSystemEvent, senderColour, type NameOf } from "~/lib/chat/group-text";
import { canEdit } from "~/lib/chat/message-actions";
import { buildRows } from "~/lib/chat/rows";
import { isEncryptedChat, type Conversation, type ConversationKey } from "~/lib/chat/state";

import { useChatEngine, useChatState } from "./chat-engine";
import { EncryptionNote } from "./encryption";
import { MessageBubble, OutgoingBubble, type MessageActions } from "./message-bubble";
import { OlderSentinel } from "./older-sentinel";
import { useChatScroll } from "./use-chat-scroll";

type MessageListProps = {
  conversationKey: ConversationKey;
  selfId: number;
  conversation: Conversation;
  firstUnreadSeq: number | null;
  now: Date;
  /** The notice above the first message, once the whole history is loaded. */
  intro: string;
  nameOf: NameOf;
  /** In a group, others' bubbles say who wrote them. */
  showsSenders: boolean;
  actions: MessageActions;
  /** False where nothing can be said any more (blocked, no longer in the group). */
  canReact: boolean;
  /** The ids picked while picking messages; null otherwise. */
  selection: readonly number[] | null;
};

const noSelection = new Set<number>();

export function MessageList({
  conversationKey,
  selfId,
  conversation,
  firstUnreadSeq,
  now,
  intro,
  nameOf,
  showsSenders,
  actions,
  canReact,
  selection,
}: MessageListProps) {
  const engine = useChatEngine();
  const starred = useChatState((state) => state.starred);
  const isEncrypted = useChatState((state) => isEncryptedChat(state.chats[conversationKey]));
  const focus = useChatState((state) => (state.focus?.key === conversationKey ? state.focus : null));
  const selected = useMemo(() => (selection ? new Set(selection) : noSelection), [selection]);
  const { messages, outbox, history, hasOlder, isLoadingOlder } = conversation;
  const rows = useMemo(
    () => buildRows(messages, outbox, selfId, firstUnreadSeq),
    [messages, outbox, selfId, firstUnreadSeq],
  );
  const lastRow = rows.at(-1);
  const isReady = history === "ready";
  const { scrollerRef, contentRef, onScroll, awayFrom, scrollToBottom } = useChatScroll({
    firstKey: rows[0]?.key ?? null,
    lastKey: lastRow?.key ?? null,
    lastIsMine: lastRow?.kind === "outgoing" || (lastRow?.kind === "message" && lastRow.isMine),
    isReady,
  });
  const unseenCount = useMemo(() => {
    if (!awayFrom) return 0;
    const start = rows.findIndex((row) => row.key === awayFrom.lastKey);
    return rows.slice(start + 1).filter((row) => row.kind === "message" && !row.isMine).length;
  }, [rows, awayFrom]);
  const loadOlder = useCallback(() => void engine.loadOlder(conversationKey), [engine, conversationKey]);
  const onRetry = useCallback((id: string) => engine.retry(conversationKey, id), [engine, conversationKey]);
  const onDiscard = useCallback((id: string) => engine.discard(conversationKey, id), [engine, conversationKey]);
  const authorName = (userId: number) => (userId === selfId ? "You" : (nameOf(userId) ?? ""));
  const scrollTo = useCallback(
    (messageId: number, behavior: ScrollBehavior): boolean => {
      const target = scrollerRef.current?.querySelector<HTMLElement>(`[data-message-id="${messageId}"]`);
      if (!target) return false;
      target.scrollIntoView({ block: "center", behavior });
      // An instant jump moves now: stop following new messages before anything resizes the list.
      if (behavior !== "smooth") onScroll();
      target.classList.remove("animate-flash");
      // Restart the highlight even when the same message is jumped to twice.
      void target.offsetWidth;
      target.classList.add("animate-flash");
      return true;
    },
    [scrollerRef, onScroll],
  );
  const onJump = useCallback((messageId: number) => void scrollTo(messageId, "smooth"), [scrollTo]);

  // A message asked for from search or the starred list: shown once the engine has loaded back to it.
  useEffect(() => {
    if (!focus || !isReady) return;
    if (scrollTo(focus.messageId, "auto")) engine.clearFocus();
  }, [focus, isReady, rows, scrollTo, engine]);

  return (
    <div className="relative min-h-0 flex-1">
      <div
        ref={scrollerRef}
        onScroll={onScroll}
        role="log"
        aria-label="Messages"
        aria-busy={history === "loading" || isLoadingOlder}
        className="relative flex h-full flex-col overflow-y-auto overscroll-contain [overflow-anchor:none]"
      >
        {isReady && hasOlder && (
          <OlderSentinel
            root={scrollerRef}
            onVisible={loadOlder}
            watch={rows[0]?.key ?? null}
            isLoading={isLoadingOlder}
          />
        )}
        {isReady && !hasOlder && (
          <>
            <EncryptionNote conversationKey={conversationKey} />
            <p className="mx-auto mt-4 max-w-[85%] rounded-lg bg-warn-soft px-3 py-1.5 text-center text-xs leading-4 text-warn-ink shadow-sm">
              {intro}
            </p>
          </>
        )}
        {history === "loading" && messages.length === 0 && (
          <div className="flex flex-1 items-center justify-center text-ink-faint">
            <Spinner className="size-6" />
            <span className="sr-only">Loading messages</span>
          </div>
        )}
        <ol ref={contentRef} className="mt-auto pt-2 pb-3">
          {rows.map((row) => {
            switch (row.kind) {
              case "day":
                return (
                  <li key={row.key} className="sticky top-2 z-[1] my-2 flex justify-center">
                    <span className="rounded-lg bg-pill px-3 py-1.5 text-[12.5px] text-ink-muted uppercase shadow-[0_1px_0.5px_rgba(11,20,26,0.13)]">
                      {formatDayLabel(row.at, now)}
                    </span>
                  </li>
                );
              case "unread":
                return (
                  <li
                    key={row.key}
                    data-unread-line
                    className="my-3 flex justify-center bg-white/25 py-1 dark:bg-black/10"
                  >
                    <span className="rounded-full bg-pill px-4 py-1 text-[12.5px] text-ink-muted shadow-sm">
                      {row.count} unread message{row.count === 1 ? "" : "s"}
                    </span>
                  </li>
                );
              case "system":
                return (
                  <li key={row.key} data-testid="system-message" className="my-2 flex justify-center px-3">
                    <span className="max-w-[85%] rounded-lg bg-pill px-3 py-1.5 text-center text-[12.5px] leading-4 text-ink-muted shadow-[0_1px_0.5px_rgba(11,20,26,0.13)]">
                      {row.message.system
                        ? describeSystemEvent(row.message.system, row.message.content, selfId, nameOf)
                        : row.message.content}
                    </span>
                  </li>
                );
              case "message": {
                const { message, isMine, startsGroup } = row;
                const showsSender = showsSenders && !isMine && startsGroup;
                return (
                  <MessageBubble
                    key={row.key}
                    message={message}
                    isMine={isMine}
                    startsGroup={startsGroup}
                    selfId={selfId}
                    sender={
                      showsSender
                        ? { name: nameOf(message.sender_id) ?? "…", colour: senderColour(message.sender_id) }
                        : null
                    }
                    quotedName={message.reply_to ? authorName(message.reply_to.sender_id) : ""}
                    actions={actions}
                    onJump={onJump}
                    isStarred={Boolean(starred[message.id])}
                    isEditable={isMine && canEdit(message, selfId, now)}
                    canReact={canReact}
                    isSelecting={selection !== null}
                    isSelected={selected.has(message.id)}
                    isInEncryptedChat={isEncrypted === true}
                  />
                );
              }
              case "outgoing":
                return (
                  <OutgoingBubble
                    key={row.key}
                    message={row.message}
                    startsGroup={row.startsGroup}
                    selfId={selfId}
                    quotedName={row.message.reply_to ? authorName(row.message.reply_to.sender_id) : ""}
                    onRetry={onRetry}
                    onDiscard={onDiscard}
                    onJump={onJump}
                  />
                );
            }
          })}
        </ol>
      </div>
      {awayFrom && (
        <button
          type="button"
          aria-label={unseenCount > 0 ? `Scroll to ${unseenCount} new messages` : "Scroll to latest messages"}
          onClick={scrollToBottom}
          className="absolute right-4 bottom-4 z-10 inline-flex size-10 cursor-pointer items-center justify-center rounded-full bg-panel text-ink-muted shadow-[0_1px_3px_rgba(11,20,26,0.3)] hover:text-ink"
        >
          <ChevronDownIcon className="size-5" />
          {unseenCount > 0 && (
            <span className="absolute -top-1.5 -right-1 inline-flex h-5 min-w-5 items-center justify-center rounded-full bg-accent px-1 text-[11px] font-semibold text-accent-ink">
              {unseenCount}
            </span>
          )}
        </button>
      )}
    </div>
  );
}
