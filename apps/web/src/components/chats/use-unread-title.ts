"use client";

import { useEffect } from "react";

import { useChatState } from "./chat-engine";

/** "(3) Chats · Parley": unread chats show in the tab's title, as in other messengers. */
export function useUnreadTitle() {
  const chats = useChatState((state) => state.chats);
  const unreadChats = Object.values(chats).filter((chat) => (chat?.unreadCount ?? 0) > 0).length;

  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, "");
    document.title = unreadChats > 0 ? `(${unreadChats}) ${base}` : base;
  }, [unreadChats]);
}
