"use client";

import { useMemo, useState, type FormEvent } from "react";

import type { PublicProfile } from "@parley/sdk";

import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { Button } from "~/components/ui/button";
import { cx } from "~/components/ui/cx";
import { CheckboxIcon, CloseIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { PhoneField } from "~/components/ui/phone-field";
import { sortedChats } from "~/lib/chat/state";
import { formatPhoneNumber } from "~/lib/phone";

import { useChatState } from "./chat-engine";
import { displayName } from "./display-name";
import { usePhoneLookup } from "./use-phone-lookup";

type MemberPickerProps = {
  selected: readonly PublicProfile[];
  onChange: (selected: PublicProfile[]) => void;
  /** Already in the group: not offered. */
  excludedIds?: readonly number[];
};

/**
 * Choosing people for a group: anyone you have a 1:1 chat with, ticked off a
 * list, or anyone else by their exact phone number.
 */
export function MemberPicker({ selected, onChange, excludedIds = [] }: MemberPickerProps) {
  const selfId = useChatState((state) => state.selfId);
  const chats = useChatState((state) => state.chats);
  const conversations = useChatState((state) => state.conversations);
  const profiles = useChatState((state) => state.profiles);
  const [found, setFound] = useState<PublicProfile[]>([]);
  const { phone, setPhone, fieldError, error, isSearching, lookup } = usePhoneLookup();

  const candidates = useMemo(() => {
    const contacts = sortedChats({ chats, conversations }).flatMap((chat) => {
      const profile = chat.kind === "direct" && chat.chatId !== null ? profiles[chat.peerId] : undefined;
      return profile ? [profile] : [];
    });
    const byId = new Map([...found, ...contacts].map((profile) => [profile.id, profile]));
    return [...byId.values()].filter((profile) => !excludedIds.includes(profile.id));
  }, [chats, conversations, profiles, found, excludedIds]);

  const isSelected = (id: number) => selected.some((profile) => profile.id === id);
  const toggle = (profile: PublicProfile) =>
    onChange(isSelected(profile.id) ? selected.filter((item) => item.id !== profile.id) : [...selected, profile]);

  function handleLookup(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void lookup((profile) => {
      if (profile.id === selfId) return "That's your own number. You're in the group already.";
      if (excludedIds.includes(profile.id)) return `${displayName(profile)} is already in the group.`;
      setFound((current) => [profile, ...current.filter((item) => item.id !== profile.id)]);
      if (!isSelected(profile.id)) onChange([...selected, profile]);
      setPhone("");
      return undefined;
    });
  }

  return (
    <div className="space-y-5">
      {selected.length > 0 && (
        <ul aria-label="Selected people" className="flex flex-wrap gap-2">
          {selected.map((profile) => (
            <li
              key={profile.id}
              className="inline-flex items-center gap-1.5 rounded-full bg-panel-muted py-1 pr-1 pl-1 text-sm text-ink"
            >
              <Avatar
                name={displayName(profile)}
                seed={profile.phone_number}
                mediaId={profile.profile_picture_media_id}
                className="size-6 text-[10px]"
              />
              <Name className="max-w-[160px] truncate">{displayName(profile)}</Name>
              <button
                type="button"
                aria-label={`Remove ${displayName(profile)}`}
                onClick={() => toggle(profile)}
                className="inline-flex size-6 cursor-pointer items-center justify-center rounded-full text-ink-faint hover:bg-panel-hover hover:text-ink"
              >
                <CloseIcon className="size-3.5" />
              </button>
            </li>
          ))}
        </ul>
      )}

      <form onSubmit={handleLookup} noValidate className="space-y-3">
        <PhoneField
          label="Add by phone number"
          value={phone}
          onValueChange={setPhone}
          error={fieldError}
          hint="Anyone on Parley, by their number with the country code"
        />
        <Button type="submit" variant="secondary" pending={isSearching}>
          Find
        </Button>
      </form>
      {error && <Alert>{error}</Alert>}

      <section aria-label="People you chat with">
        <h3 className="px-1 pb-2 text-sm font-medium text-accent-strong">People you chat with</h3>
        {candidates.length === 0 ? (
          <p className="px-1 text-sm text-ink-faint">Nobody yet: add people by their phone number.</p>
        ) : (
          <ul>
            {candidates.map((profile) => {
              const isChecked = isSelected(profile.id);
              return (
                <li key={profile.id}>
                  <button
                    type="button"
                    role="checkbox"
                    aria-checked={isChecked}
                    aria-label={displayName(profile)}
                    onClick={() => toggle(profile)}
                    className="flex w-full cursor-pointer items-center gap-3 rounded-xl px-2 py-2.5 text-left transition-colors hover:bg-panel-hover"
                  >
                    <Avatar
                      name={displayName(profile)}
                      seed={profile.phone_number}
                      mediaId={profile.profile_picture_media_id}
                    />
                    <span className="min-w-0 flex-1">
                      <Name className="block truncate text-[15px] text-ink">{displayName(profile)}</Name>
                      <span className="block truncate text-[13px] text-ink-faint">
                        {profile.status_message ?? formatPhoneNumber(profile.phone_number)}
                      </span>
                    </span>
                    <CheckboxIcon
                      isChecked={isChecked}
                      className={cx("size-5 shrink-0", isChecked ? "text-accent" : "text-ink-faint")}
                    />
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}
