"use client";

import { useEffect, useState } from "react";

import { cx } from "~/components/ui/cx";
import { OfflineIcon } from "~/components/ui/icons";
import { Spinner } from "~/components/ui/spinner";
import type { ConnectionState } from "~/lib/chat/state";

import { useChatState } from "./chat-engine";

// A reconnect this quick goes unnoticed; only a longer one earns a banner.
const SHOW_AFTER_MS = 2_000;

/** Tells the person when live updates stop, and that what they send waits for the connection. */
export function ConnectionBanner({ className }: { className?: string }) {
  const connection = useChatState((state) => state.connection);
  const [lateState, setLateState] = useState<ConnectionState | null>(null);

  useEffect(() => {
    if (connection === "online") return;
    const timer = setTimeout(() => setLateState(connection), SHOW_AFTER_MS);
    return () => {
      clearTimeout(timer);
      setLateState(null);
    };
  }, [connection]);

  const isShown = connection === "offline" || (connection === "connecting" && lateState === "connecting");
  if (!isShown) return null;
  return (
    <div
      role="status"
      className={cx("flex shrink-0 items-center gap-3 bg-warn-soft px-4 py-3 text-warn-ink", className)}
    >
      <span className="inline-flex size-10 shrink-0 items-center justify-center rounded-full bg-white/60 text-[#c9a400] dark:bg-black/20">
        {connection === "offline" ? <OfflineIcon className="size-5" /> : <Spinner className="size-5" />}
      </span>
      <span className="min-w-0 text-sm leading-5">
        <strong className="block font-medium">{connection === "offline" ? "You're offline" : "Connecting…"}</strong>
        {connection === "offline"
          ? "Messages you send will go out when you're back online."
          : "New messages will appear as soon as Parley is reachable again."}
      </span>
    </div>
  );
}
