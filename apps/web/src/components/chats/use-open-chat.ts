"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

import { directKey, groupKey, parseKey, type ConversationKey } from "~/lib/chat/state";

// /chats?with=<user id> for a 1:1 chat, /chats?group=<group id> for a group.
const PARAMS = { direct: "with", group: "group" } as const;
// Marks history entries this screen pushed, so "back" only pops its own.
const PUSHED = "parleyChat";

const ID = /^\d{1,15}$/;

/**
 * The open conversation lives in the URL: a reload reopens it and, on a
 * phone, the browser's back button returns to the list. Changing it is
 * shallow (history API): no server round trip.
 */
export function useOpenChat() {
  const searchParams = useSearchParams();
  const peer = searchParams.get(PARAMS.direct);
  const group = searchParams.get(PARAMS.group);
  const active: ConversationKey | null =
    peer && ID.test(peer) ? directKey(Number(peer)) : group && ID.test(group) ? groupKey(Number(group)) : null;

  const openChat = useCallback((key: ConversationKey) => {
    const { kind, id } = parseKey(key);
    const url = `/chats?${PARAMS[kind]}=${id}`;
    const current = new URLSearchParams(window.location.search);
    const isOpen = current.has(PARAMS.direct) || current.has(PARAMS.group);
    // Switching between chats replaces the entry: back always leads to the list.
    // (A fresh state object: Next.js ignores URL changes whose state it recognises as its own.)
    if (isOpen) window.history.replaceState(wasPushedHere() ? { [PUSHED]: true } : {}, "", url);
    else window.history.pushState({ [PUSHED]: true }, "", url);
  }, []);

  const closeChat = useCallback(() => {
    if (wasPushedHere()) window.history.back();
    else window.history.replaceState({}, "", "/chats");
  }, []);

  return { active, openChat, closeChat };
}

function wasPushedHere(): boolean {
  const state: unknown = window.history.state;
  return typeof state === "object" && state !== null && PUSHED in state;
}
