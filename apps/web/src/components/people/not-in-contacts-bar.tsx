"use client";

import { useState } from "react";

import { useChatState } from "~/components/chats/chat-engine";
import { PersonAddIcon } from "~/components/ui/icons";
import { formatPhoneNumber } from "~/lib/phone";

import { ContactFormDialog } from "./contact-form-dialog";
import { useContacts } from "./use-contacts";

/**
 * Under the header of a 1:1 chat with someone who isn't in your contacts: their number (the
 * name above is the one they gave themselves) and a way to save them.
 */
export function NotInContactsBar({ peerId }: { peerId: number }) {
  const profile = useChatState((state) => state.profiles[peerId]);
  const contacts = useContacts();
  const [isAdding, setIsAdding] = useState(false);
  const isContact = contacts.data?.contacts.some((contact) => contact.phone_number === profile?.phone_number);
  if (!profile || !contacts.data || (isContact && !isAdding)) return null;

  return (
    <div
      data-testid="not-in-contacts"
      className="flex shrink-0 items-center gap-3 border-b border-l border-line bg-panel px-4 py-2 text-[13px] md:px-5"
    >
      <p className="min-w-0 flex-1 leading-4">
        <span className="block truncate font-medium text-ink">{formatPhoneNumber(profile.phone_number)}</span>
        <span className="block truncate text-ink-muted">Not in your contacts</span>
      </p>
      <button
        type="button"
        onClick={() => setIsAdding(true)}
        className="inline-flex h-8 shrink-0 cursor-pointer items-center gap-1.5 rounded-full px-3 font-medium text-accent-strong hover:bg-accent-soft"
      >
        <PersonAddIcon className="size-4" />
        Add to contacts
      </button>
      {isAdding && (
        <ContactFormDialog
          mode="add"
          phoneNumber={profile.phone_number}
          initialName={profile.full_name ?? ""}
          onClose={() => setIsAdding(false)}
        />
      )}
    </div>
  );
}
