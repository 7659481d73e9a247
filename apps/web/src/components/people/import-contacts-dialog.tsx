"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";

import { CONTACT_IMPORT_MAX, type ContactOutput } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { CancelAndConfirm, Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { Name } from "~/components/ui/name";
import { toApiProblem } from "~/lib/api-error";
import { displayText } from "~/lib/display-text";
import { parseContacts, type ParsedContact, type ParsedContacts } from "~/lib/people/parse-contacts";
import { useTRPC } from "~/trpc/react";

import { useRefreshContacts } from "./use-contacts";

// An address book of a few thousand cards is a few megabytes at most.
const MAX_FILE_BYTES = 10 * 1024 * 1024;

type ImportContactsDialogProps = {
  onClose: () => void;
  onMessage: (userId: number) => void;
};

type Outcome = { imported: number; onParley: ContactOutput[]; notImported: string[] };

/** Imports an address book (a .vcf or .csv file, or pasted "name, number" lines) and tells who is on Parley. */
export function ImportContactsDialog({ onClose, onMessage }: ImportContactsDialogProps) {
  const fileId = useId();
  const textId = useId();
  const hintId = useId();
  const trpc = useTRPC();
  const refreshContacts = useRefreshContacts();
  const importContacts = useMutation(trpc.contact.import.mutationOptions());
  const [fileName, setFileName] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [fileError, setFileError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const parsed: ParsedContacts | null = useMemo(() => (text.trim() ? parseContacts(text) : null), [text]);
  const count = parsed?.contacts.length ?? 0;

  async function chooseFile(file: File | undefined) {
    setFileError(null);
    setError(null);
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileError("This file is too large to be an address book.");
      return;
    }
    setFileName(file.name);
    setText(await file.text());
  }

  async function submit() {
    if (!parsed || count === 0) return;
    setError(null);
    try {
      const result = await importContacts.mutateAsync({ contacts: parsed.contacts });
      await refreshContacts();
      setOutcome({
        imported: result.imported,
        onParley: result.on_parley,
        notImported: [...parsed.unusable, ...describeInvalid(parsed.contacts, result.invalid)],
      });
    } catch (cause) {
      setError(toApiProblem(cause).message);
    }
  }

  if (outcome) {
    return (
      <Dialog
        title="Contacts imported"
        onClose={onClose}
        actions={
          <button type="button" className={dialogButtonClass("primary")} onClick={onClose}>
            Done
          </button>
        }
      >
        <p role="status" className="mt-2 text-[15px] text-ink">
          {plural(outcome.imported, "contact")} imported, {outcome.onParley.length} on Parley
        </p>
        <div className="mt-3 max-h-[50vh] space-y-4 overflow-y-auto">
          {outcome.onParley.length > 0 && (
            <section aria-label="On Parley">
              <h3 className="pb-1 text-sm font-medium text-accent-strong">On Parley</h3>
              <ul className="space-y-1">
                {outcome.onParley.map((contact) => (
                  <li key={contact.phone_number} className="flex items-center gap-2 text-sm text-ink">
                    <span className="min-w-0 flex-1 truncate">
                      <Name>{contact.name}</Name>
                    </span>
                    {contact.user && (
                      <button
                        type="button"
                        aria-label={`Message ${displayText(contact.name)}`}
                        onClick={() => {
                          const userId = contact.user?.id;
                          onClose();
                          if (userId !== undefined) onMessage(userId);
                        }}
                        className="shrink-0 cursor-pointer font-medium text-accent-strong hover:underline"
                      >
                        Message
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
          {outcome.notImported.length > 0 && (
            <section aria-label="Not imported">
              <h3 className="pb-1 text-sm font-medium text-danger">
                Not imported: no valid phone number ({outcome.notImported.length})
              </h3>
              <ul className="space-y-0.5 text-sm text-ink-muted">
                {outcome.notImported.map((entry, index) => (
                  <li key={`${index}:${entry}`} className="truncate">
                    {entry}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </Dialog>
    );
  }

  const isTooMany = count > CONTACT_IMPORT_MAX;
  return (
    <Dialog
      title="Import contacts"
      description="From a vCard (.vcf) or CSV file exported by your phone or mail program, or pasted, one per line: name, number. Numbers need their country code (+44…)."
      onClose={onClose}
      actions={
        <CancelAndConfirm
          label={count > 0 ? `Import ${plural(count, "contact")}` : "Import"}
          onCancel={onClose}
          onConfirm={() => void submit()}
          isPending={importContacts.isPending}
          isDisabled={count === 0 || isTooMany}
        />
      }
    >
      <div className="mt-4 space-y-4">
        <div className="space-y-1.5">
          <label htmlFor={fileId} className="block text-sm font-medium text-ink-muted">
            Contacts file (.vcf or .csv)
          </label>
          <input
            id={fileId}
            type="file"
            accept=".vcf,.vcard,.csv,.txt,text/vcard,text/x-vcard,text/csv,text/plain"
            onChange={(event) => void chooseFile(event.target.files?.[0])}
            className="block w-full cursor-pointer text-sm text-ink-muted file:mr-3 file:cursor-pointer file:rounded-full file:border file:border-field-line file:bg-panel file:px-4 file:py-2 file:text-sm file:font-medium file:text-accent-strong hover:file:bg-panel-hover"
          />
          {fileError && (
            <p role="alert" className="text-[13px] text-danger">
              {fileError}
            </p>
          )}
        </div>
        <div className="space-y-1.5">
          <label htmlFor={textId} className="block text-sm font-medium text-ink-muted">
            {fileName ? `Contents of ${fileName}` : "Or paste contacts"}
          </label>
          <textarea
            id={textId}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setFileName(null);
            }}
            aria-describedby={hintId}
            rows={5}
            spellCheck={false}
            placeholder={"Ada Lovelace, +44 7700 900123\nGrace Hopper, +1 415 555 0123"}
            className="block w-full resize-y rounded-lg border border-field-line bg-field px-3.5 py-2.5 font-mono text-[13px] text-ink outline-none placeholder:text-ink-faint focus:border-accent focus:ring-3 focus:ring-accent/20"
          />
          <p id={hintId} aria-live="polite" className="text-[13px] leading-5 text-ink-faint">
            {parsed
              ? `${plural(count, "contact")} found${parsed.unusable.length > 0 ? `, ${parsed.unusable.length} without a number` : ""}.`
              : "Nothing to import yet."}
          </p>
        </div>
        {isTooMany && <Alert>Import at most {CONTACT_IMPORT_MAX} contacts at once.</Alert>}
        {error && <Alert>{error}</Alert>}
      </div>
    </Dialog>
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The server names invalid entries by the number as sent: put the name beside it again. */
function describeInvalid(sent: ParsedContact[], invalid: string[]): string[] {
  const remaining = [...sent];
  return invalid.map((phoneNumber) => {
    const index = remaining.findIndex((contact) => contact.phone_number === phoneNumber);
    const [contact] = index >= 0 ? remaining.splice(index, 1) : [];
    return contact && contact.name !== phoneNumber ? `${displayText(contact.name)} (${phoneNumber})` : phoneNumber;
  });
}
