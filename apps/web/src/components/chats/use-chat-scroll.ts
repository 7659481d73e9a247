"use client";

import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

// Within this distance of the end the list counts as "at the bottom" and follows new messages.
const STICKY_PX = 72;
// Scrolled further up than this, the "jump to latest" button shows.
const JUMP_BUTTON_PX = 240;

type ScrollInput = {
  firstKey: string | null;
  lastKey: string | null;
  /** The newest row is one of mine: sending always scrolls to it. */
  lastIsMine: boolean;
  isReady: boolean;
};

/**
 * The conversation's scrolling, messenger style: opens at the newest message
 * (or the "unread" line), follows new messages while at the bottom, keeps
 * the view still when older pages are added on top, and stays at the bottom
 * when the composer or the window changes size.
 */
export function useChatScroll({ firstKey, lastKey, lastIsMine, isReady }: ScrollInput) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLOListElement>(null);
  const isAtBottomRef = useRef(true);
  const previousRef = useRef({
    firstKey: null as string | null,
    lastKey: null as string | null,
    height: 0,
    isPlaced: false,
  });
  // The newest row when the reader scrolled away: what came after it is "new" on the jump button.
  const [awayFrom, setAwayFrom] = useState<{ lastKey: string | null } | null>(null);

  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const previous = previousRef.current;
    if (!previous.isPlaced) {
      if (isReady) {
        const unreadLine = scroller.querySelector<HTMLElement>("[data-unread-line]");
        if (unreadLine) scroller.scrollTop = Math.max(0, unreadLine.offsetTop - scroller.clientHeight / 3);
        else scroller.scrollTop = scroller.scrollHeight;
        previous.isPlaced = true;
      }
    } else if (firstKey !== previous.firstKey && lastKey === previous.lastKey) {
      // Older messages were added above: keep what the reader sees where it was.
      scroller.scrollTop += scroller.scrollHeight - previous.height;
    } else if (lastKey !== previous.lastKey && (isAtBottomRef.current || lastIsMine)) {
      scroller.scrollTop = scroller.scrollHeight;
    }
    previous.firstKey = firstKey;
    previous.lastKey = lastKey;
    previous.height = scroller.scrollHeight;
  }, [firstKey, lastKey, lastIsMine, isReady]);

  useEffect(() => {
    const scroller = scrollerRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const observer = new ResizeObserver(() => {
      if (isAtBottomRef.current && previousRef.current.isPlaced) scroller.scrollTop = scroller.scrollHeight;
      previousRef.current.height = scroller.scrollHeight;
    });
    observer.observe(scroller);
    observer.observe(content);
    return () => observer.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const distance = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    isAtBottomRef.current = distance < STICKY_PX;
    previousRef.current.height = scroller.scrollHeight;
    const isAway = distance > JUMP_BUTTON_PX;
    const { lastKey } = previousRef.current;
    setAwayFrom((current) => (isAway ? (current ?? { lastKey }) : null));
  }, []);

  const scrollToBottom = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    isAtBottomRef.current = true;
    scroller.scrollTo({ top: scroller.scrollHeight, behavior: "smooth" });
  }, []);

  return { scrollerRef, contentRef, onScroll, awayFrom, scrollToBottom };
}
