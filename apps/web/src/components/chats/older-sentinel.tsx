"use client";

import { useEffect, useRef, type RefObject } from "react";

import { Spinner } from "~/components/ui/spinner";

/** Asks for the page before the oldest message when the top of the list comes near. */
export function OlderSentinel({
  root,
  onVisible,
  watch,
  isLoading,
}: {
  root: RefObject<HTMLDivElement | null>;
  onVisible: () => void;
  /** Re-armed whenever the oldest row changes, since the sentinel may still be in view. */
  watch: string | null;
  isLoading: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element || isLoading) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) onVisible();
      },
      { root: root.current, rootMargin: "400px 0px 0px 0px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [root, onVisible, watch, isLoading]);
  return (
    <div ref={ref} className="flex h-10 shrink-0 items-center justify-center text-ink-faint">
      {isLoading && <Spinner className="size-5" />}
    </div>
  );
}
