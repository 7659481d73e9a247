"use client";

import { useState, type FormEvent } from "react";

import type { PublicProfile } from "@parley/sdk";

import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { Button } from "~/components/ui/button";
import { Name } from "~/components/ui/name";
import { PhoneField } from "~/components/ui/phone-field";
import { formatPhoneNumber } from "~/lib/phone";

import { useChatEngine } from "./chat-engine";
import { displayName } from "./display-name";
import { SidePanel } from "./side-panel";
import { usePhoneLookup } from "./use-phone-lookup";

type NewChatPanelProps = {
  initialPhone: string;
  onClose: () => void;
  onOpen: (peerId: number) => void;
};

/** "New chat": find someone by their exact phone number, then open (or start) the conversation. */
export function NewChatPanel({ initialPhone, onClose, onOpen }: NewChatPanelProps) {
  const engine = useChatEngine();
  const { phone, setPhone, fieldError, error, isSearching, lookup } = usePhoneLookup(initialPhone);
  const [found, setFound] = useState<PublicProfile | null>(null);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFound(null);
    void lookup((profile) => {
      if (profile.id === engine.store.getState().selfId) return "That's your own number. Enter someone else's.";
      setFound(profile);
      return undefined;
    });
  }

  return (
    <SidePanel title="New chat" onClose={onClose}>
      <div className="px-5 py-6">
        <form onSubmit={handleSubmit} noValidate className="space-y-4">
          <p className="text-sm leading-5 text-ink-muted">
            Enter the phone number of someone on Parley to message them.
          </p>
          <PhoneField
            value={phone}
            onValueChange={(value) => {
              setPhone(value);
              setFound(null);
            }}
            error={fieldError}
            autoFocus
          />
          <Button type="submit" pending={isSearching}>
            Search
          </Button>
        </form>
        {error && <Alert className="mt-5">{error}</Alert>}
        {found && (
          <div className="mt-6">
            <h3 className="px-1 pb-2 text-sm font-medium text-accent-strong">On Parley</h3>
            <button
              type="button"
              onClick={() => onOpen(found.id)}
              aria-label={`Chat with ${displayName(found)}`}
              className="flex w-full cursor-pointer items-center gap-3 rounded-xl px-3 py-3 text-left transition-colors hover:bg-panel-hover"
            >
              <Avatar
                name={displayName(found)}
                seed={found.phone_number}
                mediaId={found.profile_picture_media_id}
                className="size-12 text-base"
              />
              <span className="min-w-0 flex-1">
                <Name className="block truncate text-[16px] text-ink">{displayName(found)}</Name>
                <span className="block truncate text-[13px] text-ink-faint">
                  {found.status_message ?? formatPhoneNumber(found.phone_number)}
                </span>
              </span>
              <span className="text-sm font-medium text-accent-strong">Message</span>
            </button>
          </div>
        )}
      </div>
    </SidePanel>
  );
}
