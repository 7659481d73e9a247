"use client";

import { useCallback } from "react";

import type { NameOf } from "~/lib/chat/group-text";

import { useChatState } from "./chat-engine";
import { displayName } from "./display-name";

/** Names people by the profiles loaded so far (chat peers, group members, senders). */
export function useNameOf(): NameOf {
  const profiles = useChatState((state) => state.profiles);
  return useCallback((userId: number) => displayName(profiles[userId]) || null, [profiles]);
}
