"use client";

import { useMutation } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";

import { addContactInput } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Dialog, dialogButtonClass } from "~/components/ui/dialog";
import { PhoneField } from "~/components/ui/phone-field";
import { Spinner } from "~/components/ui/spinner";
import { TextField } from "~/components/ui/text-field";
import { toApiProblem, validationMessage } from "~/lib/api-error";
import { formatPhoneNumber } from "~/lib/phone";
import { useTRPC } from "~/trpc/react";

import { useRefreshContacts } from "./use-contacts";

type ContactFormDialogProps = {
  /** "add" a new number (or a known one, from a chat), or "rename" a contact. */
  mode: "add" | "rename";
  /** The number, when it is already known: then it can't be changed here. */
  phoneNumber?: string;
  initialName?: string;
  onClose: () => void;
};

/** "New contact", "Add to contacts" and "Edit contact": a number and the name you know it by. */
export function ContactFormDialog({ mode, phoneNumber, initialName = "", onClose }: ContactFormDialogProps) {
  const formId = useId();
  const trpc = useTRPC();
  const refreshContacts = useRefreshContacts();
  const add = useMutation(trpc.contact.add.mutationOptions());
  const rename = useMutation(trpc.contact.rename.mutationOptions());
  const [phone, setPhone] = useState(phoneNumber ?? "");
  const [name, setName] = useState(initialName);
  const [fieldErrors, setFieldErrors] = useState<{ phone_number?: string; name?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const { shape } = addContactInput;
    const errors = {
      phone_number: validationMessage(shape.phone_number, phone),
      name: validationMessage(shape.name, name),
    };
    setFieldErrors(errors);
    if (errors.phone_number || errors.name) return;
    setIsSaving(true);
    try {
      const input = { phone_number: phone, name: name.trim() };
      await (mode === "add" ? add.mutateAsync(input) : rename.mutateAsync(input));
      await refreshContacts();
      onClose();
    } catch (cause) {
      const problem = toApiProblem(cause);
      setFieldErrors({ phone_number: problem.fieldErrors.phone_number, name: problem.fieldErrors.name });
      setError(problem.message);
      setIsSaving(false);
    }
  }

  return (
    <Dialog
      title={mode === "rename" ? "Edit contact" : phoneNumber ? "Add to contacts" : "New contact"}
      onClose={onClose}
      actions={
        <>
          <button type="button" className={dialogButtonClass()} onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className={dialogButtonClass("primary")} disabled={isSaving}>
            {isSaving && <Spinner className="size-4" />}
            Save
          </button>
        </>
      }
    >
      <form id={formId} onSubmit={(event) => void handleSubmit(event)} noValidate className="mt-4 space-y-4">
        <TextField
          label="Name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={255}
          error={fieldErrors.name}
          autoComplete="off"
          autoFocus
        />
        {phoneNumber ? (
          <p className="text-sm text-ink-muted">
            Phone number <span className="block text-[15px] text-ink">{formatPhoneNumber(phoneNumber)}</span>
          </p>
        ) : (
          <PhoneField value={phone} onValueChange={setPhone} error={fieldErrors.phone_number} />
        )}
        {error && <Alert>{error}</Alert>}
      </form>
    </Dialog>
  );
}
