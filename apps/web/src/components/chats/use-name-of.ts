"use client";

import { useCallback } from "react";

import { useContactNames } from "~/components/people/use-contacts";
import type { NameOf } from "~/lib/chat/group-text";
import { personName } from "~/lib/people/contact-names";

import { useChatState } from "./chat-engine";

/** Names people by the profiles loaded so far (chat peers, group members, senders), and by your contacts. */
export function useNameOf(): NameOf {
  const profiles = useChatState((state) => state.profiles);
  const contactNames = useContactNames();
  return useCallback(
    (userId: number) => {
      const profile = profiles[userId];
      return profile ? personName(profile, contactNames) : null;
    },
    [profiles, contactNames],
  );
}
