"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

const PARAM = "with";
// Marks history entries this screen pushed, so "back" only pops its own.
const PUSHED = "parleyChat";

/**
 * The open conversation lives in the URL (/chats?with=<user id>): a reload
 * reopens it and, on a phone, the browser's back button returns to the list.
 * Changing it is shallow (history API): no server round trip.
 */
export function useOpenChat() {
  const searchParams = useSearchParams();
  const raw = searchParams.get(PARAM);
  const peerId = raw && /^\d{1,15}$/.test(raw) ? Number(raw) : null;

  const openChat = useCallback((id: number) => {
    const url = `/chats?${PARAM}=${id}`;
    const isOpen = new URLSearchParams(window.location.search).has(PARAM);
    // Switching between chats replaces the entry: back always leads to the list.
    // (A fresh state object: Next.js ignores URL changes whose state it recognises as its own.)
    if (isOpen) window.history.replaceState(wasPushedHere() ? { [PUSHED]: true } : {}, "", url);
    else window.history.pushState({ [PUSHED]: true }, "", url);
  }, []);

  const closeChat = useCallback(() => {
    if (wasPushedHere()) window.history.back();
    else window.history.replaceState({}, "", "/chats");
  }, []);

  return { peerId, openChat, closeChat };
}

function wasPushedHere(): boolean {
  const state: unknown = window.history.state;
  return typeof state === "object" && state !== null && PUSHED in state;
}
