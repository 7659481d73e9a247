"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";

import type { ContactOutput } from "@parley/sdk";

import { BlockDialog } from "~/components/chats/block-dialog";
import { useChatEngine, useChatState } from "~/components/chats/chat-engine";
import { ConfirmDialog } from "~/components/chats/confirm-dialog";
import { SidePanel } from "~/components/chats/side-panel";
import { SearchField } from "~/components/ui/search-field";
import { Alert } from "~/components/ui/alert";
import { Avatar } from "~/components/ui/avatar";
import {
  BlockIcon,
  ChatIcon,
  ChevronDownIcon,
  PencilIcon,
  PersonAddIcon,
  TrashIcon,
  UploadIcon,
} from "~/components/ui/icons";
import { Menu, type MenuItem } from "~/components/ui/menu";
import { Name } from "~/components/ui/name";

import { Spinner } from "~/components/ui/spinner";
import { toApiProblem } from "~/lib/api-error";
import { displayText } from "~/lib/display-text";
import { formatPhoneNumber } from "~/lib/phone";
import { useTRPC } from "~/trpc/react";

import { ContactFormDialog } from "./contact-form-dialog";
import { ImportContactsDialog } from "./import-contacts-dialog";
import { useContacts, useRefreshContacts } from "./use-contacts";

type ContactsPanelProps = {
  onClose: () => void;
  /** Opens (or starts) the 1:1 chat with a contact who is on Parley. */
  onMessage: (userId: number) => void;
};

type Dialogs =
  | { kind: "add" }
  | { kind: "import" }
  | { kind: "rename"; contact: ContactOutput }
  | { kind: "remove"; contact: ContactOutput }
  | { kind: "block"; contact: ContactOutput & { user: NonNullable<ContactOutput["user"]> } };

/** Your address book: who is on Parley, their about, and adding, renaming, removing, blocking and importing. */
export function ContactsPanel({ onClose, onMessage }: ContactsPanelProps) {
  const contacts = useContacts();
  const selfId = useChatState((state) => state.selfId);
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<Dialogs | null>(null);

  const all = contacts.data?.contacts;
  const shown = useMemo(() => (all ? sortByName(all).filter((contact) => matches(contact, query)) : []), [all, query]);

  return (
    <SidePanel title="Contacts" onClose={onClose}>
      <div className="px-3 pt-2 pb-1.5">
        <SearchField label="Search contacts" value={query} onChange={setQuery} placeholder="Search by name or number" />
      </div>

      <div className="py-1">
        <ActionRow
          icon={<PersonAddIcon className="size-5" />}
          label="New contact"
          onClick={() => setDialog({ kind: "add" })}
        />
        <ActionRow
          icon={<UploadIcon className="size-5" />}
          label="Import contacts"
          onClick={() => setDialog({ kind: "import" })}
        />
      </div>

      {contacts.isPending ? (
        <div className="flex justify-center py-6 text-ink-faint">
          <Spinner className="size-5" />
          <span className="sr-only">Loading contacts</span>
        </div>
      ) : contacts.isError ? (
        <Alert className="mx-4 my-2">
          {toApiProblem(contacts.error).message}{" "}
          <button
            type="button"
            onClick={() => void contacts.refetch()}
            className="cursor-pointer font-medium underline"
          >
            Try again
          </button>
        </Alert>
      ) : (
        <>
          <h3 className="px-6 pt-3 pb-2 text-sm font-medium text-accent-strong">
            {all?.length ? `Contacts (${all.length})` : "Contacts"}
          </h3>
          {shown.length === 0 ? (
            <p className="px-6 py-4 text-sm text-ink-faint">
              {query.trim()
                ? `No contacts match “${query.trim()}”.`
                : "No contacts yet. Add people by their phone number, or import your address book."}
            </p>
          ) : (
            <ul aria-label="Contacts">
              {shown.map((contact) => (
                <ContactRow
                  key={contact.phone_number}
                  contact={contact}
                  isSelf={contact.user?.id === selfId}
                  onMessage={onMessage}
                  onDialog={setDialog}
                />
              ))}
            </ul>
          )}
        </>
      )}

      {dialog?.kind === "add" && <ContactFormDialog mode="add" onClose={() => setDialog(null)} />}
      {dialog?.kind === "rename" && (
        <ContactFormDialog
          mode="rename"
          phoneNumber={dialog.contact.phone_number}
          initialName={dialog.contact.name}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "remove" && <RemoveContactDialog contact={dialog.contact} onClose={() => setDialog(null)} />}
      {dialog?.kind === "block" && (
        <BlockDialog peerId={dialog.contact.user.id} peerName={dialog.contact.name} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "import" && <ImportContactsDialog onClose={() => setDialog(null)} onMessage={onMessage} />}
    </SidePanel>
  );
}

function ActionRow({ icon, label, onClick }: { icon: ReactNode; label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      onClick={onClick}
      className="flex w-full cursor-pointer items-center gap-4 px-4 py-2.5 text-left text-[16px] text-ink hover:bg-panel-hover"
    >
      <span className="inline-flex size-12 shrink-0 items-center justify-center rounded-full bg-accent text-accent-ink">
        {icon}
      </span>
      {label}
    </button>
  );
}

function ContactRow({
  contact,
  isSelf,
  onMessage,
  onDialog,
}: {
  contact: ContactOutput;
  isSelf: boolean;
  onMessage: (userId: number) => void;
  onDialog: (dialog: Dialogs) => void;
}) {
  const engine = useChatEngine();
  const { user } = contact;
  // The engine hears of blocks made anywhere in this tab (the chat's menu too) at once.
  const isBlocked = useChatState((state) => (user ? Boolean(state.blocked[user.id]) : false));
  const [error, setError] = useState<string | null>(null);
  const phone = formatPhoneNumber(contact.phone_number);
  const name = displayText(contact.name);
  const canChat = user !== null && !isSelf;

  const items: MenuItem[] = [
    {
      label: "Edit name",
      icon: <PencilIcon className="size-5" />,
      onSelect: () => onDialog({ kind: "rename", contact }),
    },
  ];
  if (canChat) {
    items.push(
      isBlocked
        ? {
            label: "Unblock",
            icon: <BlockIcon className="size-5" />,
            onSelect: () => {
              setError(null);
              engine.setBlocked(user.id, false).catch((cause: unknown) => setError(toApiProblem(cause).message));
            },
          }
        : {
            label: "Block",
            icon: <BlockIcon className="size-5" />,
            tone: "danger",
            onSelect: () => onDialog({ kind: "block", contact: { ...contact, user } }),
          },
    );
  }
  items.push({
    label: "Remove contact",
    icon: <TrashIcon className="size-5" />,
    tone: "danger",
    onSelect: () => onDialog({ kind: "remove", contact }),
  });

  const detail = !user ? `${phone} · Not on Parley` : isBlocked ? `${phone} · Blocked` : (user.status_message ?? phone);

  return (
    <li data-testid="contact" className="px-3">
      <div className="flex items-center gap-3 rounded-xl px-2 py-2.5 hover:bg-panel-hover">
        <Avatar name={name} seed={contact.phone_number} mediaId={user?.profile_picture_media_id} />
        <span className="min-w-0 flex-1">
          <span className="block truncate text-[16px] text-ink">
            <Name>{name}</Name>
          </span>
          <span className="block truncate text-[13px] text-ink-faint">{detail}</span>
        </span>
        {canChat && !isBlocked && (
          <button
            type="button"
            aria-label={`Message ${name}`}
            title="Message"
            onClick={() => onMessage(user.id)}
            className="inline-flex h-8 shrink-0 cursor-pointer items-center gap-1.5 rounded-full px-3 text-sm font-medium text-accent-strong hover:bg-accent-soft"
          >
            <ChatIcon className="size-4" />
            Message
          </button>
        )}
        <Menu
          label={`Options for ${name}`}
          menuLabel={name}
          width={220}
          items={items}
          buttonClassName="inline-flex size-8 shrink-0 cursor-pointer items-center justify-center rounded-full text-ink-faint hover:bg-panel-hover hover:text-ink"
        >
          <ChevronDownIcon className="size-4" />
        </Menu>
      </div>
      {error && <Alert className="mx-2 mb-2">{error}</Alert>}
    </li>
  );
}

function RemoveContactDialog({ contact, onClose }: { contact: ContactOutput; onClose: () => void }) {
  const trpc = useTRPC();
  const refreshContacts = useRefreshContacts();
  const remove = useMutation(trpc.contact.remove.mutationOptions());
  return (
    <ConfirmDialog
      title={`Remove ${displayText(contact.name)}?`}
      description="They will be shown by their own name or number again. Your chats with them stay."
      confirmLabel="Remove"
      onConfirm={async () => {
        await remove.mutateAsync({ phone_number: contact.phone_number });
        await refreshContacts();
      }}
      onClose={onClose}
    />
  );
}

const collator = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

function sortByName(contacts: ContactOutput[]): ContactOutput[] {
  return [...contacts].sort((a, b) => collator.compare(a.name, b.name) || a.phone_number.localeCompare(b.phone_number));
}

/** By the name you gave them, their own name, their about, or (three digits or more) their number. */
function matches(contact: ContactOutput, query: string): boolean {
  const text = query.trim().toLowerCase();
  if (!text) return true;
  const digits = text.replace(/\D/g, "");
  return (
    contact.name.toLowerCase().includes(text) ||
    (contact.user?.full_name ?? "").toLowerCase().includes(text) ||
    (digits.length >= 3 && contact.phone_number.replace(/\D/g, "").includes(digits))
  );
}
