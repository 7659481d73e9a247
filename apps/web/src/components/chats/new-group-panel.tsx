"use client";

import { useState, type FormEvent } from "react";

import type { PublicProfile } from "@parley/sdk";
import { createGroupInput } from "@parley/validators";

import { Alert } from "~/components/ui/alert";
import { Button } from "~/components/ui/button";
import { ArrowLeftIcon } from "~/components/ui/icons";
import { toApiProblem, validationMessage } from "~/lib/api-error";
import type { ConversationKey } from "~/lib/chat/state";

import { useChatEngine } from "./chat-engine";
import { displayName } from "./display-name";
import { GroupFields, type GroupDetails } from "./group-fields";
import { headerButtonClass } from "./header-button";
import { MemberPicker } from "./member-picker";

type NewGroupPanelProps = {
  onClose: () => void;
  onCreated: (key: ConversationKey) => void;
};

/** "New group": pick the people, then name it. */
export function NewGroupPanel({ onClose, onCreated }: NewGroupPanelProps) {
  const engine = useChatEngine();
  const [step, setStep] = useState<"members" | "details">("members");
  const [members, setMembers] = useState<PublicProfile[]>([]);
  const [details, setDetails] = useState<GroupDetails>({ name: "", description: "" });
  const [fieldErrors, setFieldErrors] = useState<{ name?: string; description?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [isCreating, setIsCreating] = useState(false);

  async function handleCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const errors = {
      name: validationMessage(createGroupInput.shape.name, details.name),
      description: validationMessage(createGroupInput.shape.description, details.description),
    };
    setFieldErrors(errors);
    if (errors.name || errors.description) return;
    setIsCreating(true);
    try {
      const key = await engine.createGroup({
        name: details.name.trim(),
        description: details.description.trim(),
        memberIds: members.map((member) => member.id),
      });
      onCreated(key);
    } catch (cause) {
      const problem = toApiProblem(cause);
      setFieldErrors({ name: problem.fieldErrors.name, description: problem.fieldErrors.description });
      setError(problem.message);
      setIsCreating(false);
    }
  }

  const back = step === "details" ? () => setStep("members") : onClose;

  return (
    <section aria-label="New group" className="absolute inset-0 z-20 flex animate-fade-in flex-col bg-panel">
      {/* Only catches Escape bubbling up from inside, so it is presentational: the section stays a region. */}
      <div
        role="presentation"
        onKeyDown={(event) => {
          if (event.key === "Escape") onClose();
        }}
        className="flex min-h-0 flex-1 flex-col"
      >
        <header className="flex h-16 shrink-0 items-center gap-4 bg-panel-muted px-3">
          <button
            type="button"
            aria-label={step === "details" ? "Back to members" : "Back to chats"}
            title="Back"
            onClick={back}
            className={headerButtonClass}
          >
            <ArrowLeftIcon className="size-5" />
          </button>
          <h2 className="text-[17px] font-medium text-ink">{step === "members" ? "Add group members" : "New group"}</h2>
        </header>
        {step === "members" ? (
          <>
            <div className="flex-1 overflow-y-auto px-5 py-5">
              <MemberPicker selected={members} onChange={setMembers} />
            </div>
            <footer className="shrink-0 border-t border-line px-5 py-3">
              <Button disabled={members.length === 0} onClick={() => setStep("details")}>
                {members.length === 0 ? "Pick at least one person" : `Next (${members.length} selected)`}
              </Button>
            </footer>
          </>
        ) : (
          <form onSubmit={(event) => void handleCreate(event)} noValidate className="flex min-h-0 flex-1 flex-col">
            <div className="flex-1 space-y-4 overflow-y-auto px-5 py-6">
              <GroupFields
                details={details}
                onChange={setDetails}
                errors={fieldErrors}
                descriptionLabel="Description (optional)"
              />
              <p className="text-sm leading-5 text-ink-muted">
                With you and {members.map((member) => displayName(member)).join(", ")}.
              </p>
              {error && <Alert>{error}</Alert>}
            </div>
            <footer className="shrink-0 border-t border-line px-5 py-3">
              <Button type="submit" pending={isCreating}>
                Create group
              </Button>
            </footer>
          </form>
        )}
      </div>
    </section>
  );
}
