"use client";

import { useCallback, useMemo } from "react";

import type { MessageOutput } from "@parley/sdk";

import { ChevronDownIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import { formatDayLabel } from "~/lib/chat/format";
import { buildRows } from "~/lib/chat/rows";
import type { Conversation } from "~/lib/chat/state";

import { useChatEngine } from "./chat-engine";
import { MessageBubble, OutgoingBubble } from "./message-bubble";
import { OlderSentinel } from "./older-sentinel";
import { useChatScroll } from "./use-chat-scroll";

type MessageListProps = {
  peerId: number;
  peerName: string;
  selfId: number;
  conversation: Conversation;
  firstUnreadSeq: number | null;
  now: Date;
  onReply: (message: MessageOutput) => void;
  onDelete: (message: MessageOutput) => void;
};

export function MessageList({
  peerId,
  peerName,
  selfId,
  conversation,
  firstUnreadSeq,
  now,
  onReply,
  onDelete,
}: MessageListProps) {
  const engine = useChatEngine();
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
  const loadOlder = useCallback(() => void engine.loadOlder(peerId), [engine, peerId]);
  const onRetry = useCallback((id: string) => engine.retry(peerId, id), [engine, peerId]);
  const onDiscard = useCallback((id: string) => engine.discard(peerId, id), [engine, peerId]);
  const onJump = useCallback(
    (messageId: number) => {
      const target = scrollerRef.current?.querySelector<HTMLElement>(`[data-message-id="${messageId}"]`);
      if (!target) return;
      target.scrollIntoView({ block: "center", behavior: "smooth" });
      target.classList.remove("animate-flash");
      // Restart the highlight even when the same message is jumped to twice.
      void target.offsetWidth;
      target.classList.add("animate-flash");
    },
    [scrollerRef],
  );

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
          <p className="mx-auto mt-4 max-w-[85%] rounded-lg bg-warn-soft px-3 py-1.5 text-center text-xs leading-4 text-warn-ink shadow-sm">
            {messages.length === 0 && outbox.length === 0
              ? `Say hello to ${peerName}. Your first message starts the chat.`
              : `This is the start of your chat with ${peerName}.`}
          </p>
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
              case "message":
                return (
                  <MessageBubble
                    key={row.key}
                    message={row.message}
                    isMine={row.isMine}
                    startsGroup={row.startsGroup}
                    selfId={selfId}
                    peerName={peerName}
                    onReply={onReply}
                    onDelete={onDelete}
                    onJump={onJump}
                  />
                );
              case "outgoing":
                return (
                  <OutgoingBubble
                    key={row.key}
                    message={row.message}
                    startsGroup={row.startsGroup}
                    selfId={selfId}
                    peerName={peerName}
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
