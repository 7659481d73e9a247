"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";

import type { Me, PublicProfile, Visibility } from "@parley/sdk";

import { BlockDialog } from "~/components/chats/block-dialog";
import { useChatEngine, useChatState } from "~/components/chats/chat-engine";
import { displayName } from "~/components/chats/display-name";
import { PanelSection, SidePanel } from "~/components/chats/side-panel";
import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { BlockIcon } from "~/components/ui/icons";
import { Name } from "~/components/ui/name";
import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import { personName } from "~/lib/people/contact-names";
import { formatPhoneNumber } from "~/lib/phone";
import { useTRPC } from "~/trpc/react";

import { useContactNames, useContacts } from "./use-contacts";

const choices: { value: Visibility; label: string }[] = [
  { value: "everyone", label: "Everyone" },
  { value: "contacts", label: "My contacts" },
  { value: "nobody", label: "Nobody" },
];

/** Who sees your last seen, photo and about; read receipts; the people you blocked. */
export function PrivacyPanel({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const privacy = me.data?.privacy;

  return (
    <SidePanel title="Privacy" onClose={onClose}>
      {me.isError && <Alert className="m-4">{toApiProblem(me.error).message}</Alert>}
      {privacy ? (
        <>
          <PanelSection title="Who can see my personal info">
            <VisibilityChoice field="last_seen" legend="Last seen and online" value={privacy.last_seen} />
            <VisibilityChoice field="profile_picture" legend="Profile photo" value={privacy.profile_picture} />
            <VisibilityChoice field="about" legend="About" value={privacy.about} />
            <p className="px-6 pt-1 text-[13px] leading-5 text-ink-faint">
              &ldquo;My contacts&rdquo; are the people saved in your contacts. People you blocked see none of these.
            </p>
          </PanelSection>
          <ReadReceipts isOn={privacy.read_receipts} />
        </>
      ) : (
        !me.isError && (
          <div className="flex justify-center py-6 text-ink-faint">
            <Spinner className="size-5" />
            <span className="sr-only">Loading your privacy settings</span>
          </div>
        )
      )}
      <BlockedContacts />
    </SidePanel>
  );
}

/** Saves a privacy change at once, as messengers do, and shows it while it is on its way. */
function usePrivacyChange() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.user.updatePrivacy.mutationOptions({
      onSuccess: (me: Me) => queryClient.setQueryData(trpc.user.me.queryKey(), me),
    }),
  );
}

function VisibilityChoice({
  field,
  legend,
  value,
}: {
  field: "last_seen" | "profile_picture" | "about";
  legend: string;
  value: Visibility;
}) {
  const name = useId();
  const change = usePrivacyChange();
  // Shown checked from the click on (a controlled radio would jump back until the request is under way).
  const [chosen, setChosen] = useState<Visibility | null>(null);
  const current = chosen ?? value;

  return (
    <fieldset className="px-6 py-2.5">
      <legend className="flex items-center gap-2 pb-1.5 text-[15px] text-ink">
        {legend}
        {change.isPending && <Spinner className="size-3.5 text-ink-faint" />}
      </legend>
      <div className="flex flex-wrap gap-x-5 gap-y-1">
        {choices.map((choice) => (
          <label
            key={choice.value}
            className="inline-flex cursor-pointer items-center gap-2 py-1 text-sm text-ink-muted"
          >
            <input
              type="radio"
              name={name}
              value={choice.value}
              checked={current === choice.value}
              disabled={change.isPending}
              onChange={() => {
                setChosen(choice.value);
                change.mutate({ [field]: choice.value }, { onSettled: () => setChosen(null) });
              }}
              className="size-4 cursor-pointer accent-accent"
            />
            {choice.label}
          </label>
        ))}
      </div>
      {change.isError && <Alert className="mt-2">{toApiProblem(change.error).message}</Alert>}
    </fieldset>
  );
}

function ReadReceipts({ isOn }: { isOn: boolean }) {
  const id = useId();
  const change = usePrivacyChange();
  const [chosen, setChosen] = useState<boolean | null>(null);
  const current = chosen ?? isOn;
  return (
    <div className="border-b border-line px-6 py-4">
      <div className="flex items-start gap-4">
        <div className="min-w-0 flex-1">
          <label htmlFor={id} className="block cursor-pointer text-[15px] text-ink">
            Read receipts
          </label>
          <p id={`${id}-hint`} className="mt-0.5 text-[13px] leading-5 text-ink-faint">
            If you turn off read receipts, you won&apos;t be able to see read receipts from other people. Read receipts
            are always sent for group chats.
          </p>
        </div>
        <input
          id={id}
          type="checkbox"
          role="switch"
          aria-describedby={`${id}-hint`}
          checked={current}
          disabled={change.isPending}
          onChange={(event) => {
            const isChecked = event.target.checked;
            setChosen(isChecked);
            change.mutate({ read_receipts: isChecked }, { onSettled: () => setChosen(null) });
          }}
          className="peer mt-1 h-5 w-9 shrink-0 cursor-pointer appearance-none rounded-full bg-field-line transition-colors checked:bg-accent disabled:opacity-60 relative before:absolute before:top-0.5 before:left-0.5 before:size-4 before:rounded-full before:bg-white before:shadow before:transition-transform checked:before:translate-x-4"
        />
      </div>
      {change.isError && <Alert className="mt-2">{toApiProblem(change.error).message}</Alert>}
    </div>
  );
}

function BlockedContacts() {
  const trpc = useTRPC();
  const engine = useChatEngine();
  const blocked = useQuery(trpc.contact.blocked.queryOptions());
  const [isPicking, setIsPicking] = useState(false);
  const [blocking, setBlocking] = useState<PublicProfile | null>(null);
  const [unblocking, setUnblocking] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function unblock(userId: number) {
    setUnblocking(userId);
    setError(null);
    try {
      // The screen refetches the list when the engine hears of the change.
      await engine.setBlocked(userId, false);
    } catch (cause) {
      setError(toApiProblem(cause).message);
    } finally {
      setUnblocking(null);
    }
  }

  const people = blocked.data?.blocked ?? [];
  return (
    <PanelSection title={people.length > 0 ? `Blocked contacts (${people.length})` : "Blocked contacts"}>
      <p className="px-6 pb-2 text-[13px] leading-5 text-ink-faint">
        Blocked contacts can&apos;t send you messages, and don&apos;t see your last seen, online, photo or about.
      </p>
      {error && <Alert className="mx-4 mb-2">{error}</Alert>}
      {blocked.isError && <Alert className="mx-4 mb-2">{toApiProblem(blocked.error).message}</Alert>}
      {blocked.isPending ? (
        <div className="flex justify-center py-3 text-ink-faint">
          <Spinner className="size-5" />
          <span className="sr-only">Loading blocked contacts</span>
        </div>
      ) : (
        <ul aria-label="Blocked contacts">
          {people.map((person) => {
            const name = displayName(person);
            return (
              <li key={person.id} data-testid="blocked-contact" className="flex items-center gap-3 px-6 py-2">
                <Avatar name={name} seed={person.phone_number} />
                <span className="min-w-0 flex-1">
                  <Name className="block truncate text-[15px] text-ink">{name}</Name>
                  <span className="block truncate text-[13px] text-ink-faint">
                    {formatPhoneNumber(person.phone_number)}
                  </span>
                </span>
                <button
                  type="button"
                  aria-label={`Unblock ${name}`}
                  disabled={unblocking === person.id}
                  onClick={() => void unblock(person.id)}
                  className="inline-flex h-8 shrink-0 cursor-pointer items-center gap-1.5 rounded-full border border-field-line px-3 text-sm font-medium text-accent-strong hover:bg-panel-hover disabled:opacity-60"
                >
                  {unblocking === person.id && <Spinner className="size-3.5" />}
                  Unblock
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <button
        type="button"
        onClick={() => setIsPicking(true)}
        className="mt-1 flex w-full cursor-pointer items-center gap-4 px-6 py-2.5 text-left text-[15px] text-danger hover:bg-panel-hover"
      >
        <BlockIcon className="size-5" />
        Block someone
      </button>
      {isPicking && (
        <BlockSomeoneDialog
          onClose={() => setIsPicking(false)}
          onPick={(profile) => {
            setIsPicking(false);
            setBlocking(profile);
          }}
        />
      )}
      {blocking && (
        <BlockDialog peerId={blocking.id} peerName={displayName(blocking)} onClose={() => setBlocking(null)} />
      )}
    </PanelSection>
  );
}

/** Whom to block: the people you chat with and your contacts on Parley who aren't blocked yet. */
function BlockSomeoneDialog({ onClose, onPick }: { onClose: () => void; onPick: (profile: PublicProfile) => void }) {
  const selfId = useChatState((state) => state.selfId);
  const chats = useChatState((state) => state.chats);
  const profiles = useChatState((state) => state.profiles);
  const blocked = useChatState((state) => state.blocked);
  const contacts = useContacts();
  const contactNames = useContactNames();
  const [query, setQuery] = useState("");

  const candidates = useMemo(() => {
    const byId = new Map<number, PublicProfile>();
    for (const chat of Object.values(chats)) {
      const profile = chat.kind === "direct" ? profiles[chat.peerId] : undefined;
      if (profile) byId.set(profile.id, profile);
    }
    for (const contact of contacts.data?.contacts ?? []) if (contact.user) byId.set(contact.user.id, contact.user);
    const text = query.trim().toLowerCase();
    return [...byId.values()]
      .filter((profile) => profile.id !== selfId && !blocked[profile.id])
      .map((profile) => ({ profile, name: personName(profile, contactNames) }))
      .filter(({ name, profile }) => !text || name.toLowerCase().includes(text) || profile.phone_number.includes(text))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [chats, profiles, contacts.data, blocked, selfId, query, contactNames]);

  return (
    <Dialog
      title="Block someone"
      onClose={onClose}
      actions={
        <button type="button" className={dialogButtonClass()} onClick={onClose}>
          Cancel
        </button>
      }
    >
      <label className="mt-3 block">
        <span className="sr-only">Search people</span>
        <input
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          placeholder="Search by name or number"
          autoComplete="off"
          className="h-9 w-full rounded-lg bg-panel-muted px-3 text-[15px] text-ink outline-none placeholder:text-ink-faint focus:bg-field focus:ring-2 focus:ring-accent/40"
        />
      </label>
      <div className="mt-3 max-h-[50vh] overflow-y-auto">
        {candidates.length === 0 ? (
          <p className="py-3 text-sm text-ink-faint">Nobody to block: you block people you chat with or have saved.</p>
        ) : (
          <ul aria-label="People">
            {candidates.map(({ profile, name }) => (
              <li key={profile.id}>
                <button
                  type="button"
                  aria-label={`Block ${name}`}
                  onClick={() => onPick(profile)}
                  className="flex w-full cursor-pointer items-center gap-3 rounded-xl px-2 py-2 text-left hover:bg-panel-hover"
                >
                  <Avatar name={name} seed={profile.phone_number} mediaId={profile.profile_picture_media_id} />
                  <span className="min-w-0 flex-1">
                    <Name className="block truncate text-[15px] text-ink">{name}</Name>
                    <span className="block truncate text-[13px] text-ink-faint">
                      {formatPhoneNumber(profile.phone_number)}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
