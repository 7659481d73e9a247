"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";

import { useChatState } from "~/components/chats/chat-engine";
import {
  getContactNames,
  getServerContactNames,
  setContactNames,
  subscribeContactNames,
  type ContactNames,
} from "~/lib/people/contact-names";
import { useTRPC } from "~/trpc/react";

/** The names you saved for your contacts; the component re-renders when they change. */
export function useContactNames(): ContactNames {
  return useSyncExternalStore(subscribeContactNames, getContactNames, getServerContactNames);
}

/** Your contacts, as the contacts panel, the chat header and the names everywhere share them. */
export function useContacts() {
  const trpc = useTRPC();
  return useQuery(trpc.contact.list.queryOptions());
}

/** After a change of ours: refetches the contacts and the blocked list, and resolves once they are fresh. */
export function useRefreshContacts() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(() => queryClient.invalidateQueries(trpc.contact.pathFilter()), [queryClient, trpc]);
}

/**
 * Mounted once, on the chat screen: keeps the saved names that `displayName` shows in step with
 * `contact.list` (refetched on `contacts_changed`, so other devices' edits arrive too), and
 * re-renders the screen when they change so every name on it follows.
 */
export function useContactsSync() {
  const contacts = useContacts();
  const refreshContacts = useRefreshContacts();
  // A primitive, so that only a real change of who is blocked counts.
  const blockedIds = useChatState((state) => Object.keys(state.blocked).join(","));
  const previousBlockedIds = useRef(blockedIds);

  useEffect(() => {
    if (contacts.data) setContactNames(contacts.data.contacts);
  }, [contacts.data]);

  // Whoever signs in next in this tab starts without these names.
  useEffect(() => () => setContactNames([]), []);

  // Blocking and unblocking (from the chat's menu too) change contacts' is_blocked and the blocked list.
  useEffect(() => {
    if (previousBlockedIds.current === blockedIds) return;
    previousBlockedIds.current = blockedIds;
    void refreshContacts();
  }, [blockedIds, refreshContacts]);

  return useContactNames();
}
